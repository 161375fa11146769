"""What the reports read: the sessions and suggestions of the congress the actor acts in, never another's.

Every figure of the dashboard, the per-office table and the exports is counted over these. The tallies of
``stats`` are keyed by session, and a session belongs to one congress, so a figure read for one of these
sessions is that congress's alone; a total over several sessions sums the tallies of these sessions only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from delegates.models import Session
from suggestions.models import Suggestion


def _congress_id(actor: Any) -> int | None:
    return getattr(actor, "congress_id", None)


def sessions_for(actor: Any) -> QuerySet[Session]:
    """The sessions of the actor's congress, latest first (none without a congress)."""
    congress_id = _congress_id(actor)
    if congress_id is None:
        return Session.objects.none()
    return Session.objects.filter(congress_id=congress_id).select_related("term").order_by("-term__number", "-number")


def session_for(actor: Any, session_id: Any) -> Session | None:
    """The session with this id when it is one of the actor's congress, else ``None``."""
    if not str(session_id or "").isdigit():
        return None
    return sessions_for(actor).filter(pk=int(session_id)).first()


def suggestions_for(actor: Any) -> QuerySet[Suggestion]:
    """Every suggestion of the actor's congress (drafts included: callers leave out what they do not count)."""
    congress_id = _congress_id(actor)
    if congress_id is None:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(congress_id=congress_id)


def status_totals(congress_id: int | None) -> dict[str, int]:
    """{status: count} of every suggestion of one congress (drafts left out), from the tallies.

    The tallies have no congress column: they are summed over the congress's sessions (a handful of rows
    each), so a count over "every session" never takes in another congress's suggestions.
    """
    from django.db.models import Sum

    from suggestions.models import SuggestionTally
    from suggestions.reporting import stats

    if congress_id is None:
        return {}
    stats.catch_up()
    sessions = Session.objects.filter(congress_id=congress_id).values("pk")
    rows = SuggestionTally.objects.filter(session_id__in=sessions, n__gt=0).exclude(status=Suggestion.Status.DRAFT)
    return dict(rows.values_list("status").annotate(total=Sum("n")).order_by())
