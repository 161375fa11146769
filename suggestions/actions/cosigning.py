"""Co-signing (联名) while the lead delegate drafts: invitations, answers, and taking an invitation back."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.actions._base import (
    Action,
    InvalidInput,
    atomic_action,
    audit,
    check_transition,
    lock_suggestion,
    policy_for,
    require,
    same_congress,
)
from suggestions.actions.notifications import notify
from suggestions.actor import Actor
from suggestions.models import AuditAction, CoSigner, Suggestion

if TYPE_CHECKING:
    from delegates.models import Delegate
    from suggestions.actions._base import ActorUser


def _lock_cosigner(cosigner: CoSigner) -> CoSigner:
    """Lock the suggestion, then the co-signer row (the locked suggestion set on it)."""
    suggestion = lock_suggestion(cosigner.suggestion)
    cosigner = CoSigner.objects.select_for_update().get(pk=cosigner.pk)
    cosigner.suggestion = suggestion
    return cosigner


@atomic_action
def cosigner_invite(*, suggestion: Suggestion, actor: ActorUser, delegates: Iterable[Delegate]) -> list[CoSigner]:
    """The lead delegate invites delegates to co-sign a draft (again, after a decline or a drop)."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.INVITE, suggestion)
    deadline_policy = policy_for(suggestion.session)
    deadline = timezone.now() + datetime.timedelta(days=deadline_policy.invitation_days)
    invited = []
    delegates = list(delegates)
    same_congress(suggestion, *delegates)
    for delegate in delegates:
        if delegate.pk == suggestion.lead_delegate_id:
            raise InvalidInput(_("领衔代表不需要邀请自己联名。"))
        cosigner, created = CoSigner.objects.select_for_update().get_or_create(
            suggestion=suggestion, delegate=delegate, defaults={"deadline": deadline}
        )
        if not created:
            if cosigner.status in (CoSigner.Status.INVITED, CoSigner.Status.CONFIRMED):
                continue
            check_transition(cosigner, CoSigner.Status.INVITED)
            cosigner.status = CoSigner.Status.INVITED
            cosigner.invited_at, cosigner.deadline, cosigner.responded_at = timezone.now(), deadline, None
            cosigner.save()
        audit(
            action=AuditAction.COSIGNER_INVITE,
            actor=actor,
            suggestion=suggestion,
            to_status=CoSigner.Status.INVITED,
            note=delegate.name,
            data={"delegate": delegate.pk},
        )
        invited.append(cosigner)
        if delegate.user_id:
            notify(
                [delegate.user],
                title=_("%(lead)s邀请您联名提出建议“%(title)s”")
                % {"lead": suggestion.lead_delegate.name, "title": suggestion.title},
                url=suggestion.get_absolute_url(),
                suggestion=suggestion,
            )
    return invited


@atomic_action
def cosigner_respond(*, cosigner: CoSigner, actor: ActorUser, accept: bool) -> CoSigner:
    """The invited delegate confirms or declines co-signing."""
    cosigner = _lock_cosigner(cosigner)
    suggestion = cosigner.suggestion
    require(actor, Action.RESPOND, cosigner)
    delegate = Actor.of(actor).delegate
    target = CoSigner.Status.CONFIRMED if accept else CoSigner.Status.DECLINED
    check_transition(cosigner, target)
    from_status = cosigner.status
    cosigner.status, cosigner.responded_at = target, timezone.now()
    cosigner.save()
    audit(
        action=AuditAction.COSIGNER_RESPOND,
        actor=actor,
        suggestion=suggestion,
        from_status=from_status,
        to_status=target,
        note=delegate.name,
    )
    if suggestion.lead_delegate.user_id:
        notify(
            [suggestion.lead_delegate.user],
            title=(_("%(name)s已确认联名") if accept else _("%(name)s谢绝联名")) % {"name": delegate.name},
            url=suggestion.get_absolute_url(),
            suggestion=suggestion,
        )
    return cosigner


@atomic_action
def cosigner_drop(*, cosigner: CoSigner, actor: ActorUser) -> CoSigner:
    """The lead delegate takes back an invitation or a co-signature before submitting."""
    cosigner = _lock_cosigner(cosigner)
    require(actor, Action.DROP_COSIGNER, cosigner)
    from_status = cosigner.status
    cosigner.status, cosigner.responded_at = CoSigner.Status.DROPPED, timezone.now()
    cosigner.save()
    audit(
        action=AuditAction.COSIGNER_DROP,
        actor=actor,
        suggestion=cosigner.suggestion,
        from_status=from_status,
        to_status=CoSigner.Status.DROPPED,
        note=cosigner.delegate.name,
    )
    return cosigner
