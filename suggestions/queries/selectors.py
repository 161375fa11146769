"""Reads that pages share. Permission scoping lives here once, so no view can forget it."""

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from huaxi_renda.prepared import Prepared
from suggestions import roles
from suggestions.models import Assignment, Attachment, AuditLog, CoSigner, Reply, Suggestion

S = Suggestion.Status
A = Assignment.Status
# Returned to staff or withdrawn (``Assignment.ENDED``), and its negation for querysets.
ENDED_ASSIGNMENT = Assignment.ENDED
LIVE_ASSIGNMENT = ~Q(status__in=ENDED_ASSIGNMENT)


def suggestion_delegates(suggestion):
    """The lead delegate first, then every confirmed co-signer (in the order invited): the delegates a
    reply is addressed to, who rate it and who are told of each step."""
    cosigners = CoSigner.objects.filter(suggestion=suggestion, status=CoSigner.Status.CONFIRMED).select_related(
        "delegate"
    )
    return [suggestion.lead_delegate] + [c.delegate for c in cosigners]


PUBLIC_EXCLUDED = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.NOT_REGISTERED, S.WITHDRAWN, S.MERGED)
# An office reads a suggestion through an assignment in any of these; once its return is approved it does not.
OFFICE_READS = tuple(status for status in A.values if status != A.RETURNED)


def delegate_access(delegate, *, now=None):
    """The suggestions a delegate (a record or its id) may read: those they lead, those they co-signed
    (confirmed), and those they are invited to co-sign while the invitation is open (they read it to decide).
    An expired, declined or dropped invitation reads nothing."""
    invited = Q(cosigners__delegate=delegate, cosigners__status=CoSigner.Status.INVITED) & (
        Q(cosigners__deadline__isnull=True) | Q(cosigners__deadline__gte=now or timezone.now())
    )
    confirmed = Q(cosigners__delegate=delegate, cosigners__status=CoSigner.Status.CONFIRMED)
    return Q(lead_delegate=delegate) | confirmed | invited


def _scope_of(user):
    """What decides which suggestions ``user`` may open (the arguments of ``_visible``)."""
    delegate, leader = roles.delegate_of(user), roles.leader_of(user)
    return {
        "congress_id": roles.congress_id_of(user),
        "staff": roles.is_staff_member(user),
        "delegate_id": delegate.pk if delegate else None,
        "office_ids": tuple(sorted(roles.office_ids_of(user))),
        "leader_id": leader.pk if leader else None,
        "now": timezone.now(),
    }


def _visible(*, congress_id, staff, delegate_id, office_ids, leader_id, now):
    """The rule of ``suggestions_visible_to``, from the values ``_scope_of`` reads off the user."""
    # Only the suggestions of the congress the user acts in, whatever their roles (issue 18).
    qs = Suggestion.objects.filter(congress_id=congress_id)
    if staff and delegate_id is None:
        # The staff's own pages exclude drafts too; an office or leader role adds nothing beyond this.
        return qs.exclude(status=S.DRAFT)
    condition = Q(pk__in=[])
    if staff:
        condition |= ~Q(status=S.DRAFT)
    if delegate_id is not None:
        condition |= delegate_access(delegate_id, now=now)
    if office_ids:
        condition |= Q(assignments__office_id__in=office_ids, assignments__status__in=OFFICE_READS)
    if leader_id is not None:
        condition |= Q(leader_id=leader_id, is_key=True)
    return qs.filter(condition).distinct()


def suggestions_visible_to(user):
    """Suggestions a logged-in user may open, whatever their roles.

    Staff read every suggestion once it was submitted: a draft is its author's (and confirmed co-signers')
    alone. An office reads the suggestions it handles, and no longer one whose return it was granted.
    """
    if not user.is_authenticated:
        return Suggestion.objects.none()
    return _visible(**_scope_of(user))


def notifications_of(user):
    """The user's in-app notifications about the congress they act in (and those about no suggestion): a
    person of two congresses reads the other's after switching to it."""
    from suggestions.models import Notification

    return Notification.objects.filter(user=user).filter(
        Q(suggestion__isnull=True) | Q(suggestion__congress_id=roles.congress_id_of(user))
    )


