"""Reads of the year's end beside the handling: the 回头看 list, re-surveys, a suggestion's 回头看 rounds.

Staff pages only (``Action.STAFF_DESK``); the public sees 回头看 rounds through ``public_detail``.
"""

from django.db.models import Exists, F, OuterRef, Q, Subquery

from delegates.models import Session
from suggestions.models import Assignment, Carryover, FollowUp, Reply, Resurvey, ResurveyBatch, Suggestion

COUNTED_OUT = (Suggestion.Status.WITHDRAWN, Suggestion.Status.MERGED)


def b_answers(session: Session, *, office_id: int | None = None):
    """Every B answer of sessions before ``session`` not yet confirmed solved, by office, with its promised plan
    (the reply), its last follow-up and whether it is carried into ``session`` already or still open."""
    last = FollowUp.objects.filter(reply=OuterRef("pk")).order_by("-posted_at", "-id")
    carried_here = Carryover.objects.filter(reply=OuterRef("pk"), session=session)
    open_round = Assignment.objects.filter(
        suggestion=OuterRef("suggestion_id"),
        office=OuterRef("office_id"),
        followup_round__isnull=False,
        status__in=Assignment.ACTIVE,
    )
    rows = (
        Reply.objects.filter(
            status=Reply.Status.SUBMITTED,
            result_class__needs_follow_up=True,
            assignment__followup_round__isnull=True,
            suggestion__congress_id=session.congress_id,
            suggestion__session__start_date__lt=session.start_date,
        )
        .exclude(suggestion__status__in=COUNTED_OUT)
        .exclude(Exists(FollowUp.objects.filter(reply=OuterRef("pk"), status=FollowUp.Status.SOLVED_CONFIRMED)))
        .annotate(
            last_follow_up_text=Subquery(last.values("text")[:1]),
            last_follow_up_at=Subquery(last.values("posted_at")[:1]),
            carried_here=Exists(carried_here),
            round_open=Exists(open_round),
        )
        .select_related("office", "result_class", "suggestion__session", "suggestion__lead_delegate")
        .order_by("office__order", "office__name", "suggestion__session__start_date", "suggestion_id", "pk")
    )
    if office_id:
        rows = rows.filter(office_id=office_id)
    return rows


def resurvey_of(actor, pk: int):
    """One re-survey of the actor's congress, or ``None``."""
    return (
        Resurvey.objects.filter(pk=pk, batch__congress_id=actor.congress_id)
        .select_related("suggestion__session", "delegate", "rating", "batch", "reopened_round")
        .first()
    )


def sessions_of(actor):
    """The sessions of the actor's congress, newest first."""
    return (
        Session.objects.filter(congress_id=actor.congress_id)
        .select_related("term")
        .order_by("-term__number", "-number")
    )


def carried_into(session: Session):
    """The 回头看 rounds carried into ``session``: each with its new assignment (status, deadline, reply)."""
    assignment = Assignment.objects.filter(followup_round=OuterRef("round_id"))
    return (
        Carryover.objects.filter(session=session)
        .select_related("reply__office", "reply__suggestion", "round")
        .annotate(
            assignment_id=Subquery(assignment.values("pk")[:1]),
            assignment_status=Subquery(assignment.values("status")[:1]),
            assignment_due=Subquery(assignment.values("due_date")[:1]),
        )
        .order_by("reply__office__order", "reply__suggestion_id")
    )


def batches(session: Session):
    return (
        ResurveyBatch.objects.filter(session=session, congress_id=session.congress_id)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def resurveys(session: Session, *, only: str = ""):
    """Re-surveys of ``session``'s suggestions; ``only``: "pending", "recorded" or "differing"."""
    rows = (
        Resurvey.objects.filter(batch__session=session, batch__congress_id=session.congress_id)
        .select_related("suggestion", "delegate", "rating", "batch", "reopened_round")
        .order_by("-batch__created_at", "suggestion_id", "pk")
    )
    if only == "pending":
        rows = rows.filter(value="")
    elif only == "recorded":
        rows = rows.exclude(value="")
    elif only == "differing":
        rows = rows.exclude(value="").filter(Q(rating__isnull=True) | ~Q(rating__value=F("value")))
    return rows
