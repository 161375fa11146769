"""The cases behind an office's figures: each of its assignments of the year, judged by the rules the metrics
count with (``metrics.sign_verdict``, ``deadline_verdict``, ``reply_verdict``), so a sheet shows which
suggestion made which figure. One query however many assignments."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, Min, OuterRef, Subquery
from django.utils import timezone

from suggestions.models import Assignment, AssignmentRequest, ContactRecord, Rating, Reminder, Reply, Suggestion
from suggestions.workdays import work_calendar
from yearend import metrics
from yearend.models import ScoreSheet


def office_cases(sheet: ScoreSheet, *, as_of: datetime.date | None = None) -> list[dict]:
    """Rows for each assignment of the sheet's office in the rubric's year, judged as of the sheet's count."""
    as_of = as_of or sheet.as_of or timezone.localdate()
    chosen = metrics.year_suggestions(
        sheet.rubric.year, suggestions=Suggestion.objects.filter(congress_id=sheet.rubric.congress_id)
    )
    contacts = ContactRecord.objects.filter(assignment=OuterRef("pk"))
    latest_reply = Reply.objects.filter(assignment=OuterRef("pk"), status=Reply.Status.SUBMITTED).order_by(
        "-round__number", "-submitted_at"
    )
    first_reply = latest_reply.order_by("round__number", "submitted_at")
    latest_rating = Rating.objects.filter(reply_id=OuterRef("latest_id")).order_by("-rated_at", "-pk")
    rows = (
        Assignment.objects.filter(suggestion__in=chosen, office_id=sheet.office_id)
        .annotate(
            first_id=Subquery(first_reply.values("pk")[:1]),
            first_on_time=Subquery(first_reply.values("on_time")[:1]),
            latest_id=Subquery(latest_reply.values("pk")[:1]),
            result=Subquery(latest_reply.values("result_class__code")[:1]),
            rating=Subquery(latest_rating.values("value")[:1]),
            contacted=Exists(contacts),
            met=Exists(contacts.filter(method__in=ContactRecord.FACE_TO_FACE)),
            opinion_sent=Min("opinions__sent_at"),
            reminder_count=Subquery(
                Reminder.objects.filter(assignment=OuterRef("pk"), kind__in=metrics.NEEDED_REMINDERS)
                .order_by()
                .values("assignment")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            extended=Exists(
                AssignmentRequest.objects.filter(
                    assignment=OuterRef("pk"),
                    kind=AssignmentRequest.Kind.EXTENSION,
                    status=AssignmentRequest.Status.APPROVED,
                )
            ),
        )
        .select_related("suggestion")
        .order_by("suggestion__number", "pk")
    )
    calendar, thresholds = work_calendar(), metrics.sign_thresholds()
    ratings = dict(Rating.Value.choices)
    cases = []
    for a in rows:
        ended = a.status in Assignment.ENDED
        deadline = a.effective_due
        case = {
            "assignment": a,
            "suggestion": a.suggestion,
            "ended": ended,
            "signed": None
            if ended
            else metrics.sign_verdict(a.assigned_at, a.signed_at, thresholds[a.suggestion.session_id], calendar, as_of),
            "answered": None,
            "contacted": a.contacted,
            "met": a.met,
            "result": a.result or "",
            "rating": ratings.get(a.rating, ""),
            "reminders": a.reminder_count or 0,
            "extended": a.extended,
        }
        if not ended and a.role == Assignment.Role.CO:
            case["answered"] = metrics.deadline_verdict(deadline, a.opinion_sent, as_of)
        elif not ended:
            case["answered"] = metrics.reply_verdict(a.first_id is not None, a.first_on_time, deadline, as_of)
        cases.append(case)
    return cases
