"""The rule book's part for liaison stations, residents' opinions and recorded drafts (issue 22).

The package merges ``RULES`` into the rule book; pages, actions and the API ask
``policy.may / require / available`` as for everything else. Residents have no account: what a holder of a
tracking code may do now is ``resident_may`` (state only; possession of the code is the permission).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from delegates.models import Delegation
from stations.models import OpinionExtension, RecordedDraft, ResidentOpinion, Station, StationDelegate
from suggestions.actor import Actor
from suggestions.errors import NotPermitted, TransitionNotAllowed
from suggestions.models import Suggestion
from suggestions.policy.actions import Action
from suggestions.policy.base import ALLOWED, STATE, Decision, Rule
from suggestions.policy.base import not_now as _not_now
from suggestions.policy.base import refuse as _no

OS = ResidentOpinion.Status


def is_station_staff(actor: Actor, station: Station | int) -> bool:
    """The actor holds a station staff account (联络员) of this station."""
    station_id = getattr(station, "pk", station)
    if actor.user is None or not actor.is_authenticated:
        return False
    cache = getattr(actor.user, "_station_staff_ids", None)
    if cache is None:
        cache = set(Station.staff.through.objects.filter(user_id=actor.user.pk).values_list("station_id", flat=True))
        actor.user._station_staff_ids = cache
    return station_id in cache


def is_station_delegate(actor: Actor, station: Station | int) -> bool:
    """The actor is a delegate attached to this station."""
    if actor.delegate_id is None:
        return False
    station_id = getattr(station, "pk", station)
    return StationDelegate.objects.filter(station_id=station_id, delegate_id=actor.delegate_id).exists()


def _handler(actor: Actor, opinion: ResidentOpinion) -> Decision:
    """Station staff of the opinion's station, or its delegate (the one addressed, else any attached)."""
    if is_station_staff(actor, opinion.station_id):
        return ALLOWED
    if actor.delegate_id is not None:
        if opinion.delegate_id is not None and opinion.delegate_id == actor.delegate_id:
            return ALLOWED
        if opinion.delegate_id is None and is_station_delegate(actor, opinion.station_id):
            return ALLOWED
    return _no(_("只有该联络站的联络员和代表可以处理这条意见。"))


def _status_in(opinion: ResidentOpinion, statuses: tuple, message: str) -> Decision:
    return ALLOWED if opinion.status in statuses else _not_now(message)


def _station_manage(actor: Actor, obj: Any, today: datetime.date) -> Decision:
    return ALLOWED if actor.is_staff else _no(_("只有人大工作人员可以管理联络站。"))


def _station_view(actor: Actor, station: Station, today: datetime.date) -> Decision:
    if actor.is_staff or is_station_staff(actor, station) or is_station_delegate(actor, station):
        return ALLOWED
    return _no(_("您不是该联络站的工作人员或进站代表。"))


def _opinion_view(actor: Actor, opinion: ResidentOpinion, today: datetime.date) -> Decision:
    if actor.is_staff or _handler(actor, opinion):
        return ALLOWED
    if opinion.forwarded_office_id and actor.works_for(opinion.forwarded_office_id):
        return ALLOWED
    return _no(_("您无权查看这条意见。"))


def _personal_data(actor: Actor, opinion: ResidentOpinion, today: datetime.date) -> Decision:
    return _handler(actor, opinion)


def _forwarded_office(actor: Actor, opinion: ResidentOpinion, message: str) -> Decision:
    if opinion.forwarded_office_id and actor.works_for(opinion.forwarded_office_id):
        return ALLOWED
    return _no(message)


def _office_sign(actor: Actor, opinion: ResidentOpinion, today: datetime.date) -> Decision:
    """The office signs for a forwarded opinion (签收) before it answers, as for an assignment."""
    decision = _forwarded_office(actor, opinion, _("只有转办的承办单位可以签收这条意见。"))
    if not decision:
        return decision
    if opinion.status != OS.FORWARDED:
        return _not_now(_("这条意见已答复或已撤回。"))
    return _not_now(_("这条意见已签收。")) if opinion.office_signed_at else ALLOWED


def _office_answer(actor: Actor, opinion: ResidentOpinion, today: datetime.date) -> Decision:
    decision = _forwarded_office(actor, opinion, _("只有转办的承办单位可以答复这条意见。"))
    if not decision:
        return decision
    if opinion.status != OS.FORWARDED:
        return _not_now(_("这条意见已答复或已撤回。"))
    return ALLOWED if opinion.office_signed_at else _not_now(_("请先签收再答复。"))


def _extension_pending(opinion: ResidentOpinion) -> bool:
    return OpinionExtension.objects.filter(opinion_id=opinion.pk, status=OpinionExtension.Status.PENDING).exists()


def _request_extension(actor: Actor, opinion: ResidentOpinion, today: datetime.date) -> Decision:
    """The office that signed asks for a later answer deadline, before the current one passes, one at a time."""
    decision = _forwarded_office(actor, opinion, _("只有转办的承办单位可以申请延期。"))
    if not decision:
        return decision
    if opinion.status != OS.FORWARDED or not opinion.office_signed_at:
        return _not_now(_("只有已签收、尚未答复的意见可以申请延期。"))
    if today > opinion.effective_answer_due:
        return _not_now(_("已超过答复期限，不能再申请延期，请尽快答复。"))
    return _not_now(_("已有延期申请正在审核。")) if _extension_pending(opinion) else ALLOWED


