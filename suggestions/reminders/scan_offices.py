"""The office-facing rows of the schedule (working days): sign, opinion, reply, overdue, rehandle, follow-up, requests.

Each function takes the running ``Scanner`` (its day, calendar and people), a
policy and the sessions it governs, and yields lists of plans, one per batch.
"""

import datetime

from django.db.models import Exists, F, Min, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.models import (
    Assignment,
    AssignmentRequest,
    FollowUp,
    Leader,
    Office,
    Reminder,
    Reply,
)
from suggestions.reminders import keys, sets
from suggestions.reminders.plans import Plan, Recipient
from suggestions.reminders.schedule import (
    batches,
    before_stage_dates,
    day_start,
    every_stage,
    in_sessions,
    workday_cutoff,
)

A = Assignment.Status
K = Reminder.Kind
ANSWERING = [Assignment.Role.LEAD, Assignment.Role.SEPARATE]


def _due(session_ids, condition):
    return Assignment.objects.filter(condition, in_sessions("suggestion__session_id", session_ids)).order_by()


def _clerks(scanner, office_ids, _fresh):
    return [("office", {o: scanner.people.clerks(o) for o in office_ids})]


def _first(queryset, expression):
    first = queryset.aggregate(first=Min(expression))["first"]
    return timezone.localdate(first) if isinstance(first, datetime.datetime) else first


DEADLINES = ("opinion_due", "extended_due", "due_date")


def _earliest_due(statuses) -> datetime.date | None:
    """No later than the effective deadline of any assignment in ``statuses`` (None: there is none).

    The smallest of each deadline column under each status: PostgreSQL reads each as the first entry of the
    index on (status, column). ``MIN`` of the effective deadline of the rows due read every one of them, a
    storm's worth; the runs of stages (``sets.runs``) only need to start no later than the first.
    """
    found = []
    for status in statuses:
        found += Assignment.objects.filter(status=status).aggregate(*(Min(c) for c in DEADLINES)).values()
    return min((day for day in found if day is not None), default=None)


