"""Every write about stations and residents' opinions.

Each action locks its rows, asks the rule book (``suggestions.policy``; residents: ``policy.rules_stations.resident_require``),
writes the change and its ``StationAudit`` row in one transaction, and queues messages with ``on_commit``.
"""

from __future__ import annotations

import datetime
import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from stations.models import (
    OpinionEntry,
    RecordedDraft,
    ResidentOpinion,
    Station,
    StationAudit,
    StationDelegate,
)
from suggestions import pii, policy
from suggestions.actor import Actor
from suggestions.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from suggestions.models import AuditAction, AuditLog, Notification, Office, Suggestion
from suggestions.policy import Action
from suggestions.reporting import worklists
from suggestions.workdays import work_calendar

logger = logging.getLogger(__name__)
OS = ResidentOpinion.Status
MOBILE = re.compile(r"^1[3-9]\d{9}$")
PHOTO_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}

__all__ = ["InvalidInput", "NotPermitted", "TransitionNotAllowed"]


def limit(name: str) -> int:
    """A configurable limit (``settings.STATIONS_LIMITS[name]``) or its default."""
    defaults = {
        "otp_per_mobile_hour": 5,
        "otp_per_address_hour": 20,
        "otp_interval_seconds": 60,
        "otp_minutes": 10,
        "otp_attempts": 5,
        "opinions_per_mobile_day": 5,
        "opinions_per_address_day": 20,
        "photos": 4,
        "photo_bytes": 5 * 1024 * 1024,
        "photo_pixels": 40_000_000,
        "text_chars": 2000,
        "addition_chars": 1000,
        "additions": 10,
    }
    return int(getattr(settings, "STATIONS_LIMITS", {}).get(name, defaults[name]))


# --------------------------------------------------------------------------- helpers


def address_hash(address: str | None) -> str:
    """A keyed hash of a client address: rate limits without keeping the address."""
    return salted_hmac("stations.address", address or "-").hexdigest()


def _audit(*, action: str, actor: Any = None, opinion=None, station=None, suggestion=None, **fields) -> None:
    StationAudit.objects.create(
        action=action,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        opinion=opinion,
        station=station or (opinion.station if opinion is not None else None),
        suggestion=suggestion,
        **fields,
    )


def _text(value: str | None, label: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("请填写%(field)s。") % {"field": label})
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s不能超过%(max)s个字。") % {"field": label, "max": max_length})
    return value


def _lock(opinion: ResidentOpinion) -> ResidentOpinion:
    return ResidentOpinion.objects.select_for_update(of=("self",)).select_related("station").get(pk=opinion.pk)


def _set_status(opinion: ResidentOpinion, to_status: str, *, actor: Any, action: str, note: str = "") -> None:
    refusal = policy.transition_refusal(opinion, to_status)
    if refusal:
        raise TransitionNotAllowed(refusal)
    from_status = opinion.status
    opinion.status = to_status
    opinion.save()
    _audit(action=action, actor=actor, opinion=opinion, from_status=from_status, to_status=to_status, note=note)


def _sms_after_commit(mobile: str, text: str, *, kind: str = "notice", params: dict | None = None) -> None:
    """Send an SMS once the transaction commits; a gateway failure never fails the request.

    ``kind`` and ``params`` pick the registered template and its variables (a one-time code is ``code``).
    """
    if not mobile:
        return

    def send():
        from suggestions.reminders.sms import fit_sms, get_sms_backend  # the path may move: imported late

        try:
            get_sms_backend().send(
                mobile, fit_sms(text), message_id=f"stations-{uuid.uuid4().hex[:12]}", kind=kind, params=params
            )
        except Exception:  # noqa: BLE001 - the resident can still read the page; logged for staff
            logger.warning("Could not send an SMS from stations", exc_info=True)

    transaction.on_commit(send)


def sms_signature_of(station: Station) -> str:
    """The signature of the texts residents of this station get: its congress's (kept by the process: no query)."""
    from suggestions.reminders.texts import sms_signature

    return sms_signature(station.congress_id)