def _decide_extension(actor: Actor, opinion: ResidentOpinion, today: datetime.date) -> Decision:
    """Who forwarded it decides, as staff do for an assignment: the station's staff or delegate, or NPC staff."""
    if not (actor.is_staff or _handler(actor, opinion)):
        return _no(_("只有该联络站的联络员、代表或人大工作人员可以审核延期申请。"))
    if opinion.status != OS.FORWARDED or not _extension_pending(opinion):
        return _not_now(_("没有待审核的延期申请。"))
    return ALLOWED


def _publish(actor: Actor, opinion: ResidentOpinion, today: datetime.date) -> Decision:
    decision = _handler(actor, opinion)
    if not decision:
        return decision
    return _status_in(opinion, ResidentOpinion.FINISHED, _("只能公开已答复的意见。"))


def secretary_delegation_ids(actor: Actor) -> set[int]:
    """The delegations whose secretary the actor is (one query; none for an anonymous actor)."""
    if actor.user is None or not actor.is_authenticated:
        return set()
    return set(Delegation.objects.filter(secretary_id=actor.user.pk).values_list("pk", flat=True))


def _discussion_record(actor: Actor, delegation: Delegation | None, today: datetime.date) -> Decision:
    """NPC staff record for any delegation; a delegation's secretary for their own delegation only.

    Without a delegation (the page, the offer): whether the actor may record for some delegation.
    """
    if actor.is_staff:
        return ALLOWED
    refusal = _no(_("只有人大工作人员或本代表团秘书可以录入分组审议建议。"))
    if actor.user is None or not actor.is_authenticated:
        return refusal
    if delegation is None:
        return ALLOWED if secretary_delegation_ids(actor) else refusal
    return ALLOWED if delegation.secretary_id == actor.user.pk else refusal


def _draft_edit(actor: Actor, draft: RecordedDraft, today: datetime.date) -> Decision:
    if actor.user is None or draft.recorder_id != actor.user.pk:
        return _no(_("只有录入人可以修改代表确认前的建议。"))
    if draft.confirmed_at or draft.suggestion.status != Suggestion.Status.DRAFT:
        return _not_now(_("代表已确认这件建议，录入人不能再修改。"))
    return ALLOWED


def _draft_confirm(actor: Actor, draft: RecordedDraft, today: datetime.date) -> Decision:
    if actor.delegate_id is None or actor.delegate_id != draft.suggestion.lead_delegate_id:
        return _no(_("只有领衔代表可以确认这件建议。"))
    if draft.confirmed_at or draft.suggestion.status != Suggestion.Status.DRAFT:
        return _not_now(_("这件建议已经确认。"))
    return ALLOWED


def _triage_rule(actor: Actor, opinion: ResidentOpinion, today: datetime.date) -> Decision:
    decision = _handler(actor, opinion)
    if not decision:
        return decision
    return _status_in(
        opinion,
        (OS.RECEIVED,),
        _("这条意见已处理（%(status)s），请刷新页面。") % {"status": opinion.get_status_display()},
    )


RULES: dict[Action, Rule] = {
    Action.STATION_MANAGE: _station_manage,
    Action.STATION_VIEW: _station_view,
    Action.OPINION_VIEW: _opinion_view,
    Action.OPINION_PERSONAL_DATA: _personal_data,
    Action.OPINION_ANSWER: _triage_rule,
    Action.OPINION_FORWARD: _triage_rule,
    Action.OPINION_MERGE: _triage_rule,
    Action.OPINION_SUGGEST: _triage_rule,
    Action.OPINION_OFFICE_SIGN: _office_sign,
    Action.OPINION_OFFICE_ANSWER: _office_answer,
    Action.OPINION_REQUEST_EXTENSION: _request_extension,
    Action.OPINION_DECIDE_EXTENSION: _decide_extension,
    Action.OPINION_PUBLISH: _publish,
    Action.DISCUSSION_RECORD: _discussion_record,
    Action.RECORDED_DRAFT_EDIT: _draft_edit,
    Action.RECORDED_DRAFT_CONFIRM: _draft_confirm,
}

# --------------------------------------------------------------------------- residents (no account)

RESIDENT_ADD = "add"
RESIDENT_RATE = "rate"
RESIDENT_WITHDRAW = "withdraw"


def resident_may(*, action: str, opinion: ResidentOpinion) -> Decision:
    """May the holder of ``opinion``'s tracking code do ``action`` now?"""
    if action in (RESIDENT_ADD, RESIDENT_WITHDRAW):
        return _status_in(opinion, ResidentOpinion.OPEN, _("这条意见已答复或已办结，不能再补充或撤回。"))
    if action == RESIDENT_RATE:
        if opinion.rating:
            return _not_now(_("您已评价过这条意见的答复。"))
        return _status_in(opinion, (OS.ANSWERED,), _("这条意见还没有答复，暂不能评价。"))
    return _no(_("不支持的操作。"))


def resident_require(*, action: str, opinion: ResidentOpinion) -> Decision:
    """``resident_may``, raising ``TransitionNotAllowed`` / ``NotPermitted`` on a refusal."""
    decision = resident_may(action=action, opinion=opinion)
    if not decision:
        raise (TransitionNotAllowed if decision.kind == STATE else NotPermitted)(decision.reason)
    return decision
