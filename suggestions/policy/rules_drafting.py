"""Rules of a delegate's suggestion before review: drafting, co-signing (联名), withdrawing, files."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.models import Assignment, CoSigner, Suggestion
from suggestions.policy.actions import Action
from suggestions.policy.base import (
    ALLOWED,
    Decision,
    Rule,
    S,
    cosigners_of,
    first,
    is_drafting,
    is_live,
    lead_delegate,
    may_move,
    not_now,
    refuse,
    status_label,
    transition_refusal,
)


def create(actor: Actor, lead: Any, today: datetime.date) -> Decision:
    """A delegate files their own; staff may file one for a delegate (``lead``: the delegate named, or ``None``)."""
    if lead is None:
        return ALLOWED if actor.delegate is not None else refuse(_("只有人大代表可以提出建议。"))
    if actor.is_staff or actor.delegate_id == lead.pk:
        return ALLOWED
    return refuse(_("您没有权限进行此操作。"))


def edit(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """The lead delegate, while it may (again) be submitted."""
    return first(
        lead_delegate(actor, suggestion),
        lambda: ALLOWED if is_drafting(suggestion) else not_now(_("建议已提交，不能再修改。")),
    )


def submit(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """The lead delegate, once no co-signing invitation waits for an answer."""

    def no_open_invitations() -> Decision:
        names = [c.delegate.name for c in cosigners_of(suggestion) if c.status == CoSigner.Status.INVITED]
        if not names:
            return ALLOWED
        return not_now(
            _("还有联名邀请未答复（%(names)s），请等待确认或撤销邀请后再提交。") % {"names": "、".join(names)}
        )

    return first(lead_delegate(actor, suggestion), lambda: may_move(suggestion, S.SUBMITTED), no_open_invitations)


def withdraw(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """Until it is closed (domain.md), by its lead delegate or by staff who register the delegate's written request.

    While a reply waits for the delegates' rating the delegate is asked to rate it (不满意 opens a new round),
    not offered to withdraw: a withdrawal then goes in writing through staff.
    """
    if not actor.is_staff and not lead_delegate(actor, suggestion):
        return lead_delegate(actor, suggestion)
    if S.WITHDRAWN not in Suggestion.TRANSITIONS.get(suggestion.status, set()):
        return not_now(
            _("建议当前为“%(status)s”，不能撤回。") % {"status": status_label(Suggestion, suggestion.status)}
        )
    if suggestion.status == S.REPLIED and not actor.is_staff:
        return not_now(
            _(
                "承办单位已经答复，请先评价答复：不满意的，请选择“不满意”并写明理由。"
                "如仍要撤回，请向人大工作人员提交书面申请。"
            )
        )
    return ALLOWED


def invite(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """The lead delegate, while drafting."""
    return first(
        lead_delegate(actor, suggestion),
        lambda: ALLOWED if is_drafting(suggestion) else not_now(_("建议提交后不能再邀请联名代表。")),
    )


def drop_cosigner(actor: Actor, cosigner: CoSigner, today: datetime.date) -> Decision:
    """The lead delegate takes back an invitation or a co-signature while drafting."""
    return first(
        lead_delegate(actor, cosigner.suggestion),
        lambda: ALLOWED if is_drafting(cosigner.suggestion) else not_now(_("建议提交后不能再变更联名代表。")),
        lambda: may_move(cosigner, CoSigner.Status.DROPPED),
    )


def respond(actor: Actor, cosigner: CoSigner, today: datetime.date) -> Decision:
    """The invited delegate answers an open invitation, while drafting and before its deadline."""
    if actor.delegate_id is None or actor.delegate_id != cosigner.delegate_id:
        return refuse(_("只有被邀请的代表本人可以答复邀请。"))
    if not is_drafting(cosigner.suggestion):
        return not_now(_("该建议已提交，邀请已结束。"))
    if cosigner.status == CoSigner.Status.INVITED and cosigner.deadline and cosigner.deadline < timezone.now():
        return not_now(_("联名邀请已过确认期限。"))
    if transition_refusal(cosigner, CoSigner.Status.CONFIRMED):  # only an open invitation is answered
        return not_now(
            _("这份联名邀请已经是“%(status)s”，无需再答复。") % {"status": status_label(CoSigner, cosigner.status)}
        )
    return ALLOWED


def attach(actor: Actor, obj: Suggestion | Assignment, today: datetime.date) -> Decision:
    """Staff at any time; the lead delegate while drafting; an office on its live assignment (its own file)."""
    if actor.is_staff:
        return ALLOWED
    if isinstance(obj, Assignment):
        if actor.works_for(obj.office_id) and is_live(obj):
            return ALLOWED
    elif lead_delegate(actor, obj) and is_drafting(obj):
        return ALLOWED
    elif actor.office_ids and any(
        is_live(a) for a in obj.assignments.filter(office_id__in=actor.office_ids)
    ):  # the file becomes that office's own (``actions.attachment_add``)
        return ALLOWED
    return refuse(_("您不能为这件建议上传附件。"))


RULES: dict[Action, Rule] = {
    Action.CREATE: create,
    Action.EDIT: edit,
    Action.SUBMIT: submit,
    Action.WITHDRAW: withdraw,
    Action.INVITE: invite,
    Action.DROP_COSIGNER: drop_cosigner,
    Action.RESPOND: respond,
    Action.ATTACH: attach,
}
