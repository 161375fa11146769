"""Reads for the office clerks' pages, always starting from ``selectors.assignments_for_user``."""

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from suggestions import roles
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    AuditLog,
    ContactRecord,
    HandlingRound,
    InboxFact,
    InboxTally,
    Opinion,
    Reply,
    Suggestion,
)
from suggestions.queries import selectors
from suggestions.queries.search import apply_text_search
from suggestions.queries.selectors import ENDED_ASSIGNMENT

A = Assignment.Status

# Inbox groups in the order the clerk works through them.
GROUPS = [
    ("sign", _("待签收")),
    ("handling", _("办理中")),
    ("waiting", _("待协办意见")),
    ("rehandling", _("重新办理")),
    ("followup", _("跟踪督办")),
    ("replied", _("已答复")),
]
ACTIVE_GROUPS = ("sign", "handling", "waiting", "rehandling")
SOON_WORKDAYS = 5
CO_STILL_DUE = Assignment.UNANSWERED
A_ACTIVE = Assignment.ACTIVE  # the statuses of ACTIVE_GROUPS
GROUP_STATUSES = {
    "sign": Q(status__in=[A.PENDING, A.RETURN_REQUESTED]),
    "handling": Q(status=A.SIGNED),
    "waiting": Q(status=A.SIGNED),
    "rehandling": Q(status=A.REHANDLING),
    "followup": Q(status=A.REPLIED),
    "replied": ~Q(status__in=[*A_ACTIVE, A.REHANDLING]),
}


