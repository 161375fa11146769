"""Reads of stations and opinions, scoped per role once here (pages never filter by role themselves)."""

from __future__ import annotations

import statistics
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from delegates.models import Delegation
from stations.models import RecordedDraft, ResidentOpinion, Station, StationDelegate
from suggestions import pii, policy
from suggestions.actor import Actor
from suggestions.policy import Action
from suggestions.workdays import work_calendar

OS = ResidentOpinion.Status


def stations_for(*, actor: Any) -> QuerySet[Station]:
    """The stations the actor works with: every one for staff, else those they staff or are attached to."""
    who = Actor.of(actor)
    stations = Station.objects.annotate(
        open_count=Count("opinions", filter=Q(opinions__status__in=ResidentOpinion.OPEN))
    )
    if who.is_staff:
        return stations
    if not who.is_authenticated:
        return stations.none()
    return stations.filter(Q(staff=who.user) | Q(memberships__delegate_id=who.delegate_id or 0)).distinct()


def station_for(*, actor: Any, pk: int) -> Station:
    """One station the actor may see, or 404."""
    station = Station.objects.filter(pk=pk).first()
    if station is None or not policy.may(actor, Action.STATION_VIEW, station):
        raise Http404
    return station


def opinions_of_station(*, actor: Any, station: Station, status: str = "") -> QuerySet[ResidentOpinion]:
    """The station's opinions the actor may handle: a delegate sees those addressed to them or to no one."""
    who = Actor.of(actor)
    opinions = station.opinions.select_related("delegate", "forwarded_office")
    if not who.is_staff and not policy.may(who, Action.STATION_MANAGE, station):
        from suggestions.policy.rules_stations import is_station_staff

        if not is_station_staff(who, station):
            opinions = opinions.filter(Q(delegate_id=who.delegate_id) | Q(delegate__isnull=True))
    if status:
        opinions = opinions.filter(status=status)
    return opinions


def opinion_for(*, actor: Any, pk: int) -> ResidentOpinion:
    """One opinion the actor may view, or 404."""
    opinion = (
        ResidentOpinion.objects.select_related("station", "delegate", "forwarded_office", "suggestion")
        .filter(pk=pk)
        .first()
    )
    if opinion is None or not policy.may(actor, Action.OPINION_VIEW, opinion):
        raise Http404
    return opinion


def opinions_for(*, actor: Any) -> QuerySet[ResidentOpinion]:
    """Every opinion the actor may handle or view: staff all; station staff, delegates and forwarded offices theirs."""
    who = Actor.of(actor)
    opinions = ResidentOpinion.objects.select_related("station", "delegate", "forwarded_office")
    if who.is_staff:
        return opinions
    if not who.is_authenticated:
        return opinions.none()
    staffed = Station.staff.through.objects.filter(user_id=who.user.pk).values("station_id")
    attached = StationDelegate.objects.filter(delegate_id=who.delegate_id or 0).values("station_id")
    return opinions.filter(
        Q(station_id__in=staffed)
        | Q(delegate_id=who.delegate_id or 0)
        | Q(station_id__in=attached, delegate__isnull=True)
        | Q(forwarded_office_id__in=list(who.office_ids))
    )


def office_opinions(*, actor: Any) -> QuerySet[ResidentOpinion]:
    """Opinions forwarded to the actor's offices (the office clerk's inbox)."""
    who = Actor.of(actor)
    return (
        ResidentOpinion.objects.filter(forwarded_office_id__in=who.office_ids)
        .select_related("station", "forwarded_office")
        .order_by("status", "answer_due", "pk")
    )


def resident_shown(*, actor: Any, opinion: ResidentOpinion) -> dict[str, str]:
    """The resident's name and number as this actor may see them: in full for the handlers, else masked."""
    if opinion.anonymous:
        return {"name": "匿名", "mobile": ""}
    if policy.may(actor, Action.OPINION_PERSONAL_DATA, opinion):
        return {"name": opinion.resident_name, "mobile": opinion.resident_mobile}
    name = opinion.resident_name
    return {"name": (name[:1] + "*" * (len(name) - 1)) if name else "", "mobile": pii.mask(opinion.resident_mobile)}


