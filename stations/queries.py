"""Reads of stations and opinions, scoped per role once here (pages never filter by role themselves)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from delegates.models import Delegation
from stations.models import (
    RecordedDraft,
    ResidentOpinion,
    Station,
    StationDelegate,
    effective_answer_due_expression,
)
from suggestions import pii, policy
from suggestions.actor import Actor
from suggestions.policy import Action
from suggestions.workdays import work_calendar

OS = ResidentOpinion.Status


def stations_for(*, actor: Any) -> QuerySet[Station]:
    """The stations of the actor's congress they work with: every one for its staff, else those they staff
    or are attached to."""
    who = Actor.of(actor)
    if not who.is_authenticated or who.congress_id is None:
        return Station.objects.none()
    stations = Station.objects.filter(congress_id=who.congress_id).annotate(
        open_count=Count("opinions", filter=Q(opinions__status__in=ResidentOpinion.OPEN))
    )
    if who.is_staff:
        return stations
    return stations.filter(Q(staff=who.user) | Q(memberships__delegate_id=who.delegate_id or 0)).distinct()


def station_of_congress(*, actor: Any, pk: int) -> Station:
    """A station of the actor's congress (whatever the actor may do with it), or 404: another congress's
    station is as unknown as a missing one."""
    station = Station.objects.filter(pk=pk, congress_id=Actor.of(actor).congress_id or 0).first()
    if station is None:
        raise Http404
    return station


def station_for(*, actor: Any, pk: int) -> Station:
    """One station the actor may see, or 404."""
    station = Station.objects.filter(pk=pk, congress_id=Actor.of(actor).congress_id or 0).first()
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
        .filter(pk=pk, station__congress_id=Actor.of(actor).congress_id or 0)
        .first()
    )
    if opinion is None or not policy.may(actor, Action.OPINION_VIEW, opinion):
        raise Http404
    return opinion


def opinions_for(*, actor: Any) -> QuerySet[ResidentOpinion]:
    """Every opinion of the actor's congress they may handle or view: staff all; station staff, delegates and
    forwarded offices theirs."""
    who = Actor.of(actor)
    if not who.is_authenticated or who.congress_id is None:
        return ResidentOpinion.objects.none()
    opinions = ResidentOpinion.objects.select_related("station", "delegate", "forwarded_office").filter(
        station__congress_id=who.congress_id
    )
    if who.is_staff:
        return opinions
    staffed = Station.staff.through.objects.filter(user_id=who.user.pk).values("station_id")
    attached = StationDelegate.objects.filter(delegate_id=who.delegate_id or 0).values("station_id")
    return opinions.filter(
        Q(station_id__in=staffed)
        | Q(delegate_id=who.delegate_id or 0)
        | Q(station_id__in=attached, delegate__isnull=True)
        | Q(forwarded_office_id__in=list(who.office_ids))
    )


def office_opinions(*, actor: Any) -> QuerySet[ResidentOpinion]:
    """Opinions forwarded to the actor's offices (the office clerk's inbox), open ones first, by deadline."""
    who = Actor.of(actor)
    return (
        ResidentOpinion.objects.filter(
            forwarded_office_id__in=who.office_ids, station__congress_id=who.congress_id or 0
        )
        .select_related("station", "forwarded_office")
        .annotate(due=effective_answer_due_expression())
        .order_by("status", "due", "pk")
    )


OFFICE_PER_PAGE = 20


def office_opinion_page(*, actor: Any, number: Any = None, open_only: bool = True, calendar: Any = None) -> Page:
    """One page of the opinions forwarded to the actor's offices (the section of the office inbox beside its
    assignments): still to answer, not yet signed first, then by deadline; each with its urgency.

    ``calendar``: the page's ``WorkCalendar`` if it has one; else one is read only when a row needs it."""
    rows = office_opinions(actor=actor)
    if open_only:
        rows = rows.filter(status=OS.FORWARDED).order_by(F("office_signed_at").asc(nulls_first=True), "due", "pk")
    page = Paginator(rows, OFFICE_PER_PAGE).get_page(number)
    page.object_list = list(page.object_list)
    if calendar is None and any(opinion.status == OS.FORWARDED for opinion in page.object_list):
        calendar = work_calendar()
    today = timezone.localdate()
    for opinion in page.object_list:
        opinion.urgency, opinion.days_left = "", None
        if opinion.status == OS.FORWARDED:
            left = calendar.workdays_between(today, opinion.due)
            opinion.days_left, opinion.overdue_days = left, -left
            opinion.urgency = "overdue" if left < 0 else ("soon" if left <= 5 else "")
    return page


