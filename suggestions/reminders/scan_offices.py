"""The office-facing rows of the schedule (working days): sign, opinion, reply, overdue, rehandle, follow-up, requests.

Each function takes the running ``Scanner`` (its day, calendar and people), a
policy and the sessions it governs, and yields lists of plans, one per batch.
"""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.models import Assignment, AssignmentRequest, FollowUp, Reminder, Reply
from suggestions.reminders.plans import Plan, Recipient, assignment_plan
from suggestions.reminders.schedule import batches, before_stage_dates, day_start, every_stage, workday_cutoff

A = Assignment.Status
K = Reminder.Kind
ANSWERING = [Assignment.Role.LEAD, Assignment.Role.SEPARATE]


def _assignments(session_ids, condition):
    return Assignment.objects.filter(condition, suggestion__session_id__in=session_ids).select_related(
        "suggestion__leader__user"
    )


def _each_batch(scanner, queryset):
    for batch in batches(queryset):
        scanner.people.load_offices({a.office_id for a in batch})
        yield batch


def sign(scanner, policy, session_ids):
    """Pending assignments not signed for N working days, then every M working days."""
    after, every = policy.offset("sign_after_workdays"), max(1, policy.offset("sign_every_workdays"))
    cutoff = workday_cutoff(scanner.cal, scanner.today, after)
    condition = Q(status=A.PENDING, assigned_at__lt=day_start(cutoff + datetime.timedelta(days=1)))
    for batch in _each_batch(scanner, _assignments(session_ids, condition)):
        plans = []
        for a in batch:
            days = scanner.cal.workdays_between(timezone.localdate(a.assigned_at), scanner.today)
            if days < after:
                continue
            stage = 1 + (days - after) // every
            message = _("请签收交办的建议“%(title)s”（已交办%(days)s个工作日）。") % {
                "title": a.suggestion.title,
                "days": days,
            }
            plans.append(assignment_plan(a, K.SIGN, f"n{stage}", message, scanner.people.clerks(a.office_id)))
        yield plans


def _before(scanner, *, kind, session_ids, offsets, base, message):
    """Reminders N working days before the effective deadline, up to the day itself."""
    for offset, days in before_stage_dates(scanner.cal, scanner.today, offsets).items():
        condition = base & Assignment.effective_due_q("in", days)
        for batch in _each_batch(scanner, _assignments(session_ids, condition)):
            yield [
                assignment_plan(
                    a,
                    kind,
                    f"before{offset}",
                    message % {"title": a.suggestion.title, "date": a.effective_due},
                    scanner.people.clerks(a.office_id),
                )
                for a in batch
            ]


def _late(scanner, *, kind, session_ids, every, base, message):
    """Every ``every`` days after the effective deadline."""
    last = scanner.today - datetime.timedelta(days=every)
    condition = base & Assignment.effective_due_q("lte", last)
    for batch in _each_batch(scanner, _assignments(session_ids, condition)):
        plans = []
        for a in batch:
            due = a.effective_due
            stage = every_stage((scanner.today - due).days, every)
            text = message % {"title": a.suggestion.title, "date": due, "n": stage}
            plans.append(assignment_plan(a, kind, f"late{stage}", text, scanner.people.clerks(a.office_id)))
        yield plans


def opinion(scanner, policy, session_ids):
    """A co-office's opinion to the lead office: before its deadline, then while it is late."""
    base = Q(role=Assignment.Role.CO, status__in=[A.PENDING, A.SIGNED])
    yield from _before(
        scanner,
        kind=K.OPINION,
        session_ids=session_ids,
        offsets=policy.offset("opinion_before_workdays"),
        base=base,
        message=_("协办意见须于%(date)s前送主办单位：建议“%(title)s”。"),
    )
    every = policy.offset("opinion_overdue_every_days")
    if every:
        yield from _late(
            scanner,
            kind=K.OPINION,
            session_ids=session_ids,
            every=every,
            base=base,
            message=_("协办意见已逾期（期限%(date)s），请尽快送主办单位：建议“%(title)s”。"),
        )


