"""Reads that pages share. Permission scoping lives here once, so no view can forget it."""

from django.db.models import OuterRef, Q, Subquery

from . import roles
from .models import Assignment, AuditLog, CoSigner, Reply, Suggestion

S = Suggestion.Status
PUBLIC_EXCLUDED = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.NOT_REGISTERED, S.WITHDRAWN, S.MERGED)


def suggestions_visible_to(user):
    """Suggestions a logged-in user may open, whatever their roles."""
    qs = Suggestion.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if roles.is_staff_member(user):
        return qs
    condition = Q(pk__in=[])
    delegate = roles.delegate_of(user)
    if delegate:
        condition |= Q(lead_delegate=delegate) | Q(
            cosigners__delegate=delegate,
            cosigners__status__in=[CoSigner.Status.INVITED, CoSigner.Status.CONFIRMED],
        )
    office_ids = roles.office_ids_of(user)
    if office_ids:
        condition |= Q(assignments__office_id__in=office_ids)
    leader = roles.leader_of(user)
    if leader:
        condition |= Q(leader=leader, is_key=True)
    return qs.filter(condition).distinct()


def with_audit_version(queryset):
    """Each suggestion with ``audit_version``, the id of its newest audit row (what the detail page's
    cached parts are keyed by), in the same query."""
    newest = AuditLog.objects.filter(suggestion=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    return queryset.annotate(audit_version=Subquery(newest))


def visible_suggestion(user, queryset, pk):
    """``queryset``'s suggestion ``pk`` if the user may see it, else ``None``.

    Staff see every suggestion, so they get the row straight away; for anyone else the scope is a
    subquery of ids, so its DISTINCT never runs over whole rows with the body text. The merged-into
    suggestion is left to the template (it asks only when ``merged_into_id`` is set).
    """
    queryset = queryset.filter(pk=pk).order_by()
    if user.is_authenticated and roles.is_staff_member(user):
        return next(iter(queryset), None)
    visible = suggestions_visible_to(user).filter(pk=pk).values("pk")
    return next(iter(queryset.filter(pk__in=visible)), None)


def suggestion_for_user(user, pk):
    """The suggestion if the user may see it, else ``None`` (callers answer 404)."""
    return suggestions_visible_to(user).filter(pk=pk).first()


def assignments_for_user(user):
    """Assignments of the offices the user works for (staff see all)."""
    qs = Assignment.objects.all()
    if roles.is_staff_member(user):
        return qs
    return qs.filter(office_id__in=roles.office_ids_of(user))


def _replies(suggestion):
    return Reply.objects.filter(suggestion=suggestion).select_related("assignment__office", "round", "result_class")


def submitted_replies(suggestion):
    """Submitted replies: everyone who may open the suggestion may read them."""
    return _replies(suggestion).filter(status=Reply.Status.SUBMITTED)


def draft_replies_visible_to(user, suggestion):
    """Draft replies, only for the office writing them (staff read replies once submitted)."""
    if roles.is_staff_member(user):
        return Reply.objects.none()
    office_ids = roles.office_ids_of(user)
    if not office_ids:
        return Reply.objects.none()
    return _replies(suggestion).filter(status=Reply.Status.DRAFT, assignment__office_id__in=office_ids)


def public_suggestions():
    """What the public may see: published, registered suggestions that were not withdrawn."""
    return Suggestion.objects.filter(is_published=True).exclude(status__in=PUBLIC_EXCLUDED)


def public_replies(suggestion):
    return (
        Reply.objects.filter(suggestion=suggestion, is_published=True, status=Reply.Status.SUBMITTED)
        .select_related("assignment__office", "round", "result_class")
        .order_by("round__number", "submitted_at")
    )
