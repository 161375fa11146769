"""The public statistics (no login): per session from the tallies, per office; registered suggestions only."""

from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from delegates.models import Session
from suggestions.models import Assignment, Office, Rating, Reply, Suggestion
from suggestions.queries import selectors
from suggestions.queries.public_summary import RATING_ORDER
from suggestions.reporting import metrics, stats, tally_reads


def stats_sessions(congress):
    """The sessions of ``congress``, newest first."""
    return list(
        Session.objects.filter(congress=congress)
        .only("id", "name", "is_current", "term_id", "number")
        .order_by("-term__number", "-number")
    )


def stats_suggestions(session):
    """All registered suggestions of the session, whether published or not (aggregates reveal nothing private).

    What the public statistics count; ``session_stats`` reads the same numbers from the tallies.
    """
    return Suggestion.objects.filter(session=session).exclude(status__in=selectors.PUBLIC_EXCLUDED)


def session_stats(session):
    """The public statistics of a session: registered suggestions only, from the precomputed tallies."""
    stats.catch_up()
    summary = tally_reads.session_summary(session.pk, today=timezone.localdate(), excluded=selectors.PUBLIC_EXCLUDED)
    figures = metrics.figures_from_counts(summary["counts"], summary["ratings"], summary["results"])
    categories = [
        {**row, "reply_rate": metrics.Figure(_("办复率"), row["replied"], row["assigned"])}
        for row in summary["categories"]
    ]
    return {
        "figures": metrics.headline(figures),
        "counts": figures["counts"],
        "categories": categories,
        "offices": metrics.office_figures(summary["offices"]),
        "results": summary["results"],
    }


def office_stats(office, session=None):
    """How many suggestions one office handled, on time, with which results and ratings (its congress's)."""
    suggestions = Suggestion.objects.filter(congress_id=office.congress_id).exclude(
        status__in=selectors.PUBLIC_EXCLUDED
    )
    if session is not None:
        suggestions = suggestions.filter(session=session)
    mine = suggestions.filter(
        Exists(
            Assignment.objects.filter(suggestion=OuterRef("pk"), office=office).exclude(
                status__in=selectors.ENDED_ASSIGNMENT
            )
        )
    )
    row = next((r for r in metrics.by_office(mine) if r["office_id"] == office.pk), None)
    later = Reply.objects.filter(
        assignment=OuterRef("assignment"), status=Reply.Status.SUBMITTED, round__number__gt=OuterRef("round__number")
    )
    results = list(
        Reply.objects.filter(assignment__office=office, status=Reply.Status.SUBMITTED, suggestion__in=suggestions)
        .exclude(Exists(later))
        .values("result_class__code", "result_class__name", "result_class__order")
        .annotate(n=Count("pk"))
        .order_by("result_class__order", "result_class__code")
    )
    ratings = dict(
        Rating.objects.filter(
            reply__assignment__office=office, suggestion__in=suggestions, round__number=F("suggestion__current_round")
        )
        .values_list("value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = dict(Rating.Value.choices)
    return {
        "row": row,
        "results": results,
        "ratings": [(labels[v], ratings.get(v, 0)) for v in RATING_ORDER],
        "rated": sum(ratings.values()),
    }


def office_for_public(pk, congress):
    """The office ``pk`` of ``congress``, or ``None`` (also for an office of another congress)."""
    return Office.objects.filter(pk=pk, congress=congress).only("id", "name", "short_name", "congress_id").first()
