"""The automatic items of the rubric, counted from the workflow for every office of a year at once.

Each metric gives ``{office_id: (numerator, denominator)}`` in a fixed number of queries, however many offices.
The rules are the workflow's own, reused rather than restated: the effective deadline is
``Assignment.deadline_of``, a reply's lateness is the ``Reply.on_time`` its service recorded, face-to-face
contact is ``ContactRecord.FACE_TO_FACE``, satisfaction is ``reporting.metrics.by_office`` (the latest round's
ratings), the excluded suggestions are ``metrics.EXCLUDED`` and the ended assignments ``Assignment.ENDED``.

Which work belongs to a year: the assignments on suggestions of the sessions that opened in that year (a
session's recess suggestions included), except withdrawn and merged suggestions. An assignment that was
returned or withdrawn counts only for ``returns``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.utils import timezone

from suggestions.actions._base import policy_for
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    ContactRecord,
    FollowUp,
    Rating,
    Reminder,
    Reply,
    Suggestion,
)
from suggestions.reporting import metrics as workflow_metrics
from suggestions.workdays import work_calendar
from yearend.models import Metric

A = Assignment.Status
ANSWERING = (Assignment.Role.LEAD, Assignment.Role.SEPARATE)
# Reminders that an office needed because it was late (the courtesy ones before a deadline are not counted).
NEEDED_REMINDERS = (Reminder.Kind.SIGN, Reminder.Kind.OVERDUE, Reminder.Kind.MANUAL)

Counts = dict[int, tuple[int, int]]


@dataclass
class YearFigures:
    """Every metric of every office of one year: ``figures[metric][office_id] = (numerator, denominator)``."""

    year: int
    as_of: datetime.date
    offices: set[int] = field(default_factory=set)
    figures: dict[str, Counts] = field(default_factory=dict)

    def get(self, metric: str, office_id: int, result_code: str = "") -> tuple[int, int]:
        if metric == Metric.RESULT_SHARE:
            # A class no reply of the year had still counts over the office's replies.
            total = self.figures.get(f"{metric}:", {}).get(office_id, (0, 0))[1]
            return self.figures.get(f"{metric}:{result_code}", {}).get(office_id, (0, total))[0], total
        return self.figures.get(metric, {}).get(office_id, (0, 0))


def year_suggestions(year: int, *, suggestions=None):
    """The suggestions whose handling a year's scores judge."""
    qs = suggestions if suggestions is not None else Suggestion.objects.all()
    return qs.filter(session__start_date__year=year).exclude(status__in=workflow_metrics.EXCLUDED)


def _pairs(numerators: dict, denominators: dict) -> Counts:
    return {office: (numerators.get(office, 0), n) for office, n in denominators.items()}


def _count_by_office(queryset, office_field: str = "office_id") -> dict[int, int]:
    return dict(queryset.values_list(office_field).annotate(n=Count("pk")).order_by())


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def sign_thresholds() -> dict:
    """``{session_id: working days}``: each session's sign reminder threshold, loaded on first use."""
    from delegates.models import Session

    class Thresholds(dict):
        def __missing__(self, session_id):
            self[session_id] = policy_for(Session.objects.get(pk=session_id)).offset("sign_after_workdays")
            return self[session_id]

    return Thresholds()


def sign_verdict(assigned_at, signed_at, threshold: int, calendar, as_of: datetime.date) -> bool | None:
    """Signed within ``threshold`` working days of assignment: True / False, or None while still inside it."""
    deadline = calendar.add_workdays(_local_date(assigned_at), threshold)
    signed = _local_date(signed_at)
    if signed is None:
        return None if deadline >= as_of else False
    return signed <= deadline


def deadline_verdict(deadline: datetime.date, done_at, as_of: datetime.date) -> bool | None:
    """Done by ``deadline``: True / False, or None when not done and not yet due."""
    done = _local_date(done_at)
    if done is None:
        return None if deadline >= as_of else False
    return done <= deadline


def signed_on_time(live, as_of: datetime.date) -> Counts:
    """Signed within the session's sign reminder threshold (working days after assignment) ÷ assignments
    that were signed or are already past that threshold."""
    calendar, thresholds = work_calendar(), sign_thresholds()
    num, den = defaultdict(int), defaultdict(int)
    rows = live.values_list("office_id", "assigned_at", "signed_at", "suggestion__session")
    for office, assigned_at, signed_at, session_id in rows:
        verdict = sign_verdict(assigned_at, signed_at, thresholds[session_id], calendar, as_of)
        if verdict is None:
            continue  # still inside its window
        den[office] += 1
        num[office] += verdict
    return _pairs(num, den)