def sign(scanner, policy, session_ids):
    """Pending assignments not signed for N working days, then every M working days."""
    after, every = policy.offset("sign_after_workdays"), max(1, policy.offset("sign_every_workdays"))
    cutoff = workday_cutoff(scanner.cal, scanner.today, after)
    qs = _due(session_ids, Q(status=A.PENDING, assigned_at__lt=day_start(cutoff + datetime.timedelta(days=1))))
    first = _first(qs, "assigned_at")
    if first is None:
        return
    # Working days since each assignment day, counted once per day back from today.
    since, day, count = {}, scanner.today, 0
    while day > first:
        count += scanner.cal.is_workday(day)
        day -= datetime.timedelta(days=1)
        since[day] = count
    days = sets.runs(first, cutoff, since.__getitem__)
    number = sets.by_ranges(
        "assigned_at", sets.runs(first, cutoff, lambda d: 1 + (since[d] - after) // every), day_start
    )
    stage = Concat(Value("n"), sets.text(number))
    yield sets.record_set(
        scanner,
        qs,
        kind=K.SIGN,
        recipients=_clerks,
        code=keys.code_expression(K.SIGN, "n", number),
        stage=stage,
        workdays=sets.by_ranges("assigned_at", days, day_start),
        **_ids(),
    )


def _ids():
    return {"suggestion_id": F("suggestion_id"), "assignment_id": F("pk"), "office_id": F("office_id")}


def _before(scanner, *, kind, session_ids, offsets, base):
    """Reminders N working days before the effective deadline, up to the day itself."""
    for offset, days in before_stage_dates(scanner.cal, scanner.today, offsets).items():
        qs = _due(session_ids, base & Assignment.effective_due_q("in", days))
        stage = Value(f"before{offset}")
        yield sets.record_set(
            scanner,
            qs,
            kind=kind,
            recipients=_clerks,
            code=keys.code_expression(kind, "before", Value(offset)),
            stage=stage,
            due=Assignment.effective_due_expression(),
            **_ids(),
        )


def _late(scanner, *, kind, session_ids, every, statuses, base):
    """Every ``every`` days after the effective deadline."""
    last = scanner.today - datetime.timedelta(days=every)
    first = _earliest_due(statuses)
    if first is None or first > last:
        return
    qs = _due(session_ids, base & Assignment.effective_due_q("lte", last)).annotate(
        due=Assignment.effective_due_expression()
    )
    stages = sets.by_ranges("due", sets.runs(first, last, lambda d: every_stage((scanner.today - d).days, every)))
    yield sets.record_set(
        scanner,
        qs,
        kind=kind,
        recipients=_clerks,
        code=keys.code_expression(kind, "late", stages),
        stage=Concat(Value("late"), sets.text(stages)),
        due=F("due"),
        **_ids(),
    )


def opinion(scanner, policy, session_ids):
    """A co-office's opinion to the lead office: before its deadline, then while it is late."""
    statuses = [A.PENDING, A.SIGNED]
    base = Q(role=Assignment.Role.CO, status__in=statuses)
    yield from _before(
        scanner,
        kind=K.OPINION,
        session_ids=session_ids,
        offsets=policy.offset("opinion_before_workdays"),
        base=base,
    )
    every = policy.offset("opinion_overdue_every_days")
    if every:
        yield from _late(
            scanner,
            kind=K.OPINION,
            session_ids=session_ids,
            every=every,
            statuses=statuses,
            base=base,
        )


def reply_due(scanner, policy, session_ids):
    """The answering office's reply, before its deadline (lateness is ``overdue``)."""
    yield from _before(
        scanner,
        kind=K.REPLY_DUE,
        session_ids=session_ids,
        offsets=policy.offset("reply_before_workdays"),
        base=Q(role__in=ANSWERING, status__in=Assignment.UNANSWERED),
    )


def rehandle(scanner, policy, session_ids):
    """A suggestion sent back for handling again: before its new deadline, then while it is late."""
    base = Q(status=A.REHANDLING)
    yield from _before(
        scanner,
        kind=K.REHANDLE,
        session_ids=session_ids,
        offsets=policy.offset("rehandle_before_workdays"),
        base=base,
    )
    every = policy.offset("overdue_every_days")
    if every:
        yield from _late(
            scanner,
            kind=K.REHANDLE,
            session_ids=session_ids,
            every=every,
            statuses=[A.REHANDLING],
            base=base,
        )


def _overdue_recipients(scanner, office_ids, _fresh):
    """The office (head included) and the staff of the suggestion's congress; from the second time, the
    leader of a key suggestion too. A reminder about one congress's suggestion never reaches another's staff.

    The leaders are those of the offices' congresses (a few rows): the deliveries' statement joins each
    reminder's key suggestion to its own leader, where finding the leaders of the reminders just made read
    every one of them once more."""
    congresses = set(Office.objects.filter(pk__in=office_ids).values_list("congress_id", flat=True))
    leaders = Leader.objects.filter(congress_id__in=congresses, user__isnull=False).select_related("user")
    return [
        ("office", {o: scanner.people.office_all(o) for o in office_ids}),
        ("congress", {c: scanner.people.staff(c) for c in congresses}),
        ("leader", {leader.pk: [Recipient(leader.user)] for leader in leaders}),
    ]


def overdue(scanner, policy, session_ids):
    """The day after the due date, then weekly; the first time to the office and staff, then the leader too."""
    every = max(1, policy.offset("overdue_every_days"))
    yesterday = scanner.today - datetime.timedelta(days=1)
    first = _earliest_due(Assignment.UNANSWERED)
    if first is None or first > yesterday:
        return
    condition = Q(role__in=ANSWERING, status__in=Assignment.UNANSWERED) & Assignment.effective_due_q("lte", yesterday)
    qs = _due(session_ids, condition).annotate(due=Assignment.effective_due_expression())

    def stage_of(due):
        # The first working day after the due date, then every ``every`` days (catching up a holiday).
        start = scanner.cal.next_workday(due + datetime.timedelta(days=1))
        return 1 + max(0, (scanner.today - start).days) // every

    stages = sets.by_ranges("due", sets.runs(first, yesterday, stage_of))
    stage = Concat(Value("n"), sets.text(stages))
    yield sets.record_set(
        scanner,
        qs,
        kind=K.OVERDUE,
        urgent=True,
        recipients=_overdue_recipients,
        code=keys.code_expression(K.OVERDUE, "n", stages),
        stage=stage,
        due=F("due"),
        **_ids(),
    )


def follow_up(scanner, policy, session_ids):
    """Replies "being solved" (B): ask the office for progress every N months until it is confirmed solved."""
    months = max(1, policy.offset("followup_every_months"))
    # add_months(day, n) is never earlier than day + 28·n days: older replies only can be due.
    cutoff = scanner.today - datetime.timedelta(days=28 * months)
    solved = FollowUp.objects.filter(reply=OuterRef("pk"), status=FollowUp.Status.SOLVED_CONFIRMED)
    qs = (
        Reply.objects.filter(
            in_sessions("suggestion__session_id", session_ids),
            status=Reply.Status.SUBMITTED,
            result_class__needs_follow_up=True,
            submitted_at__lt=day_start(cutoff + datetime.timedelta(days=1)),
        )
        .exclude(Exists(solved))
        .order_by()
    )
    # No later than the first reply due (one entry of the index on status and time; MIN over the rows due
    # read them all).
    first = _first(Reply.objects.filter(status=Reply.Status.SUBMITTED), "submitted_at")
    if first is None or first > cutoff:
        return

    def stage_of(submitted):
        stage = 0
        while scanner.cal.add_months(submitted, months * (stage + 1)) <= scanner.today:
            stage += 1
        return stage

    ranges = sets.runs(first, cutoff, stage_of)
    if ranges[0][1] == 0:  # the latest days are not due yet
        qs = qs.filter(submitted_at__lt=day_start(ranges[0][0]))
        ranges = ranges[1:]
    if not ranges:
        return
    number = sets.by_ranges("submitted_at", ranges, day_start)
    stage = Concat(Value("n"), sets.text(number))
    yield sets.record_set(
        scanner,
        qs,
        kind=K.FOLLOW_UP,
        recipients=_clerks,
        code=keys.code_expression(K.FOLLOW_UP, "n", number),
        stage=stage,
        suggestion_id=F("suggestion_id"),
        assignment_id=F("assignment_id"),
        office_id=F("assignment__office_id"),
    )


def requests(scanner, policy, session_ids):
    """Return and extension requests waiting for staff for N working days."""
    cutoff = workday_cutoff(scanner.cal, scanner.today, policy.offset("request_waiting_workdays"))
    qs = AssignmentRequest.objects.filter(
        in_sessions("assignment__suggestion__session_id", session_ids),
        status=AssignmentRequest.Status.PENDING,
        requested_at__lt=day_start(cutoff + datetime.timedelta(days=1)),
    ).select_related("assignment__office", "assignment__suggestion")
    for batch in batches(qs):
        plans = []
        for r in batch:
            a = r.assignment
            message = _("%(office)s的%(kind)s待审核：建议“%(title)s”。") % {
                "office": a.office.name,
                "kind": r.get_kind_display(),
                "title": a.suggestion.title,
            }
            plan = Plan(
                key=f"{K.REQUEST}:{r.pk}:waiting",
                kind=K.REQUEST,
                stage="waiting",
                message=message,
                suggestion_id=a.suggestion_id,
                assignment_id=a.pk,
                office_id=a.office_id,
                recipients=scanner.people.staff(a.suggestion.congress_id),
            )
            plans.append(plan)
        yield plans
