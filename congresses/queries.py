"""Reads across the levels: the congresses below one, their figures side by side, and a read-only look into
their suggestions. Who may read is ``policy.Action.VIEW_LOWER_CONGRESSES`` (decided by ancestry); what is read
is scoped here to the congresses below the actor's, never further.

The figures are those of ``suggestions.reporting.metrics`` (``figures_from_counts``), read from the statistics
tallies (``suggestions.reporting.stats``) of every congress's sessions at once: the number of queries does not
grow with the number of congresses, and no workflow table is read. Each congress's offices are on its own
drill-down page (``offices_of``), one congress at a time. ``tests/congresses/test_overview.py`` checks each
congress's figures against ``metrics.session_figures`` of that congress alone, so the two counts cannot drift
apart.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone

from congresses.models import Congress
from delegates.models import Session
from suggestions.models import AssignmentTally, AuditLog, Rating, Reply, Suggestion, SuggestionTally, Transfer
from suggestions.reporting import metrics, stats, tally_reads
from suggestions.reporting.metrics import EXCLUDED, RESULT_FIELDS, S

LEVEL_ORDER = {level: index for index, level in enumerate(Congress.Level.values)}


def lower_congresses(congress_id: int | None) -> list[Congress]:
    """Every active congress whose parent chain reaches ``congress_id``, level by level (one query)."""
    if congress_id is None:
        return []
    rows = list(Congress.objects.filter(is_active=True).order_by("order", "pk"))
    children: dict[int | None, list[Congress]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    found, queue, seen = [], list(children.get(congress_id, [])), {congress_id}
    while queue:
        congress = queue.pop(0)
        if congress.pk in seen:
            continue
        seen.add(congress.pk)
        found.append(congress)
        queue.extend(children.get(congress.pk, []))
    return sorted(found, key=lambda c: (LEVEL_ORDER.get(c.level, 9), c.order, c.pk))


def lower_congress(actor: Any, pk: int) -> Congress:
    """The congress ``pk`` if it is below the actor's, else 404 (an id of elsewhere is not there at all)."""
    for congress in lower_congresses(actor.congress_id):
        if congress.pk == pk:
            return congress
    raise Http404


def _suggestions(congress_ids: list[int], *, current_only: bool):
    suggestions = Suggestion.objects.filter(congress_id__in=congress_ids)
    if current_only:
        suggestions = suggestions.filter(session__is_current=True)
    return suggestions


COUNT_NAMES = ("filed", "registered", "assigned", "replied", "replied_on_time", "met", "closed", "key")
RATING_NAMES = ("rated", "satisfied", "basic", "first_rated", "first_ok")


def figures_by_congress(congress_ids: list[int], *, current_only: bool = True) -> dict[int, dict]:
    """{congress id: the figures of ``metrics.figures_from_counts``} for each congress, from the tallies of
    ``suggestions.reporting.stats``: three queries (after ``stats.catch_up``), however many congresses.

    The tallies are kept per session, and a session belongs to one congress: the sessions of these congresses
    (their current ones, or all) are summed per congress, as ``tally_reads.session_summary`` sums one. The counts are
    those of ``metrics.session_figures`` (issue 19: recounting the reply, assignment and round tables took
    seconds for a city's 117 congresses at province scale).
    """
    if not congress_ids:
        return {}
    stats.catch_up()
    sessions = Session.objects.filter(congress_id__in=congress_ids)
    if current_only:
        sessions = sessions.filter(is_current=True)
    congress_of = dict(sessions.values_list("pk", "congress_id"))
    counted = ~Q(status__in=EXCLUDED)
    filed = counted & ~Q(status=S.DRAFT)
    sums = {
        "filed": Sum("n", filter=filed),
        "closed": Sum("n", filter=Q(status=S.CLOSED)),
        "key": Sum("n", filter=counted & Q(is_key=True)),
        **{name: Sum(name, filter=counted) for name in COUNT_NAMES[1:6] + RATING_NAMES},
    }
    totals = {pk: dict.fromkeys(COUNT_NAMES + RATING_NAMES, 0) for pk in congress_ids}
    for row in (
        SuggestionTally.objects.filter(session_id__in=list(congress_of), n__gt=0)
        .values("session_id")
        .annotate(**sums)
        .order_by()
    ):
        total = totals[congress_of[row.pop("session_id")]]
        for name, value in row.items():
            total[name] += value or 0
    results: dict[int, dict[str, dict]] = {}
    for row in (
        AssignmentTally.objects.filter(session_id__in=list(congress_of), n__gt=0, has_reply=True)
        .values("session_id", *RESULT_FIELDS)
        .annotate(n=Sum("n"))
        .order_by()
    ):
        rows = results.setdefault(congress_of[row.pop("session_id")], {})
        found = rows.setdefault(row["result_class__code"], {**row, "n": 0})
        found["n"] += row["n"]

    def ordered(rows):
        return sorted(rows.values(), key=lambda r: (r["result_class__order"], r["result_class__code"]))

    return {
        pk: metrics.figures_from_counts(
            {name: totals[pk][name] for name in COUNT_NAMES},
            {name: totals[pk][name] for name in RATING_NAMES},
            ordered(results.get(pk, {})),
        )
        for pk in congress_ids
    }


