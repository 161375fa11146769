"""Rules of the delegates after the reply: who rates it, and when."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.models import CoSigner, Reply
from suggestions.policy.actions import Action
from suggestions.policy.base import ALLOWED, Decision, Rule, S, cosigners_of, not_now, refuse


def rate(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    """The lead delegate and every confirmed co-signer rate each submitted reply of the current round, once."""
    suggestion = reply.suggestion
    delegate_id = actor.delegate_id
    raters = delegate_id is not None and (
        delegate_id == suggestion.lead_delegate_id
        or any(c.delegate_id == delegate_id and c.status == CoSigner.Status.CONFIRMED for c in cosigners_of(suggestion))
    )
    if not raters:
        return refuse(_("只有本建议的领衔代表和联名代表可以评价。"))
    if reply.status != Reply.Status.SUBMITTED:
        return not_now(_("答复尚未提交，不能评价。"))
    if any(r.delegate_id == delegate_id for r in reply.ratings.all()):  # prefetched on the pages
        return not_now(_("您已经评价过这份答复。"))
    if reply.round.followup_session_id is not None:
        # A 回头看 round is rated on its own, whatever the suggestion's own handling did since.
        if suggestion.status in (S.WITHDRAWN, S.MERGED):
            return not_now(_("这一轮答复的评价已经结束。"))
        return ALLOWED
    if reply.round.number != suggestion.current_round or suggestion.status in (S.WITHDRAWN, S.CLOSED):
        return not_now(_("这一轮答复的评价已经结束。"))
    return ALLOWED


RULES: dict[Action, Rule] = {
    Action.RATE: rate,
}
