"""An office at work on a forwarded opinion, as on an assignment: it signs (签收), may ask for a later answer
deadline (申请延期, decided by whoever forwarded it — the station's staff or delegate — or NPC staff), and
answers (``stations.actions.opinion_office_answer``).

Each action locks the opinion, asks the rule book, writes the change and its ``StationAudit`` row in one
transaction, and queues its notifications and messages after commit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.actions import _audit, _lock, _office_users, _text, handlers_of, notify
from stations.models import OpinionEntry, OpinionExtension, ResidentOpinion
from suggestions import policy
from suggestions.errors import InvalidInput
from suggestions.policy import Action
from suggestions.workdays import work_calendar


@transaction.atomic
def opinion_office_sign(*, opinion: ResidentOpinion, actor: Any) -> ResidentOpinion:
    """The office signs for the forwarded opinion (签收); signing twice does nothing."""
    opinion = _lock(opinion)
    decision = policy.may(actor, Action.OPINION_OFFICE_SIGN, opinion)
    if not decision and decision.kind == policy.STATE and opinion.office_signed_at:
        return opinion
    policy.require(actor, Action.OPINION_OFFICE_SIGN, opinion)
    opinion.office_signed_at, opinion.office_signed_by = timezone.now(), actor
    opinion.save(update_fields=["office_signed_at", "office_signed_by"])
    _audit(action="opinion_office_sign", actor=actor, opinion=opinion, data={"office": opinion.forwarded_office_id})
    OpinionEntry.objects.create(
        opinion=opinion,
        kind=OpinionEntry.Kind.RESPONSE,
        text=_("%(office)s已签收，正在办理。") % {"office": opinion.forwarded_office.name},
        author=actor,
    )
    return opinion


def extension_limit(*, opinion: ResidentOpinion) -> datetime.date:
    """The latest date an extension may reach: the answer deadline plus the station's answer period again."""
    return work_calendar().add_workdays(opinion.answer_due, opinion.station.answer_workdays)


@transaction.atomic
def opinion_extension_request(
    *, opinion: ResidentOpinion, actor: Any, reason: str, until: datetime.date | None
) -> OpinionExtension:
    """The office asks for a later answer deadline, before the current one passes."""
    reason = _text(reason, _("延期理由"), max_length=2000)
    opinion = _lock(opinion)
    policy.require(actor, Action.OPINION_REQUEST_EXTENSION, opinion, today=timezone.localdate())
    if until is None or until <= opinion.effective_answer_due:
        raise InvalidInput(
            _("申请延至的日期须晚于当前期限（%(date)s）。") % {"date": opinion.effective_answer_due.isoformat()}
        )
    latest = extension_limit(opinion=opinion)
    if until > latest:
        raise InvalidInput(_("延期最长至%(date)s。") % {"date": latest.isoformat()})
    request = OpinionExtension.objects.create(
        opinion=opinion, office_id=opinion.forwarded_office_id, reason=reason, requested_until=until, requested_by=actor
    )
    _audit(
        action="opinion_extension_request",
        actor=actor,
        opinion=opinion,
        note=reason,
        data={"until": until.isoformat(), "request": request.pk},
    )
    notify(
        handlers_of(opinion),
        title=_("%(office)s申请延期答复群众意见：%(topic)s")
        % {"office": opinion.forwarded_office.name, "topic": opinion.topic[:60]},
        body=reason,
        url=opinion.get_absolute_url(),
    )
    return request


@transaction.atomic
def opinion_extension_decide(
    *, opinion: ResidentOpinion, actor: Any, approve: bool, until: datetime.date | None = None, note: str = ""
) -> OpinionExtension:
    """Approve (until the requested or another date within the limit) or refuse the pending extension."""
    opinion = _lock(opinion)
    policy.require(actor, Action.OPINION_DECIDE_EXTENSION, opinion)
    request = OpinionExtension.objects.select_for_update().get(opinion=opinion, status=OpinionExtension.Status.PENDING)
    note = _text(note, _("审核意见"), max_length=2000, required=not approve)
    previous = opinion.effective_answer_due
    if approve:
        until = until or request.requested_until
        latest = extension_limit(opinion=opinion)
        if until > latest:
            raise InvalidInput(_("延期最长至%(date)s。") % {"date": latest.isoformat()})
        if until <= previous:
            raise InvalidInput(_("延期日期须晚于当前期限（%(date)s）。") % {"date": previous.isoformat()})
        opinion.extended_answer_due = until
        opinion.save(update_fields=["extended_answer_due"])
        OpinionEntry.objects.create(
            opinion=opinion,
            kind=OpinionEntry.Kind.RESPONSE,
            text=_("答复期限延至%(date)s。") % {"date": until.isoformat()},
            author=actor,
        )
    request.status = OpinionExtension.Status.APPROVED if approve else OpinionExtension.Status.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    request.save()
    _audit(
        action="opinion_extension_approve" if approve else "opinion_extension_refuse",
        actor=actor,
        opinion=opinion,
        note=note,
        data={"from": previous.isoformat(), "to": opinion.effective_answer_due.isoformat(), "request": request.pk},
    )
    title = (
        _("延期申请已同意，新期限%(date)s：%(topic)s")
        % {"date": opinion.effective_answer_due.isoformat(), "topic": opinion.topic[:60]}
        if approve
        else _("延期申请未同意：%(topic)s") % {"topic": opinion.topic[:60]}
    )
    notify(_office_users(request.office_id), title=title, body=note, url=opinion.get_absolute_url())
    return request