def opinion_on_time(live, as_of: datetime.date) -> Counts:
    """Co-handling opinions sent by their deadline ÷ opinions sent or already due."""
    rows = (
        live.filter(role=Assignment.Role.CO)
        .annotate(sent=Min("opinions__sent_at"))
        .values_list("office_id", "role", "due_date", "extended_due", "opinion_due", "sent")
    )
    num, den = defaultdict(int), defaultdict(int)
    for office, role, due_date, extended_due, opinion_due, sent in rows:
        deadline = Assignment.deadline_of(
            role=role, due_date=due_date, extended_due=extended_due, opinion_due=opinion_due
        )
        verdict = deadline_verdict(deadline, sent, as_of)
        if verdict is None:
            continue
        den[office] += 1
        num[office] += verdict
    return _pairs(num, den)


def _first_reply(field_name: str):
    first = Reply.objects.filter(assignment=OuterRef("pk"), status=Reply.Status.SUBMITTED).order_by(
        "round__number", "submitted_at"
    )
    return Subquery(first.values(field_name)[:1])


def _latest_reply(field_name: str):
    latest = Reply.objects.filter(assignment=OuterRef("pk"), status=Reply.Status.SUBMITTED).order_by(
        "-round__number", "-submitted_at"
    )
    return Subquery(latest.values(field_name)[:1])


def reply_verdict(replied: bool, on_time: bool | None, deadline: datetime.date, as_of: datetime.date) -> bool | None:
    """The first reply was on time (``Reply.on_time``, set when it was sent): True / False, None if not yet due."""
    if not replied:
        return None if deadline >= as_of else False
    return bool(on_time)


def replied_on_time(live, as_of: datetime.date) -> Counts:
    """First replies sent by the deadline (``Reply.on_time``) ÷ first replies sent or already overdue."""
    rows = (
        live.filter(role__in=ANSWERING)
        .annotate(first_id=_first_reply("pk"), first_on_time=_first_reply("on_time"))
        .values_list("office_id", "role", "due_date", "extended_due", "opinion_due", "first_id", "first_on_time")
    )
    num, den = defaultdict(int), defaultdict(int)
    for office, role, due_date, extended_due, opinion_due, first_id, on_time in rows:
        deadline = Assignment.deadline_of(
            role=role, due_date=due_date, extended_due=extended_due, opinion_due=opinion_due
        )
        verdict = reply_verdict(first_id is not None, on_time, deadline, as_of)
        if verdict is None:
            continue
        den[office] += 1
        num[office] += verdict
    return _pairs(num, den)


def _replied_answering(live):
    submitted = Reply.objects.filter(assignment=OuterRef("pk"), status=Reply.Status.SUBMITTED)
    return live.filter(role__in=ANSWERING).filter(Exists(submitted))


def contact_rates(live) -> tuple[Counts, Counts]:
    """沟通联系率: answering assignments with a contact record ÷ answering assignments (a reply needs one, so
    only the unanswered can lack it); 见面率 as the statistics count it: replied assignments with a
    face-to-face contact ÷ replied assignments."""
    contacts = ContactRecord.objects.filter(assignment=OuterRef("pk"))
    met = contacts.filter(method__in=ContactRecord.FACE_TO_FACE)
    submitted = Reply.objects.filter(assignment=OuterRef("pk"), status=Reply.Status.SUBMITTED)
    rows = (
        live.filter(role__in=ANSWERING)
        .values("office_id")
        .annotate(
            n=Count("pk"),
            contacted=Count("pk", filter=Q(Exists(contacts))),
            replied=Count("pk", filter=Q(Exists(submitted))),
            met=Count("pk", filter=Q(Exists(submitted)) & Q(Exists(met))),
        )
    )
    contact, face = {}, {}
    for row in rows.order_by():
        contact[row["office_id"]] = (row["contacted"], row["n"])
        face[row["office_id"]] = (row["met"], row["replied"])
    return contact, face


