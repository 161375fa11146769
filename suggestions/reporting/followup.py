"""Figures of the year's end beside the handling: the re-survey's 满意率 beside the online one, and the 回头看
rounds carried into a session, counted apart from that session's own suggestions (and never in the year of
the original answer: ``metrics`` and ``stats`` leave assignments of a 回头看 round out).

``year_end_figures`` counts both in one query (one scalar subquery per count), so the dashboard's query
count does not change with them.
"""

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from delegates.models import Session
from huaxi_renda.prepared import Prepared
from suggestions.models import Assignment, Carryover, FollowUp, Rating, Reply, Resurvey
from suggestions.reporting.metrics import Figure

OK = (Rating.Value.SATISFIED, Rating.Value.BASIC)


def _count(queryset, group, *, distinct=""):
    """``count(*)`` (or ``count(distinct …)``) of ``queryset`` rows whose ``group`` is the outer session."""
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    query = queryset.filter(**{group: OuterRef("pk")}).order_by().values(group).annotate(c=counted).values("c")
    return Coalesce(Subquery(query, output_field=IntegerField()), Value(0))


def _year_end_row(*, session_id):
    resurveys = Resurvey.objects.all()
    recorded = resurveys.exclude(value="")
    session = "suggestion__session_id"
    assignments = Assignment.objects.filter(followup_round__isnull=False)
    carried = "followup_round__followup_session_id"
    replies = Reply.objects.filter(status=Reply.Status.SUBMITTED, round__followup_session__isnull=False)
    ratings = Rating.objects.filter(round__followup_session__isnull=False)
    confirmed = Carryover.objects.filter(reply__follow_ups__status=FollowUp.Status.SOLVED_CONFIRMED)
    return (
        Session.objects.filter(pk=session_id)
        .annotate(
            r_chosen=_count(resurveys, session),
            r_recorded=_count(recorded, session),
            r_ok=_count(recorded.filter(value__in=OK), session),
            # What the delegate said is not what they rated online (or they never rated online).
            r_differing=_count(recorded.filter(Q(rating__isnull=True) | ~Q(rating__value=F("value"))), session),
            r_reopened=_count(resurveys.filter(reopened_round__isnull=False), session),
            f_carried=_count(assignments, carried),
            f_replied=_count(assignments.filter(status=Assignment.Status.REPLIED), carried),
            f_on_time=_count(replies.filter(on_time=True), "round__followup_session_id"),
            f_rated=_count(ratings, "round__followup_session_id"),
            f_ok=_count(ratings.filter(value__in=OK), "round__followup_session_id"),
            f_confirmed=_count(confirmed, "session_id", distinct="reply_id"),
        )
        .values(
            "r_chosen",
            "r_recorded",
            "r_ok",
            "r_differing",
            "r_reopened",
            "f_carried",
            "f_replied",
            "f_on_time",
            "f_rated",
            "f_ok",
            "f_confirmed",
        )
        .order_by("pk")[:1]
    )


# Compiled once per process (``huaxi_renda.prepared``): its eleven subqueries took 5–10 ms to compile.
_year_end_query = Prepared(_year_end_row)


def year_end_counts(session_id):
    """Every count of ``resurvey_figures`` and ``followup_figures`` for one session, in one query."""
    rows = _year_end_query(session_id=session_id)
    return (
        rows[0]
        if rows
        else dict.fromkeys(("r_chosen", "r_recorded", "r_ok", "r_differing", "r_reopened"), 0)
        | dict.fromkeys(("f_carried", "f_replied", "f_on_time", "f_rated", "f_ok", "f_confirmed"), 0)
    )


def resurvey_figures(session_id, counts=None):
    """The re-survey of a session's suggestions: recorded, satisfied, differing."""
    c = counts or year_end_counts(session_id)
    return {
        "counts": {
            "chosen": c["r_chosen"],
            "recorded": c["r_recorded"],
            "ok": c["r_ok"],
            "differing": c["r_differing"],
            "reopened": c["r_reopened"],
        },
        "satisfaction": Figure(str(_("回访满意率")), c["r_ok"], c["r_recorded"], "resurvey_satisfaction"),
        "differing": Figure(str(_("回访与网上评价不一致")), c["r_differing"], c["r_recorded"], "resurvey_differing"),
    }


def followup_figures(session_id, counts=None):
    """The 回头看 rounds carried into a session: carried, replied (on time), rated and satisfied, solved."""
    c = counts or year_end_counts(session_id)
    return {
        "counts": {
            "carried": c["f_carried"],
            "replied": c["f_replied"],
            "on_time": c["f_on_time"],
            "rated": c["f_rated"],
            "ok": c["f_ok"],
            "confirmed": c["f_confirmed"],
        },
        "reply_rate": Figure(str(_("回头看办复率")), c["f_replied"], c["f_carried"], "followup_reply_rate"),
        "on_time_rate": Figure(str(_("回头看按时办复率")), c["f_on_time"], c["f_replied"], "followup_on_time"),
        "satisfaction": Figure(str(_("回头看满意率")), c["f_ok"], c["f_rated"], "followup_satisfaction"),
        "solved_rate": Figure(str(_("回头看确认解决率")), c["f_confirmed"], c["f_carried"], "followup_solved"),
    }
