"""Reads for the NPC staff pages. Each runs a fixed number of queries, however many rows."""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from suggestions import roles
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    CoSigner,
    DeadlinePolicy,
    FollowUp,
    Office,
    Rating,
    Reply,
    Suggestion,
)
from suggestions.queries import similar
from suggestions.queries.selectors import LIVE_ASSIGNMENT
from suggestions.workdays import work_calendar

S = Suggestion.Status
A = Assignment.Status
# Lead office first, then separate offices, then co-handling offices.
ROLE_ORDER = Case(
    When(role=Assignment.Role.LEAD, then=Value(0)),
    When(role=Assignment.Role.SEPARATE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def live_assignments_prefetch(to_attr="live_assignments"):
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(LIVE_ASSIGNMENT).select_related("office").order_by(ROLE_ORDER, "id"),
        to_attr=to_attr,
    )


def inbox_suggestions(congress_id):
    """Submitted suggestions of one congress waiting for review, oldest first."""
    return (
        Suggestion.objects.filter(congress_id=congress_id, status=S.SUBMITTED)
        .select_related("lead_delegate", "category", "session")
        .order_by("submitted_at", "pk")
    )


def suggestions_to_assign(congress_id):
    """Registered suggestions of one congress waiting to be assigned, by number."""
    return (
        Suggestion.objects.filter(congress_id=congress_id, status=S.REGISTERED)
        .select_related("lead_delegate", "category", "session")
        .order_by("session_id", "series", "number", "pk")
    )


def office_usage_by_category(*, category_ids, before=None):
    """{category_id: [office, ...]}: offices most often given each category (lead or separate), most first.

    Counts assignments of sessions that started before ``before`` (a date); when
    a category has no such history, every session counts.
    """
    category_ids = {c for c in category_ids if c}
    if not category_ids:
        return {}
    base = Assignment.objects.filter(
        LIVE_ASSIGNMENT,
        suggestion__category_id__in=category_ids,
        role__in=[Assignment.Role.LEAD, Assignment.Role.SEPARATE],
    )
    earlier = Q(suggestion__session__start_date__lt=before) if before else Q(pk__in=[])
    rows = (
        base.values("suggestion__category_id", "office_id")
        .annotate(earlier=Count("pk", filter=earlier), total=Count("pk"))
        .order_by("suggestion__category_id", "-earlier", "-total", "office_id")
    )
    rows = list(rows)
    offices = Office.objects.in_bulk({r["office_id"] for r in rows})
    result = {}
    for row in rows:
        office = offices.get(row["office_id"])
        if office is not None and office.is_active:
            result.setdefault(row["suggestion__category_id"], []).append(office)
    return result


def suggested_offices(suggestion, *, limit=3):
    """The offices most often given this suggestion's category in earlier sessions, most first."""
    usage = office_usage_by_category(category_ids=[suggestion.category_id], before=suggestion.session.start_date)
    return usage.get(suggestion.category_id, [])[:limit]


def active_offices(congress_id):
    return Office.objects.filter(congress_id=congress_id, is_active=True)


def pending_requests(congress_id):
    return (
        AssignmentRequest.objects.filter(
            status=AssignmentRequest.Status.PENDING, assignment__suggestion__congress_id=congress_id
        )
        .select_related(
            "assignment__office",
            "assignment__suggestion__session",
            "assignment__suggestion__lead_delegate",
            "suggested_office",
            "requested_by",
        )
        .order_by("requested_at", "pk")
    )


def pending_request_totals(congress_id):
    """{kind: pending requests of that kind}, one grouped count."""
    qs = pending_requests(congress_id).order_by().values_list("kind").annotate(n=Count("pk"))
    return dict(qs.values_list("kind", "n"))


def attach_extension_limits(requests):
    """Set ``limit`` on each extension request (the policy's longest extension) in two queries."""
    session_ids = {r.assignment.suggestion.session_id for r in requests}
    policies = {p.session_id: p for p in DeadlinePolicy.objects.filter(session_id__in=session_ids)}
    calendar = work_calendar()
    for request in requests:
        policy = policies.get(request.assignment.suggestion.session_id) or DeadlinePolicy()
        request.limit = calendar.add_months(request.assignment.due_date, policy.extension_max_months)
    return requests


def pending_solved_claims(congress_id):
    return (
        FollowUp.objects.filter(status=FollowUp.Status.SOLVED_CLAIMED, reply__suggestion__congress_id=congress_id)
        .select_related("reply__assignment__office", "reply__suggestion", "reply__result_class", "author")
        .order_by("posted_at", "pk")
    )


def replies_for_publication(congress_id, *, published):
    """Submitted replies of one congress, published or waiting. Waiting: only an office's final reply (a later round supersedes
    one rated 不满意), with what the list shows about its review (``edited``, ``n_rated``, ``n_delegates``)."""
    qs = Reply.objects.filter(
        suggestion__congress_id=congress_id, status=Reply.Status.SUBMITTED, is_published=published
    ).exclude(suggestion__status__in=[S.WITHDRAWN, S.MERGED, S.NOT_REGISTERED])
    if not published:
        later = Reply.objects.filter(assignment=OuterRef("assignment"), round__number__gt=OuterRef("round__number"))
        qs = qs.exclude(Exists(later)).exclude(
            assignment__status=A.REHANDLING, round__number__lt=F("suggestion__current_round")
        )
    edited = (
        ~Q(public_text=F("text"))
        | ~Q(suggestion__public_title=F("suggestion__title"))
        | ~Q(suggestion__public_body=F("suggestion__body"))
    )
    rated = Rating.objects.filter(reply=OuterRef("pk")).order_by().values("reply").annotate(n=Count("pk")).values("n")
    cosigners = (
        CoSigner.objects.filter(suggestion=OuterRef("suggestion"), status=CoSigner.Status.CONFIRMED)
        .order_by()
        .values("suggestion")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.select_related("suggestion", "assignment__office", "round", "result_class")
        .defer("suggestion__body", "suggestion__public_body")
        .annotate(
            edited=ExpressionWrapper(edited, output_field=BooleanField()),
            n_rated=Coalesce(Subquery(rated), 0),
            n_delegates=Coalesce(Subquery(cosigners), 0) + 1,
        )
        .order_by("submitted_at", "pk")
    )


def key_suggestions_for(user):
    """Key suggestions a leader leads (staff see every key suggestion of their congress)."""
    qs = Suggestion.objects.filter(congress_id=roles.congress_id_of(user), is_key=True).exclude(
        status__in=[S.WITHDRAWN, S.MERGED]
    )
    if not roles.is_staff_member(user):
        leader = roles.leader_of(user)
        qs = qs.filter(leader=leader) if leader else qs.none()
    return (
        qs.select_related("lead_delegate", "category", "leader", "session")
        .prefetch_related(live_assignments_prefetch())
        .order_by("session_id", "number", "pk")
    )


def key_suggestion_rows(user, *, today, limit=300, rows=None):
    """``key_suggestions_for(user)`` (or the given ``rows`` of it, e.g. a page) with what the leaders' home shows of
    each: ``next_due`` (the earliest deadline of its open offices), ``is_overdue``, ``replied_count`` of
    ``answering_count`` answering offices."""
    rows = list(key_suggestions_for(user)[:limit] if rows is None else rows)
    for row in rows:
        live = row.live_assignments
        row.next_due = min((a.effective_due for a in live if a.status in Assignment.ACTIVE), default=None)
        row.is_overdue = row.next_due is not None and row.next_due < today
        answering = [a for a in live if a.answers_delegate]
        row.replied_count = sum(1 for a in answering if a.status == Assignment.Status.REPLIED)
        row.answering_count = len(answering)
    return rows


def status_counts(queryset, *, everything=False, congress_id=None):
    """[(status, label, count)] for the statuses staff track, in one query.

    ``everything``: the queryset is every suggestion of the congress ``congress_id`` (no other filter), so the
    counts come from that congress's precomputed tallies (``reporting.scope.status_totals``) instead of
    counting a million rows. Without ``congress_id`` the queryset itself is counted: the tallies span every
    congress and are never summed unscoped.
    """
    if everything and congress_id is not None:
        from suggestions.reporting import scope

        counts = scope.status_totals(congress_id)
    else:
        counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in S.choices if value != S.DRAFT]


def similar_for_staff(suggestion):
    """The hint delegates see, with everything staff may see: registered-or-later suggestions of every
    session, and the unreviewed ones of the same session (candidates for 并案), best first, each with its
    latest result class as ``outcome``."""
    pool = Suggestion.objects.filter(
        Q(status__in=similar.HINT_STATUSES) | Q(session=suggestion.session_id, status=S.SUBMITTED),
        congress_id=suggestion.congress_id,
    ).select_related("session", "lead_delegate")
    hits = similar.find(
        pool, suggestion.title, suggestion.body, congress_id=suggestion.congress_id, exclude_pk=suggestion.pk
    )
    found = [h.suggestion for h in hits]
    outcomes = similar.latest_outcomes(found)
    for s in found:
        s.outcome = outcomes.get(s.pk, "")
    return found