def result_shares(live) -> dict[str, Counts]:
    """Per result class code: the latest replies of that class ÷ the latest replies of the office."""
    rows = (
        _replied_answering(live)
        .annotate(code=_latest_reply("result_class__code"))
        .values("office_id", "code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals, by_code = defaultdict(int), defaultdict(dict)
    for row in rows:
        totals[row["office_id"]] += row["n"]
        by_code[row["code"]][row["office_id"]] = row["n"]
    return {code: _pairs(counts, totals) for code, counts in by_code.items()} | {"": _pairs({}, totals)}


def satisfaction(suggestions) -> Counts:
    """满意率 of the latest round, as the statistics count it (``reporting.metrics.by_office``)."""
    return {row["office_id"]: (row["rated_ok"], row["rated"]) for row in workflow_metrics.by_office(suggestions)}


def first_satisfaction(live) -> Counts:
    """First-round ratings 满意 or 基本满意 ÷ first-round ratings, of the office's replies."""
    ok = Q(value__in=[Rating.Value.SATISFIED, Rating.Value.BASIC])
    rows = (
        Rating.objects.filter(reply__assignment__in=live, round__number=1)
        .values("reply__assignment__office_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=ok))
        .order_by()
    )
    return {row["reply__assignment__office_id"]: (row["ok"], row["n"]) for row in rows}


def last_year_b_solved(year: int, suggestions=None) -> Counts:
    """Last year's answers in a follow-up class (B) whose solution staff confirmed ÷ those answers.

    Confirming a solution turns the reply into the adopted class (``followup_confirm_solved``), so a B answer
    is a latest reply still in a follow-up class, or one with a confirmed solution.
    """
    live = Assignment.objects.filter(suggestion__in=year_suggestions(year - 1, suggestions=suggestions)).exclude(
        status__in=Assignment.ENDED
    )
    confirmed = FollowUp.objects.filter(reply_id=OuterRef("latest_id"), status=FollowUp.Status.SOLVED_CONFIRMED)
    rows = (
        _replied_answering(live)
        .annotate(
            latest_id=_latest_reply("pk"),
            follow=_latest_reply("result_class__needs_follow_up"),
            solved=Exists(confirmed),
        )
        .filter(Q(follow=True) | Q(solved=True))
        .values("office_id")
        .annotate(n=Count("pk"), solved_n=Count("pk", filter=Q(solved=True)))
        .order_by()
    )
    return {row["office_id"]: (row["solved_n"], row["n"]) for row in rows}


def year_figures(year: int, *, as_of: datetime.date | None = None, suggestions=None) -> YearFigures:
    """Every metric of every office with work in ``year``, counted up to ``as_of`` (default: today).

    ``suggestions`` narrows the suggestions looked at (one congress's); default all.
    """
    as_of = as_of or timezone.localdate()
    chosen = year_suggestions(year, suggestions=suggestions)
    every = Assignment.objects.filter(suggestion__in=chosen)
    live = every.exclude(status__in=Assignment.ENDED)
    result = YearFigures(year=year, as_of=as_of)
    result.offices = set(every.values_list("office_id", flat=True).distinct())
    live_count = _count_by_office(live)
    answering_count = _count_by_office(live.filter(role__in=ANSWERING))
    contact, face = contact_rates(live)
    requests = AssignmentRequest.objects.filter(status=AssignmentRequest.Status.APPROVED)
    result.figures = {
        Metric.SIGNED_ON_TIME: signed_on_time(live, as_of),
        Metric.OPINION_ON_TIME: opinion_on_time(live, as_of),
        Metric.REPLIED_ON_TIME: replied_on_time(live, as_of),
        Metric.CONTACT_RATE: contact,
        Metric.FACE_TO_FACE_RATE: face,
        Metric.SATISFACTION: satisfaction(chosen),
        Metric.FIRST_SATISFACTION: first_satisfaction(live),
        Metric.LAST_YEAR_B_SOLVED: last_year_b_solved(year, suggestions),
        Metric.REMINDERS: _pairs(
            _count_by_office(
                Reminder.objects.filter(assignment__in=live, kind__in=NEEDED_REMINDERS), "assignment__office_id"
            ),
            live_count,
        ),
        Metric.EXTENSIONS: _pairs(
            _count_by_office(
                requests.filter(assignment__in=live, kind=AssignmentRequest.Kind.EXTENSION), "assignment__office_id"
            ),
            answering_count,
        ),
        Metric.RETURNS: _pairs(
            _count_by_office(
                requests.filter(assignment__in=every, kind=AssignmentRequest.Kind.RETURN), "assignment__office_id"
            ),
            _count_by_office(every),
        ),
    }
    for code, counts in result_shares(live).items():
        result.figures[f"{Metric.RESULT_SHARE}:{code}"] = counts
    return result