def with_audit_version(queryset):
    """Each suggestion with ``audit_version``, the id of its newest audit row (what the detail page's
    cached parts are keyed by), in the same query."""
    newest = AuditLog.objects.filter(suggestion=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    return queryset.annotate(audit_version=Subquery(newest))


def _detail_row(*, pk, congress_id):
    """The suggestion ``pk`` with what its detail page shows: session, category, lead delegate, leader and
    ``audit_version``. The merged-into suggestion is left to the template (it asks only when
    ``merged_into_id`` is set)."""
    return (
        with_audit_version(Suggestion.objects.select_related("session", "category", "lead_delegate", "leader"))
        .filter(pk=pk, congress_id=congress_id)
        .order_by()
    )


def _detail_row_visible(*, pk, congress_id, **scope):
    """The same, if the user of this scope may see it: the scope is a subquery of ids, so its DISTINCT never
    runs over whole rows with the body text."""
    visible = _visible(congress_id=congress_id, **scope).filter(pk=pk).values("pk")
    return _detail_row(pk=pk, congress_id=congress_id).filter(pk__in=visible)


# Compiled once per process and shape (``huaxi_renda.prepared``): a fifth of a detail page was compiling them.
_detail_query = Prepared(_detail_row)
_detail_query_visible = Prepared(_detail_row_visible)


def suggestion_for_detail(user, pk):
    """The suggestion ``pk`` for its detail page (pages and API) if the user may see it, else ``None``.

    Staff see every suggestion but drafts, so they get the row straight away (a draft is checked against
    their whole scope: a staff member who is also a delegate may read their own).
    """
    if not user.is_authenticated:
        return None
    scope = _scope_of(user)
    if scope["staff"]:
        rows = _detail_query(pk=int(pk), congress_id=scope["congress_id"])
        if not rows or rows[0].status != S.DRAFT:
            return rows[0] if rows else None
    rows = _detail_query_visible(pk=int(pk), **scope)
    return rows[0] if rows else None


def _detail_assignments(*, suggestion_id):
    return (
        Assignment.objects.filter(suggestion_id=suggestion_id)
        .select_related("office", "handler")
        .defer("handler__password")
        .order_by("role", "id")
    )


_detail_assignments_query = Prepared(_detail_assignments)


def assignments_for_detail(suggestion):
    """Every assignment of the suggestion with its office and handler, in the detail page's order."""
    assignments = _detail_assignments_query(suggestion_id=suggestion.pk)
    for assignment in assignments:
        assignment.suggestion = suggestion  # known, as through the related manager: no query
    return assignments


def suggestion_for_user(user, pk):
    """The suggestion if the user may see it, else ``None`` (callers answer 404)."""
    return suggestions_visible_to(user).filter(pk=pk).first()


def assignments_for_user(user):
    """Assignments of the offices the user works for (staff: all of the congress they act in)."""
    qs = Assignment.objects.all()
    if roles.is_staff_member(user):
        return qs.filter(office__congress_id=roles.congress_id_of(user))
    return qs.filter(office_id__in=roles.office_ids_of(user))


def suggestion_files(suggestion):
    """The suggestion's own files, which everyone who may read it may download (and see listed).

    Offices' files (reply letters, opinion files) are not among them: a submitted reply shows its own
    letter, and the others are listed only to those who may download them (``may_download``).
    """
    return Attachment.objects.filter(suggestion=suggestion, kind=Attachment.Kind.SUGGESTION)


def may_download(user, attachment, *, submitted_letter_ids=None, lead_office_ids=None):
    """Whether ``user``, who may read the attachment's suggestion, may download it (and see its name).

    - the suggestion's own files: everyone who may read the suggestion;
    - a reply letter: everyone who may read the suggestion once its reply is submitted; before that, and
      for a letter the office replaced, only the office that uploaded it;
    - an opinion file: the co-office that sent it, the lead office and staff.

    A page that has the suggestion's submitted replies and assignments at hand passes the ids of the
    submitted replies' letters and of the lead offices still handling it; otherwise they are queried.
    """
    if attachment.kind == Attachment.Kind.SUGGESTION:
        return True
    my_offices = roles.office_ids_of(user)
    if attachment.kind == Attachment.Kind.LETTER:
        if submitted_letter_ids is None:
            submitted = Reply.objects.filter(attachment=attachment, status=Reply.Status.SUBMITTED).exists()
        else:
            submitted = attachment.pk in submitted_letter_ids
        return submitted or attachment.office_id in my_offices
    if attachment.kind == Attachment.Kind.OPINION:
        if roles.is_staff_member(user) or attachment.office_id in my_offices:
            return True
        if lead_office_ids is None:
            lead_office_ids = Assignment.objects.filter(
                suggestion_id=attachment.suggestion_id, role=Assignment.Role.LEAD, status__in=OFFICE_READS
            ).values_list("office_id", flat=True)
        return bool(set(lead_office_ids) & my_offices)
    return roles.is_staff_member(user)  # a kind this rule does not know yet


def office_files_for(user, files, *, replies, assignments):
    """Of a suggestion's office files, those ``user`` may download, but not the letters of the replies the
    page shows (each shows its own); from rows the page already has, without a query."""
    shown_letter_ids = {reply.attachment_id for reply in replies if reply.attachment_id}
    submitted_letter_ids = {
        reply.attachment_id for reply in replies if reply.attachment_id and reply.status == Reply.Status.SUBMITTED
    }
    lead_office_ids = {a.office_id for a in assignments if a.role == Assignment.Role.LEAD and a.status in OFFICE_READS}
    return [
        f
        for f in files
        if f.pk not in shown_letter_ids
        and may_download(user, f, submitted_letter_ids=submitted_letter_ids, lead_office_ids=lead_office_ids)
    ]


def attachment_for_user(user, pk):
    """The attachment if the user may download it, else ``None`` (callers answer 404).

    Only those who may read the suggestion may download any of its files; a published reply does not
    open its signed original letter to everyone (the public reads the redacted reply text).
    """
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None or not suggestions_visible_to(user).filter(pk=attachment.suggestion_id).exists():
        return None
    return attachment if may_download(user, attachment) else None


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