def handlers_of(opinion: ResidentOpinion) -> list:
    """The users who handle ``opinion``: the station's staff and its delegate (or every attached delegate)."""
    users = list(opinion.station.staff.filter(is_active=True))
    if opinion.delegate_id and opinion.delegate.user_id:
        users.append(opinion.delegate.user)
    elif not opinion.delegate_id:
        users += [
            m.delegate.user for m in opinion.station.memberships.select_related("delegate__user") if m.delegate.user_id
        ]
    return users


def notify(users: Iterable, *, title: str, url: str, body: str = "", dedupe: str | None = None) -> None:
    """In-app notifications (``suggestions.models.Notification``), one per user; ``dedupe`` makes it once only."""
    rows = [
        Notification(
            user=user, title=title[:200], body=body, url=url, dedupe_key=f"{dedupe}:{user.pk}"[:200] if dedupe else None
        )
        for user in {u.pk: u for u in users if u is not None}.values()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe))


def _office_users(office_id: int) -> list:
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(office_memberships__office_id=office_id, is_active=True))


def deadlines(*, station: Station, received: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First-response and answer due dates from the station's policy, in working days."""
    calendar = work_calendar()
    return (
        calendar.add_workdays(received, station.first_response_workdays),
        calendar.add_workdays(received, station.answer_workdays),
    )


# --------------------------------------------------------------------------- stations (staff)


@transaction.atomic
def station_save(
    *,
    actor: Any,
    name: str,
    address: str,
    hours: str,
    allow_anonymous: bool = False,
    first_response_workdays: int = 3,
    answer_workdays: int = 15,
    delegates: Sequence = (),
    staff_users: Sequence = (),
    station: Station | None = None,
) -> Station:
    """Create or update a station, its attached delegates and its staff accounts."""
    policy.require(actor, Action.STATION_MANAGE, station)
    name = _text(name, _("名称"), max_length=100)
    address = _text(address, _("地址"), max_length=200)
    hours = _text(hours, _("开放时间"), max_length=200)
    if not 1 <= first_response_workdays <= answer_workdays <= 120:
        raise InvalidInput(_("时限须为1至120个工作日，且首次回应时限不长于答复时限。"))
    congress_id = station.congress_id if station is not None else Actor.of(actor).congress_id
    clash = Station.objects.filter(congress_id=congress_id, name=name).exclude(pk=getattr(station, "pk", None))
    if clash.exists():
        raise InvalidInput(_("已有同名联络站“%(name)s”。") % {"name": name})
    if station is None:
        station = Station(name=name, congress_id=congress_id)
        action = "station_create"
    else:
        station = Station.objects.select_for_update().get(pk=station.pk)
        action = "station_update"
    station.name, station.address, station.hours = name, address, hours
    station.allow_anonymous = allow_anonymous
    station.first_response_workdays, station.answer_workdays = first_response_workdays, answer_workdays
    station.save()
    wanted = {d.pk for d in delegates}
    station.memberships.exclude(delegate_id__in=wanted).delete()
    have = set(station.memberships.values_list("delegate_id", flat=True))
    StationDelegate.objects.bulk_create(StationDelegate(station=station, delegate_id=pk) for pk in wanted - have)
    station.staff.set(staff_users)
    _audit(
        action=action,
        actor=actor,
        station=station,
        data={"delegates": sorted(wanted), "staff": sorted(u.pk for u in staff_users)},
    )
    return station


# --------------------------------------------------------------------------- handling


def _first_response(opinion: ResidentOpinion, now: datetime.datetime) -> None:
    if opinion.first_responded_at is None:
        opinion.first_responded_at = now


def _answer(opinion: ResidentOpinion, *, actor: Any, text: str, action: str) -> None:
    """Record the final answer, tell the resident, and answer the opinions merged into this one."""
    now = timezone.now()
    _first_response(opinion, now)
    opinion.answer, opinion.answered_by, opinion.answered_at = text, actor, now
    _set_status(opinion, OS.ANSWERED, actor=actor, action=action)
    OpinionEntry.objects.create(opinion=opinion, kind=OpinionEntry.Kind.ANSWER, text=text, author=actor)
    _sms_after_commit(
        opinion.resident_mobile,
        _("【%(signature)s】您反映的意见（查询码%(code)s）已答复，请查看并评价。")
        % {"signature": sms_signature_of(opinion.station), "code": opinion.tracking_code},
    )
    for merged in ResidentOpinion.objects.select_for_update().filter(merged_into=opinion):
        OpinionEntry.objects.create(opinion=merged, kind=OpinionEntry.Kind.ANSWER, text=text, author=actor)
        _sms_after_commit(
            merged.resident_mobile,
            _("【%(signature)s】您反映的意见（查询码%(code)s）已合并办理并答复。")
            % {"signature": sms_signature_of(opinion.station), "code": merged.tracking_code},
        )


@transaction.atomic
def opinion_answer(*, opinion: ResidentOpinion, actor: Any, text: str) -> ResidentOpinion:
    """The delegate or station staff answer the opinion directly."""
    opinion = _lock(opinion)
    policy.require(actor, Action.OPINION_ANSWER, opinion)
    _answer(opinion, actor=actor, text=_text(text, _("答复"), max_length=5000), action="opinion_answer")
    return opinion


@transaction.atomic
def opinion_forward(*, opinion: ResidentOpinion, actor: Any, office: Office | None, note: str = "") -> ResidentOpinion:
    """Forward the opinion to an office, which answers it by the opinion's answer deadline."""
    opinion = _lock(opinion)
    policy.require(actor, Action.OPINION_FORWARD, opinion)
    if office is None:
        raise InvalidInput(_("请选择承办单位。"))
    if office.congress_id != opinion.station.congress_id or not office.is_active:
        raise InvalidInput(_("只能转给本联络站所属人大的承办单位。"))
    note = _text(note, _("转办说明"), max_length=1000, required=False)
    now = timezone.now()
    _first_response(opinion, now)
    opinion.forwarded_office, opinion.forwarded_at = office, now
    _set_status(opinion, OS.FORWARDED, actor=actor, action="opinion_forward", note=note)
    OpinionEntry.objects.create(
        opinion=opinion,
        kind=OpinionEntry.Kind.RESPONSE,
        text=_("已转%(office)s办理，答复期限%(due)s。")
        % {"office": office.name, "due": opinion.answer_due.isoformat()},
        author=actor,
    )
    notify(
        _office_users(office.pk),
        title=_("联络站转来群众意见：%(topic)s") % {"topic": opinion.topic[:60]},
        url=opinion.get_absolute_url(),
        body=note,
    )
    return opinion


@transaction.atomic
def opinion_office_answer(*, opinion: ResidentOpinion, actor: Any, text: str) -> ResidentOpinion:
    """The office the opinion was forwarded to answers it."""
    opinion = _lock(opinion)
    policy.require(actor, Action.OPINION_OFFICE_ANSWER, opinion)
    _answer(opinion, actor=actor, text=_text(text, _("答复"), max_length=5000), action="opinion_office_answer")
    notify(
        handlers_of(opinion),
        title=_("承办单位已答复群众意见：%(topic)s") % {"topic": opinion.topic[:60]},
        url=opinion.get_absolute_url(),
    )
    return opinion


@transaction.atomic
def opinion_merge(*, opinion: ResidentOpinion, actor: Any, into: ResidentOpinion | None) -> ResidentOpinion:
    """Merge an opinion into another open one of the same station: its resident gets that one's answer."""
    if into is None:
        raise InvalidInput(_("请选择要并入的意见。"))
    if into.pk == opinion.pk:
        raise InvalidInput(_("不能并入自身。"))
    first, second = sorted([opinion.pk, into.pk])  # one lock order
    locked = {
        o.pk: o
        for o in ResidentOpinion.objects.select_for_update(of=("self",))
        .select_related("station")
        .filter(pk__in=[first, second])
    }
    opinion, into = locked[opinion.pk], locked[into.pk]
    policy.require(actor, Action.OPINION_MERGE, opinion)
    if into.station_id != opinion.station_id or into.status not in ResidentOpinion.OPEN or into.merged_into_id:
        raise InvalidInput(_("只能并入本联络站尚未答复的意见。"))
    _first_response(opinion, timezone.now())
    opinion.merged_into = into
    _set_status(opinion, OS.MERGED, actor=actor, action="opinion_merge", note=into.tracking_code)
    OpinionEntry.objects.create(
        opinion=opinion, kind=OpinionEntry.Kind.RESPONSE, text=_("已与同一事项的其他意见合并办理。"), author=actor
    )
    return opinion


@transaction.atomic
def opinion_suggest(
    *,
    opinions: Sequence[ResidentOpinion],
    actor: Any,
    title: str,
    body: str,
    category: Any,
    delegate: Any = None,
) -> Suggestion:
    """Turn one or more opinions into a draft suggestion of a delegate; the opinions become its source.

    A delegate makes their own draft; station staff name a delegate of the station, whose draft then waits
    for that delegate's confirmation (``RecordedDraft``), the recorder named.
    """
    from delegates.models import Session
    from suggestions.actor import Actor

    if not opinions:
        raise InvalidInput(_("请至少选择一条意见。"))
    locked = list(
        ResidentOpinion.objects.select_for_update(of=("self",))
        .select_related("station")
        .filter(pk__in=sorted(o.pk for o in opinions))
        .order_by("pk")
    )
    for opinion in locked:
        policy.require(actor, Action.OPINION_SUGGEST, opinion)
    stations = {o.station_id for o in locked}
    if len(stations) != 1:
        raise InvalidInput(_("只能把同一联络站的意见合并为一件建议。"))
    title = _text(title, _("标题"), max_length=200)
    body = _text(body, _("内容"), max_length=20000)
    if category is None or category.congress_id != locked[0].station.congress_id:
        raise InvalidInput(_("请选择类别。"))
    who = Actor.of(actor)
    lead = who.delegate if who.delegate is not None and delegate is None else delegate
    if lead is None or not StationDelegate.objects.filter(station_id=stations.pop(), delegate=lead).exists():
        raise InvalidInput(_("请选择本联络站的一位进站代表作为领衔代表。"))
    session = Session.objects.filter(is_current=True, congress_id=lead.congress_id).first()
    if session is None:
        raise InvalidInput(_("尚未设置当前会议，请联系人大工作人员。"))
    suggestion = Suggestion.objects.create(
        session=session, series=Suggestion.Series.RECESS, title=title, body=body, category=category, lead_delegate=lead
    )
    worklists.note(suggestion.pk)  # a draft on the lead's home page
    AuditLog.objects.create(
        suggestion=suggestion,
        actor=actor,
        action=AuditAction.CREATE,
        to_status=Suggestion.Status.DRAFT,
        note=_("由群众意见形成（%(codes)s）") % {"codes": "、".join(o.tracking_code for o in locked)},
    )
    if who.delegate_id != lead.pk:
        RecordedDraft.objects.create(suggestion=suggestion, station=locked[0].station, recorder=actor)
        if lead.user_id:
            notify(
                [lead.user],
                title=_("联络站为您整理了一件建议草稿，请确认：%(title)s") % {"title": title[:60]},
                url="/stations/drafts/",
            )
    now = timezone.now()
    for opinion in locked:
        _first_response(opinion, now)
        opinion.suggestion = suggestion
        _set_status(opinion, OS.SUGGESTED, actor=actor, action="opinion_suggest", note=str(suggestion.pk))
        OpinionEntry.objects.create(
            opinion=opinion,
            kind=OpinionEntry.Kind.RESPONSE,
            text=_("代表已将您的意见整理为代表建议，提交后由人大交有关单位办理。"),
            author=actor,
        )
    return suggestion


# The suggestion's fate the resident hears of: answered, or it ended without an answer.
_SUGGESTION_ENDED = {
    Suggestion.Status.NOT_REGISTERED: _("根据您的意见形成的代表建议未予立案，理由：%(reason)s"),
    Suggestion.Status.WITHDRAWN: _("根据您的意见形成的代表建议已撤回：%(reason)s"),
}


@transaction.atomic
def opinions_follow_suggestions(*, now: datetime.datetime | None = None) -> int:
    """Opinions whose suggestion was answered (or ended) are answered too, and their residents told. Safe to repeat."""
    count = 0
    waiting = (
        ResidentOpinion.objects.select_for_update(of=("self",))
        .select_related("station", "suggestion")
        .filter(status=OS.SUGGESTED)
        .filter(Q(suggestion__first_replied_at__isnull=False) | Q(suggestion__status__in=list(_SUGGESTION_ENDED)))
    )
    for opinion in waiting:
        suggestion = opinion.suggestion
        if suggestion.first_replied_at is not None:
            text = _("根据您的意见形成的代表建议已由承办单位答复；答复公开后可在本页查看。")
        else:
            text = _SUGGESTION_ENDED[suggestion.status] % {"reason": suggestion.status_reason or "—"}
        _answer(opinion, actor=None, text=text, action="opinion_suggestion_answered")
        count += 1
    return count


@transaction.atomic
def opinion_publish(*, opinion: ResidentOpinion, actor: Any, public_text: str, public_answer: str) -> ResidentOpinion:
    """Publish the reviewed, redacted text of an answered opinion on the station's public page."""
    opinion = _lock(opinion)
    policy.require(actor, Action.OPINION_PUBLISH, opinion)
    public_text = _text(public_text, _("公开内容"), max_length=limit("text_chars"))
    public_answer = _text(public_answer, _("公开答复"), max_length=5000)
    for label, value in ((_("公开内容"), public_text), (_("公开答复"), public_answer)):
        spans = pii.find(value)
        if spans:
            raise InvalidInput(
                _("%(field)s中仍有个人信息（%(kinds)s），请删除或打码后再公开。")
                % {"field": label, "kinds": "、".join(sorted({str(s.label) for s in spans}))}
            )
    opinion.public_text, opinion.public_answer, opinion.published_at = public_text, public_answer, timezone.now()
    opinion.save()
    _audit(action="opinion_publish", actor=actor, opinion=opinion)
    return opinion


@transaction.atomic
def opinion_erase_personal_data(*, opinion: ResidentOpinion, actor: Any = None) -> ResidentOpinion:
    """Erase the resident's name, number and photos, leaving the opinion anonymised. Safe to repeat."""
    opinion = _lock(opinion)
    if opinion.personal_data_erased_at:
        return opinion
    for photo in opinion.photos.all():
        transaction.on_commit(lambda f=photo.image.name, s=photo.image.storage: s.delete(f))
    opinion.photos.all().delete()
    opinion.resident_name = opinion.resident_mobile = ""
    opinion.personal_data_erased_at = timezone.now()
    opinion.save()
    _audit(action="opinion_erase_personal_data", actor=actor, opinion=opinion)
    return opinion


def opinions_erase_expired(*, now: datetime.datetime | None = None) -> int:
    """Erase personal data of opinions closed longer than ``STATIONS_RETENTION_DAYS`` ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.STATIONS_RETENTION_DAYS)
    done = 0
    for opinion in ResidentOpinion.objects.filter(
        personal_data_erased_at__isnull=True,
        closed_at__lt=cutoff,
        status__in=[OS.CLOSED, OS.WITHDRAWN, OS.MERGED],
    ).only("pk"):
        opinion_erase_personal_data(opinion=opinion)
        done += 1
    for opinion in ResidentOpinion.objects.filter(
        personal_data_erased_at__isnull=True, status=OS.MERGED, merged_into__closed_at__lt=cutoff
    ).only("pk"):
        opinion_erase_personal_data(opinion=opinion)
        done += 1
    return done
