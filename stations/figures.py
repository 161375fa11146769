"""The stations' figures per station and per delegate: received, answered, forwarded, turned into suggestions,
median working days to the first response and to the answer, satisfaction — of one congress (or one station).

Grouped queries, never a row per opinion: counts by (station, delegate); the medians from counts by (station,
delegate, day received, day responded), so the rows read grow with the days of activity, not the opinions, and
each pair of days is counted in working days once. Four queries in all (with the calendar's two), however many
opinions; one when there are none.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Value
from django.db.models.functions import TruncDate

from delegates.models import Delegate
from huaxi_renda.cache import cache_get, cache_set
from stations.models import ResidentOpinion, Station, StationAudit
from suggestions.workdays import work_calendar

RATING = ResidentOpinion.Rating
COUNTS = ("received", "answered", "forwarded", "suggested", "rated", "satisfied")


def _counts(opinions: QuerySet, by: tuple[str, ...], names: tuple[str, ...] = ()) -> QuerySet:
    return (
        opinions.values(*by, *names)
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            forwarded=Count("pk", filter=Q(forwarded_at__isnull=False)),
            suggested=Count("pk", filter=Q(suggestion__isnull=False)),
            rated=Count("pk", filter=Q(rating__in=RATING.values)),
            satisfied=Count("pk", filter=Q(rating__in=[RATING.SATISFIED, RATING.BASIC])),
        )
        .order_by()
    )


def _spans(opinions: QuerySet, field: str, by: tuple[str, ...], key: str) -> QuerySet:
    """How many opinions were received on one day and reached ``field`` on another, per ``by`` (tuples: the
    rows are many, a tuple costs least to read), each row marked with ``key``."""
    return (
        opinions.filter(**{f"{field}__isnull": False})
        .annotate(start=TruncDate("received_at"), end=TruncDate(field))
        .values(*by, "start", "end")
        .annotate(n=Count("pk"), key=Value(key))
        .order_by()
        .values_list("key", *by, "start", "end", "n")
    )


def weighted_median(counts: Counter) -> float | None:
    """The median of values given with their multiplicities (as ``statistics.median`` of the expanded list)."""
    total = sum(counts.values())
    if not total:
        return None
    low, high = (total - 1) // 2, total // 2
    seen, found = 0, {}
    for value in sorted(counts):
        for index in (low, high):
            if index not in found and seen <= index < seen + counts[value]:
                found[index] = value
        seen += counts[value]
    middle = (found[low] + found[high]) / 2
    return int(middle) if middle == int(middle) else middle


def _finish(tally: dict[str, Any]) -> dict[str, Any]:
    first, answer = tally.pop("_first"), tally.pop("_answer")
    tally["median_first"], tally["median_answer"] = weighted_median(first), weighted_median(answer)
    rated = tally["rated"]
    tally["satisfaction"] = f"{100 * tally['satisfied'] / rated:.0f}%" if rated else "—"
    return tally


def _empty() -> dict[str, Any]:
    return {**dict.fromkeys(COUNTS, 0), "_first": Counter(), "_answer": Counter()}


def figures(
    *, congress_id: int | None = None, station: Station | None = None, delegates: bool = True
) -> dict[str, list[dict[str, Any]]]:
    """``{"stations": [...], "delegates": [...]}``: each row the counts, medians and satisfaction of a station
    (by name) or of a delegate at a station (by station, then delegate; none unless ``delegates``); only those
    with opinions."""
    if station is None and congress_id is None:
        raise ValueError("figures need a station or a congress")
    opinions = ResidentOpinion.objects.filter(station=station) if station else ResidentOpinion.objects.all()
    if station is None:
        opinions = opinions.filter(station__congress_id=congress_id)
    per_station: dict[int, dict] = defaultdict(_empty)
    per_delegate: dict[tuple[int, int], dict] = defaultdict(_empty)
    by = ("station_id", "delegate_id") if delegates else ("station_id",)

    def targets(station_id, delegate_id=None):
        yield per_station[station_id]
        if delegate_id is not None:
            yield per_delegate[(station_id, delegate_id)]

    # The names come with the counts (as the instances ``only("pk", "name")`` would give).
    names = ("station__name", "delegate__name") if delegates else ("station__name",)
    stations, people = {}, {}
    for row in _counts(opinions, by, names):
        stations[row["station_id"]] = Station.from_db(
            "default", ["id", "name"], [row["station_id"], row["station__name"]]
        )
        if delegates and row["delegate_id"] is not None:
            people[row["delegate_id"]] = Delegate.from_db(
                "default", ["id", "name"], [row["delegate_id"], row["delegate__name"]]
            )
        for tally in targets(*(row[key] for key in by)):
            for key in COUNTS:
                tally[key] += row[key]
    if not per_station:  # no opinion: nothing to take the medians of
        return {"stations": [], "delegates": []}
    calendar, days = work_calendar(), {}
    first = _spans(opinions, "first_responded_at", by, "_first")
    for key, *group, start, end, n in first.union(_spans(opinions, "answered_at", by, "_answer"), all=True):
        pair = (start, end)
        if pair not in days:
            days[pair] = calendar.workdays_between(start, end)
        for tally in targets(*group):
            tally[key][days[pair]] += n
    station_rows = sorted(
        ({"station": stations[pk], **_finish(tally)} for pk, tally in per_station.items()),
        key=lambda row: row["station"].name,
    )
    delegate_rows = sorted(
        ({"delegate": people[d], "station": stations[s], **_finish(tally)} for (s, d), tally in per_delegate.items()),
        key=lambda row: (row["station"].name, row["delegate"].name),
    )
    return {"stations": station_rows, "delegates": delegate_rows}


SUMMARY_STATIONS = 10
CACHE_SECONDS = 10 * 60


def dashboard_summary(*, congress_id: int | None, version: int | None = None) -> dict[str, Any] | None:
    """What the reports dashboard shows of the stations: the totals and the busiest stations (the full table
    per station and per delegate is the stations' figures page); ``None`` when the congress has no opinion.

    Kept in the cache until an opinion or a station changes: every such write adds a ``StationAudit`` row, so the
    newest row's id says whether the cached figures are still exact (one indexed query; a cache outage only
    costs the grouped queries). A caller that read that id already passes it as ``version``.
    """
    if congress_id is None:
        return None
    if version is None:
        version = StationAudit.objects.aggregate(last=Max("pk"))["last"] or 0
    if not version:  # no station has ever written anything: there is no opinion to count
        return None
    key = f"stations:dashboard:{congress_id}:{version}"
    cached = cache_get(key, message="Stations dashboard cache unavailable")
    if cached is not None:
        return cached or None
    rows = figures(congress_id=congress_id, delegates=False)["stations"]
    summary = {}
    if rows:
        totals = {key: sum(row[key] for row in rows) for key in COUNTS}
        totals["satisfaction"] = f"{100 * totals['satisfied'] / totals['rated']:.0f}%" if totals["rated"] else "—"
        busiest = sorted(rows, key=lambda row: (-row["received"], row["station"].name))[:SUMMARY_STATIONS]
        summary = {"totals": totals, "stations": busiest, "count": len(rows), "more": len(rows) > SUMMARY_STATIONS}
    cache_set(key, summary, CACHE_SECONDS, message="Could not cache the stations dashboard")
    return summary or None