def opinion_by_code(*, code: str) -> ResidentOpinion:
    """The opinion with this tracking code (case and spaces ignored), or 404."""
    code = "".join((code or "").split()).upper()
    opinion = (
        ResidentOpinion.objects.select_related("station", "suggestion", "forwarded_office")
        .filter(tracking_code=code)
        .first()
    )
    if opinion is None:
        raise Http404
    return opinion


def public_opinions(*, station: Station) -> QuerySet[ResidentOpinion]:
    """The station's published answered opinions (reviewed public text only)."""
    return (
        station.opinions.filter(published_at__isnull=False, status__in=ResidentOpinion.FINISHED)
        .only("pk", "topic", "public_text", "public_answer", "answered_at", "published_at", "station_id")
        .order_by("-published_at")
    )


def drafts_waiting(*, actor: Any) -> QuerySet[RecordedDraft]:
    """Recorded drafts waiting for this delegate's confirmation."""
    who = Actor.of(actor)
    return RecordedDraft.objects.filter(
        suggestion__lead_delegate_id=who.delegate_id or 0, confirmed_at__isnull=True, suggestion__status="draft"
    ).select_related("suggestion", "discussion", "recorder", "station")


def delegations_for_secretary(*, actor: Any) -> QuerySet[Delegation]:
    """The delegations whose group discussions the actor records as their secretary."""
    if actor.user is None or not actor.is_authenticated:
        return Delegation.objects.none()
    return Delegation.objects.filter(secretary_id=actor.user.pk)


def drafts_recorded_by(*, actor: Any) -> QuerySet[RecordedDraft]:
    """Drafts this person recorded for delegates (with whether each is confirmed)."""
    who = Actor.of(actor)
    if not who.is_authenticated:
        return RecordedDraft.objects.none()
    return (
        RecordedDraft.objects.filter(recorder=who.user)
        .select_related("suggestion__lead_delegate", "discussion__delegation")
        .order_by("-id")
    )


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def _tally(opinions: list[ResidentOpinion], calendar: Any) -> dict[str, Any]:
    first = [
        calendar.workdays_between(o.received_at.date(), o.first_responded_at.date())
        for o in opinions
        if o.first_responded_at
    ]
    answer = [calendar.workdays_between(o.received_at.date(), o.answered_at.date()) for o in opinions if o.answered_at]
    rated = [o for o in opinions if o.rating]
    ok = [o for o in rated if o.rating != ResidentOpinion.Rating.UNSATISFIED]
    return {
        "received": len(opinions),
        "answered": sum(1 for o in opinions if o.answered_at),
        "forwarded": sum(1 for o in opinions if o.forwarded_at),
        "suggested": sum(1 for o in opinions if o.suggestion_id),
        "median_first": _median(first),
        "median_answer": _median(answer),
        "rated": len(rated),
        "satisfied": len(ok),
        "satisfaction": f"{100 * len(ok) / len(rated):.0f}%" if rated else "—",
    }


def station_statistics(*, station: Station | None = None) -> dict[str, list[dict[str, Any]]]:
    """Counts per station and per delegate: received, answered, forwarded, turned into suggestions, medians, satisfaction."""
    opinions = ResidentOpinion.objects.only(
        "station_id",
        "delegate_id",
        "received_at",
        "first_responded_at",
        "answered_at",
        "forwarded_at",
        "suggestion_id",
        "rating",
    )
    if station is not None:
        opinions = opinions.filter(station=station)
    rows = list(opinions)
    calendar = work_calendar()
    stations = {s.pk: s for s in Station.objects.all()}
    per_station = [
        {"station": stations[pk], **_tally([o for o in rows if o.station_id == pk], calendar)}
        for pk in sorted({o.station_id for o in rows}, key=lambda pk: stations[pk].name)
    ]
    memberships = StationDelegate.objects.select_related("delegate", "station")
    per_delegate = []
    for membership in memberships:
        mine = [o for o in rows if o.station_id == membership.station_id and o.delegate_id == membership.delegate_id]
        if mine:
            per_delegate.append(
                {"delegate": membership.delegate, "station": membership.station, **_tally(mine, calendar)}
            )
    return {"stations": per_station, "delegates": per_delegate}