def annotate_groups(qs, office_ids=None, *, stored=False):
    """Inbox annotations (``group``, ``deadline``…) for assignments (of ``office_ids``, when given).

    The one definition of an assignment's inbox tab: the tallies (``reporting.worklists``) keep it too.
    ``stored``: read each row's tab from its kept fact (``InboxFact``, one index lookup a row) instead of
    working it out; the follow-up test below is then not run, which PostgreSQL runs as a hashed scan of
    every B-class reply of the offices (about 1,400 at a million) whatever the rows shown.
    """
    co_due = (
        Assignment.objects.filter(suggestion=OuterRef("suggestion"), role=Assignment.Role.CO, status__in=CO_STILL_DUE)
        .order_by()
        .values("suggestion")
        .annotate(c=Count("pk"))
        .values("c")
    )
    # The office condition repeats what ``assignment`` implies. PostgreSQL runs this EXISTS as one
    # hashed scan of every matching reply; with the offices named, that scan reads only theirs
    # (at 100,000 suggestions it read 17,000 replies twice, 170 ms of a 200 ms inbox).
    follow_up = Reply.objects.filter(
        assignment=OuterRef("pk"),
        status=Reply.Status.SUBMITTED,
        round__number=OuterRef("suggestion__current_round"),
        result_class__needs_follow_up=True,
    )
    if office_ids is not None:
        follow_up = follow_up.filter(office_id__in=office_ids)
    pending_extension = AssignmentRequest.objects.filter(
        assignment=OuterRef("pk"), kind=AssignmentRequest.Kind.EXTENSION, status=AssignmentRequest.Status.PENDING
    )
    qs = qs.annotate(
        co_due_count=Case(
            When(role=Assignment.Role.LEAD, then=Coalesce(Subquery(co_due, output_field=IntegerField()), 0)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        extension_pending=Exists(pending_extension),
        deadline=Assignment.effective_due_expression(),
    )
    if stored:
        kept = InboxFact.objects.filter(assignment_id=OuterRef("pk")).values("group")[:1]
        return qs.annotate(group=Subquery(kept, output_field=CharField()))
    return qs.annotate(needs_follow_up=Exists(follow_up)).annotate(
        group=Case(
            When(status__in=[A.PENDING, A.RETURN_REQUESTED], then=Value("sign")),
            When(status=A.REHANDLING, then=Value("rehandling")),
            # The status first: PostgreSQL tests a CASE's conditions in the order written.
            When(Q(status=A.SIGNED) & Q(co_due_count__gt=0), then=Value("waiting")),
            When(status=A.SIGNED, then=Value("handling")),
            When(Q(status=A.REPLIED) & Q(needs_follow_up=True), then=Value("followup")),
            default=Value("replied"),
            output_field=CharField(),
        ),
    )


def _live(user):
    qs = selectors.assignments_for_user(user).exclude(status__in=ENDED_ASSIGNMENT)
    if roles.is_staff_member(user):
        # Staff use their own pages; here even they only see the offices they belong to.
        qs = qs.filter(office_id__in=roles.office_ids_of(user))
    return qs


def office_assignments(user):
    """Every live assignment of the user's offices, with inbox annotations (``group``, ``deadline``…)."""
    return annotate_groups(_live(user), roles.office_ids_of(user))


def inbox(user, *, filters, today):
    """``(rows of the chosen group, every row of the filters)`` for the inbox; ``filters`` is the cleaned form data."""
    qs = annotate_groups(_live(user), roles.office_ids_of(user), stored=True)
    if filters.get("role"):
        qs = qs.filter(role=filters["role"])
    if filters.get("office"):
        qs = qs.filter(office_id=filters["office"].pk)
    if filters.get("key"):
        qs = qs.filter(suggestion__is_key=True)
    if filters.get("mine"):
        qs = qs.filter(handler=user)
    if filters.get("overdue"):
        qs = qs.filter(group__in=ACTIVE_GROUPS, deadline__lt=today)
    if filters.get("q"):
        qs = qs.filter(suggestion__in=apply_text_search(Suggestion.objects.all(), filters["q"]).values("pk"))
    group = filters.get("group")
    # Each group lies within statuses the (office, status) index finds; only those rows are grouped.
    page_qs = qs.filter(GROUP_STATUSES[group], group=group) if group in GROUP_STATUSES else qs
    rows = (
        page_qs.select_related("suggestion", "suggestion__lead_delegate", "office", "handler")
        # A row shows the title, not the texts (each up to a few thousand characters).
        .defer("suggestion__body", "suggestion__public_body")
        # Active is a matter of status alone, and the deadline one of columns: PostgreSQL sorts the
        # office's rows on those and computes the groups' subqueries for the page's rows only.
        .annotate(
            is_active=Case(
                When(status__in=A_ACTIVE, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-is_active", "deadline", "pk")
    )
    return rows, qs


def inbox_counts(qs):
    """Rows per group of a filtered inbox: one grouped count (each row's group worked out once)."""
    return dict(qs.order_by().values_list("group").annotate(n=Count("pk")).values_list("group", "n"))


def inbox_figures(user, *, today, soon_until):
    """``(rows per group of the whole inbox, the figures at its top)`` from the offices' tally rows.

    The actions keep, per office, tab, status and deadline, how many live assignments there are
    (``reporting.worklists``): one read of a few hundred rows however many the office holds. Overdue and
    due-soon are the active rows whose deadline is before ``today`` or up to ``soon_until``.
    """
    active = Q(status__in=A_ACTIVE)
    rows = (
        InboxTally.objects.filter(office_id__in=roles.office_ids_of(user), n__gt=0)
        .order_by()
        .values_list("group")
        .annotate(
            total=Sum("n"),
            to_sign=Sum("n", filter=Q(status=A.PENDING), default=0),
            overdue=Sum("n", filter=active & Q(due__lt=today), default=0),
            soon=Sum("n", filter=active & Q(due__gte=today, due__lte=soon_until), default=0),
        )
        .values_list("group", "total", "to_sign", "overdue", "soon")
    )
    counted, stats = {}, {"to_sign": 0, "overdue": 0, "soon": 0, "waiting": 0}
    for group, total, to_sign, overdue, soon in rows:
        counted[group] = total
        stats["to_sign"] += to_sign
        stats["overdue"] += overdue
        stats["soon"] += soon
    stats["waiting"] = counted.get("waiting", 0)
    return {key: n for key, n in counted.items() if n}, stats


def urgency(days_left):
    if days_left is None:
        return ""
    if days_left < 0:
        return "overdue"
    if days_left <= SOON_WORKDAYS:
        return "soon"
    return "ok"


def decorate(rows, *, calendar, today):
    """Working days left and urgency on each row, from ONE calendar built by the caller."""
    for row in rows:
        row.days_left = None
        if row.group in ACTIVE_GROUPS and row.deadline:
            row.days_left = calendar.workdays_between(today, row.deadline)
        row.urgency = urgency(row.days_left)
        row.overdue_days = -row.days_left if row.days_left is not None and row.days_left < 0 else 0
    return rows


def assignment_for_user(user, pk):
    """One assignment of the user's offices, or ``None`` (callers answer 404)."""
    return (
        office_assignments(user)
        .select_related(
            "suggestion",
            "suggestion__session",
            "suggestion__category",
            "suggestion__lead_delegate",
            "suggestion__lead_delegate__contact",
            "suggestion__leader",
            "office",
            "handler",
            "signed_by",
        )
        .filter(pk=pk)
        .first()
    )


def salutation(delegates):
    return "、".join(_("%(name)s代表") % {"name": d.name} for d in delegates) + "："


def assignment_page(user, assignment):
    """Everything the assignment page shows for one of the user's own assignments."""
    suggestion = assignment.suggestion
    rounds = list(HandlingRound.objects.filter(suggestion=suggestion).order_by("number"))
    if assignment.followup_round_id is not None:  # a 回头看 assignment works in its own round
        current_round = next((r for r in rounds if r.pk == assignment.followup_round_id), None)
    else:
        current_round = next((r for r in rounds if r.number == suggestion.current_round), None)
    replies = list(
        Reply.objects.filter(assignment=assignment)
        .select_related("round", "result_class", "attachment")
        .prefetch_related("ratings__delegate", "follow_ups")
        .order_by("round__number")
    )
    draft = next((r for r in replies if current_round and r.round_id == current_round.pk), None)
    contacts = list(ContactRecord.objects.filter(assignment=assignment).select_related("recorded_by"))
    requests = list(AssignmentRequest.objects.filter(assignment=assignment).select_related("suggested_office"))
    own_opinions = list(Opinion.objects.filter(assignment=assignment).select_related("round", "attachment"))
    co_assignments, co_opinions, lead_office = [], [], None
    if assignment.role == Assignment.Role.LEAD:
        co_assignments = list(
            Assignment.objects.filter(suggestion=suggestion, role=Assignment.Role.CO)
            .exclude(status__in=ENDED_ASSIGNMENT)
            .select_related("office")
        )
        co_opinions = list(
            Opinion.objects.filter(assignment__in=[a.pk for a in co_assignments])
            .select_related("assignment__office", "round", "attachment")
            .order_by("sent_at")
        )
    elif assignment.role == Assignment.Role.CO:
        lead = (
            Assignment.objects.filter(suggestion=suggestion, role=Assignment.Role.LEAD)
            .exclude(status__in=ENDED_ASSIGNMENT)
            .select_related("office")
            .first()
        )
        lead_office = lead.office if lead else None
    # The suggestion's own files: not any office's reply letters (drafts, replaced ones) or opinion files.
    attachments = list(selectors.suggestion_files(suggestion))
    # Timeline: what happened to the suggestion itself and to this office's own assignment.
    logs = list(
        AuditLog.objects.filter(suggestion=suggestion)
        .filter(Q(assignment__isnull=True) | Q(assignment=assignment))
        .select_related("actor", "assignment__office")
        .order_by("created_at", "id")
    )
    return {
        "rounds": rounds,
        "current_round": current_round,
        "replies": replies,
        "draft": draft if draft and draft.status == Reply.Status.DRAFT else None,
        "current_reply": draft,
        "contacts": contacts,
        "requests": requests,
        "own_opinions": own_opinions,
        "co_assignments": co_assignments,
        "co_opinions": co_opinions,
        "lead_office": lead_office,
        "attachments": attachments,
        "logs": logs,
        "is_head": roles.is_office_head(user, assignment.office_id),
        "delegates": selectors.suggestion_delegates(suggestion),
    }


def office_clerks(office_id):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(office_memberships__office_id=office_id, is_active=True).order_by("username")


def letter_title(suggestion):
    """关于《标题》（第×号）建议的答复 — without saying 建议 twice when the title already ends with it."""
    number = f"（{suggestion.number_display}）" if suggestion.number else ""
    if suggestion.title.endswith("建议"):  # the title is data, in Chinese whatever the UI language
        return _("关于《%(title)s》%(number)s的答复") % {"title": suggestion.title, "number": number}
    return _("关于《%(title)s》%(number)s建议的答复") % {"title": suggestion.title, "number": number}


def follow_up_target(assignment):
    """The reply a progress report is about: the office's latest B-class (正在解决) reply."""
    return (
        Reply.objects.filter(assignment=assignment, status=Reply.Status.SUBMITTED, result_class__needs_follow_up=True)
        .select_related("result_class", "assignment__office")
        .order_by("-round__number")
        .first()
    )


def letter_target(assignment):
    """The reply a late signed letter is for: the office's latest submitted reply that has none."""
    return (
        Reply.objects.filter(assignment=assignment, status=Reply.Status.SUBMITTED, attachment__isnull=True)
        .select_related("assignment__office")
        .order_by("-round__number")
        .first()
    )