def resident_shown(*, actor: Any, opinion: ResidentOpinion) -> dict[str, str]:
    """The resident's name and number as this actor may see them: in full for the handlers, else masked."""
    if opinion.anonymous:
        return {"name": "匿名", "mobile": ""}
    if policy.may(actor, Action.OPINION_PERSONAL_DATA, opinion):
        return {"name": opinion.resident_name, "mobile": opinion.resident_mobile}
    name = opinion.resident_name
    return {"name": (name[:1] + "*" * (len(name) - 1)) if name else "", "mobile": pii.mask(opinion.resident_mobile)}


def code_target(*, code: str) -> tuple[Station, Any]:
    """The active station (and delegate, for a delegate's code) a QR code opens the resident's form for, or 404."""
    station = Station.objects.select_related("congress").filter(code=code, is_active=True).first()
    if station is not None:
        return station, None
    membership = StationDelegate.objects.select_related("station__congress", "delegate").filter(code=code).first()
    if membership is None or not membership.station.is_active:
        raise Http404
    return membership.station, membership.delegate


def opinion_by_code(*, code: str) -> ResidentOpinion:
    """The opinion with this tracking code (case and spaces ignored), or 404."""
    code = "".join((code or "").split()).upper()
    opinion = (
        ResidentOpinion.objects.select_related("station__congress", "suggestion", "forwarded_office")
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
    return Delegation.objects.filter(secretary_id=actor.user.pk, term__congress_id=actor.congress_id or 0)


def drafts_recorded_by(*, actor: Any) -> QuerySet[RecordedDraft]:
    """Drafts this person recorded for delegates (with whether each is confirmed)."""
    who = Actor.of(actor)
    if not who.is_authenticated:
        return RecordedDraft.objects.none()
    return (
        RecordedDraft.objects.filter(recorder=who.user, suggestion__congress_id=who.congress_id or 0)
        .select_related("suggestion__lead_delegate", "discussion__delegation")
        .order_by("-id")
    )


def station_statistics(
    *, station: Station | None = None, congress_id: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Counts per station and per delegate: received, answered, forwarded, turned into suggestions, medians,
    satisfaction; of one station, or of every station of one congress (grouped queries: ``stations.figures``)."""
    from stations.figures import figures

    return figures(station=station, congress_id=congress_id)


def staff_candidates(*, congress_id: int | None) -> QuerySet:
    """The accounts a station of this congress may name as its staff: those holding a role in this congress
    (staff, delegate, office, leader, another station) and those holding none yet; never another congress's
    people, whose names this congress's staff have no reason to see."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    if congress_id is None:
        return users.none()
    here = (
        Q(staff_membership__congress_id=congress_id)
        | Q(delegate_records__congress_id=congress_id)
        | Q(office_memberships__office__congress_id=congress_id)
        | Q(leader__congress_id=congress_id)
        | Q(liaison_stations__congress_id=congress_id)
    )
    nowhere = Q(
        staff_membership__isnull=True,
        delegate_records__isnull=True,
        office_memberships__isnull=True,
        leader__isnull=True,
        liaison_stations__isnull=True,
        is_superuser=False,
    )
    ids = users.filter(here | nowhere).values("pk")
    return users.filter(pk__in=ids).order_by("username")
