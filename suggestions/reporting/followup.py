"""Figures of the year's end beside the handling: the re-survey's 满意率 beside the online one, and the 回头看
rounds carried into a session, counted apart from that session's own suggestions (and never in the year of
the original answer: ``metrics`` and ``stats`` leave assignments of a 回头看 round out)."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from suggestions.models import Assignment, Carryover, FollowUp, Rating, Reply, Resurvey
from suggestions.reporting.metrics import Figure

OK = (Rating.Value.SATISFIED, Rating.Value.BASIC)


def resurvey_figures(session_id):
    """The re-survey of a session's suggestions: recorded, satisfied, differing (one query)."""
    counts = Resurvey.objects.filter(suggestion__session_id=session_id).aggregate(
        chosen=Count("pk"),
        recorded=Count("pk", filter=~Q(value="")),
        ok=Count("pk", filter=Q(value__in=OK)),
        # What the delegate said is not what they rated online (or they never rated online).
        differing=Count(
            "pk",
            filter=~Q(value="") & (Q(rating__isnull=True) | ~Q(rating__value=F("value"))),
        ),
        reopened=Count("pk", filter=Q(reopened_round__isnull=False)),
    )
    return {
        "counts": counts,
        "satisfaction": Figure(_("回访满意率"), counts["ok"], counts["recorded"], "resurvey_satisfaction"),
        "differing": Figure(_("回访与网上评价不一致"), counts["differing"], counts["recorded"], "resurvey_differing"),
    }


def followup_figures(session_id):
    """The 回头看 rounds carried into a session: carried, replied (on time), rated and satisfied, solved."""
    assignments = Assignment.objects.filter(followup_round__followup_session_id=session_id)
    counts = assignments.aggregate(
        carried=Count("pk"),
        replied=Count("pk", filter=Q(status=Assignment.Status.REPLIED)),
    )
    replies = Reply.objects.filter(assignment__in=assignments, status=Reply.Status.SUBMITTED)
    reply_counts = replies.aggregate(
        on_time=Count("pk", filter=Q(on_time=True)),
        solved=Count("pk", filter=Q(result_class__counts_as_adopted=True)),
    )
    ratings = Rating.objects.filter(reply__in=replies).aggregate(
        rated=Count("pk"), ok=Count("pk", filter=Q(value__in=OK))
    )
    confirmed = (
        Carryover.objects.filter(session_id=session_id)
        .filter(reply__follow_ups__status=FollowUp.Status.SOLVED_CONFIRMED)
        .values("reply_id")
        .distinct()
        .count()
    )
    return {
        "counts": {**counts, **reply_counts, **ratings, "confirmed": confirmed},
        "reply_rate": Figure(_("回头看办复率"), counts["replied"], counts["carried"], "followup_reply_rate"),
        "on_time_rate": Figure(_("回头看按时办复率"), reply_counts["on_time"], counts["replied"], "followup_on_time"),
        "satisfaction": Figure(_("回头看满意率"), ratings["ok"], ratings["rated"], "followup_satisfaction"),
        "solved_rate": Figure(_("回头看确认解决率"), confirmed, counts["carried"], "followup_solved"),
    }