def reply_due(scanner, policy, session_ids):
    """The answering office's reply, before its deadline (lateness is ``overdue``)."""
    yield from _before(
        scanner,
        kind=K.REPLY_DUE,
        session_ids=session_ids,
        offsets=policy.offset("reply_before_workdays"),
        base=Q(role__in=ANSWERING, status__in=Assignment.UNANSWERED),
        message=_("建议“%(title)s”须于%(date)s前答复代表。"),
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
        message=_("重新办理的建议“%(title)s”须于%(date)s前再次答复代表。"),
    )
    every = policy.offset("overdue_every_days")
    if every:
        yield from _late(
            scanner,
            kind=K.REHANDLE,
            session_ids=session_ids,
            every=every,
            base=base,
            message=_("重新办理的建议“%(title)s”已超过期限%(date)s，请尽快答复（第%(n)s次催办）。"),
        )


def _overdue_recipients(scanner, assignment, stage):
    suggestion = assignment.suggestion
    recipients = scanner.people.office_all(assignment.office_id) + scanner.people.staff(suggestion.congress_id)
    if stage >= 2 and suggestion.is_key and suggestion.leader and suggestion.leader.user:
        recipients.append(Recipient(suggestion.leader.user))
    return recipients


def overdue(scanner, policy, session_ids):
    """The day after the due date, then weekly; the first time to the office and staff, then the leader too."""
    every = max(1, policy.offset("overdue_every_days"))
    yesterday = scanner.today - datetime.timedelta(days=1)
    condition = Q(role__in=ANSWERING, status__in=Assignment.UNANSWERED) & Assignment.effective_due_q("lte", yesterday)
    for batch in _each_batch(scanner, _assignments(session_ids, condition)):
        plans = []
        for a in batch:
            due = a.effective_due
            # The first working day after the due date, then every ``every`` days (catching up a holiday).
            first = scanner.cal.next_workday(due + datetime.timedelta(days=1))
            stage = 1 + max(0, (scanner.today - first).days) // every
            message = _("建议“%(title)s”已超过答复期限（%(date)s），请尽快答复（第%(n)s次催办）。") % {
                "title": a.suggestion.title,
                "date": due,
                "n": stage,
            }
            recipients = _overdue_recipients(scanner, a, stage)
            plans.append(assignment_plan(a, K.OVERDUE, f"n{stage}", message, recipients, urgent=True))
        yield plans


def follow_up(scanner, policy, session_ids):
    """Replies "being solved" (B): ask the office for progress every N months until it is confirmed solved."""
    months = max(1, policy.offset("followup_every_months"))
    # add_months(day, n) is never earlier than day + 28·n days: older replies only can be due.
    cutoff = scanner.today - datetime.timedelta(days=28 * months)
    solved = FollowUp.objects.filter(reply=OuterRef("pk"), status=FollowUp.Status.SOLVED_CONFIRMED)
    qs = (
        Reply.objects.filter(
            status=Reply.Status.SUBMITTED,
            result_class__needs_follow_up=True,
            suggestion__session_id__in=session_ids,
            submitted_at__lt=day_start(cutoff + datetime.timedelta(days=1)),
        )
        .exclude(Exists(solved))
        .select_related("assignment", "suggestion")
    )
    for batch in batches(qs):
        scanner.people.load_offices({r.assignment.office_id for r in batch})
        plans = []
        for reply in batch:
            submitted = timezone.localdate(reply.submitted_at)
            stage = 0
            while scanner.cal.add_months(submitted, months * (stage + 1)) <= scanner.today:
                stage += 1
            if not stage:
                continue
            message = _("建议“%(title)s”正在解决（B类），请报送最新办理进展。") % {"title": reply.suggestion.title}
            plan = assignment_plan(
                reply.assignment, K.FOLLOW_UP, f"n{stage}", message, scanner.people.clerks(reply.assignment.office_id)
            )
            plan.key = f"{K.FOLLOW_UP}:{reply.pk}:n{stage}"
            plan.suggestion_id = reply.suggestion_id
            plans.append(plan)
        yield plans


def requests(scanner, policy, session_ids):
    """Return and extension requests waiting for staff for N working days."""
    cutoff = workday_cutoff(scanner.cal, scanner.today, policy.offset("request_waiting_workdays"))
    qs = AssignmentRequest.objects.filter(
        status=AssignmentRequest.Status.PENDING,
        requested_at__lt=day_start(cutoff + datetime.timedelta(days=1)),
        assignment__suggestion__session_id__in=session_ids,
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