def offices_of(congress: Congress) -> list[dict]:
    """``metrics.by_office`` rows of one congress's offices in its current session (its drill-down page), from
    the tallies as the dashboard reads them: that congress's rows only, a fixed number of queries."""
    session_id = Session.objects.filter(congress=congress, is_current=True).values_list("pk", flat=True).first()
    if session_id is None:
        return []
    stats.catch_up()
    _suggestion_rows, office_rows, _result_rows = tally_reads.session_tallies(session_id, today=timezone.localdate())
    return metrics.office_figures(office_rows)


def lower_suggestions(congress: Congress, *, status: str = "", q: str = ""):
    """A lower congress's filed suggestions (never drafts), newest first, for the read-only list."""
    suggestions = (
        Suggestion.objects.filter(congress=congress)
        .exclude(status=S.DRAFT)
        .select_related("category", "session", "lead_delegate")
        .order_by(F("submitted_at").desc(nulls_last=True), "-pk")
    )
    if status in S.values:
        suggestions = suggestions.filter(status=status)
    if q:
        suggestions = suggestions.filter(title__icontains=q[:100])
    return suggestions


def lower_suggestion(actor: Any, pk: int) -> Suggestion:
    """A filed suggestion of a congress below the actor's, with its handling loaded; else 404."""
    below = {c.pk for c in lower_congresses(actor.congress_id)}
    suggestion = (
        Suggestion.objects.filter(pk=pk, congress_id__in=below)
        .exclude(status=S.DRAFT)
        .select_related("category", "session", "lead_delegate", "congress")
        .prefetch_related(
            Prefetch("assignments", to_attr="summary_assignments", queryset=_assignments()),
            Prefetch(
                "replies",
                to_attr="summary_replies",
                queryset=Reply.objects.filter(status=Reply.Status.SUBMITTED)
                .select_related("office", "result_class", "round")
                .order_by("submitted_at", "pk"),
            ),
        )
        .first()
    )
    if suggestion is None:
        raise Http404
    return suggestion


def _assignments():
    from suggestions.models import Assignment

    return Assignment.objects.select_related("office").order_by("role", "pk")


def handling_summary(suggestion: Suggestion) -> dict:
    """What the level above reads of one suggestion: offices, replies with their class and dates, rating counts
    and the dated steps (labels only: no notes, no names, no contacts)."""
    ratings = dict(
        Rating.objects.filter(suggestion=suggestion, round__number=suggestion.current_round)
        .values_list("value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = dict(AuditLog.Action.choices)
    steps = [
        {"label": labels.get(action, action), "at": at, "to_status": to_status}
        for action, at, to_status in AuditLog.objects.filter(suggestion=suggestion)
        .exclude(action__in=[AuditLog.Action.EDIT, AuditLog.Action.CREATE])
        .order_by("created_at", "pk")
        .values_list("action", "created_at", "to_status")
    ]
    status_labels = dict(S.choices)
    for step in steps:
        step["status"] = status_labels.get(step["to_status"], "")
    rating_rows = [(label, ratings.get(value, 0)) for value, label in Rating.Value.choices]
    return {"ratings": rating_rows, "steps": steps, "transfer": transfer_links(suggestion)}


def transfer_links(suggestion: Suggestion) -> dict:
    """The transfer this suggestion was passed on by, or arrived by: {"out": Transfer|None, "in": Transfer|None}."""
    rows = Transfer.objects.filter(Q(suggestion=suggestion) | Q(target=suggestion)).select_related(
        "from_congress", "to_congress", "target", "suggestion"
    )
    found = {"out": None, "in": None}
    for row in rows:
        found["out" if row.suggestion_id == suggestion.pk else "in"] = row
    return found


def transfer_of(suggestion_pk: int, congress_id: int | None) -> Transfer:
    """The transfer of a suggestion of ``congress_id`` (the congress that passed it on), else 404."""
    transfer = (
        Transfer.objects.filter(suggestion_id=suggestion_pk, from_congress_id=congress_id)
        .select_related("suggestion", "target", "target__category", "from_congress", "to_congress")
        .first()
    )
    if transfer is None:
        raise Http404
    return transfer


def transfers_of(congress_id: int | None, *, limit: int = 200) -> dict[str, list[Transfer]]:
    """The congress's transfers: those it passed up (``outgoing``) and those it received, newest first."""
    rows = Transfer.objects.select_related("suggestion", "target", "from_congress", "to_congress")
    return {
        "outgoing": list(rows.filter(from_congress_id=congress_id)[:limit]),
        "incoming": list(rows.filter(to_congress_id=congress_id)[:limit]),
    }


def congresses_managed_by(actor: Any) -> list[Congress]:
    """The congresses an administrator sees on the management page: all for a superuser, else those below."""
    if actor.is_admin:
        return sorted(
            Congress.objects.select_related("parent").order_by("order", "pk"),
            key=lambda c: (LEVEL_ORDER.get(c.level, 9), c.order, c.pk),
        )
    return lower_congresses(actor.congress_id)


def staff_counts(congress_ids: list[int]) -> dict[int, int]:
    """{congress id: number of staff accounts} in one query."""
    from congresses.models import StaffMembership

    return dict(
        StaffMembership.objects.filter(congress_id__in=congress_ids)
        .values_list("congress_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
