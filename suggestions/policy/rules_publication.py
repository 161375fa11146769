"""Rules of publication: staff publish a reply with its suggestion, take it back, and review public versions.

What the texts must be first (reviewed, no unmasked personal data, rated) is ``suggestions.publication``'s.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.models import Reply
from suggestions.policy.actions import Action
from suggestions.policy.base import ALLOWED, Decision, Rule, S, first, not_now, staff, staff_only

# A suggestion whose replies may be published.
UNPUBLISHABLE_STATUSES = (S.WITHDRAWN, S.DRAFT, S.SUBMITTED, S.NOT_REGISTERED, S.MERGED)


def publish(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    """Staff publish a submitted reply of a publishable suggestion, the final round's only."""
    from suggestions import publication  # reads queries; imported late so the rule book loads before them

    def publishable() -> Decision:
        if reply.status != Reply.Status.SUBMITTED:
            return not_now(_("答复尚未提交，不能公开。"))
        if reply.suggestion.status in UNPUBLISHABLE_STATUSES:
            return not_now(_("该建议不能公开。"))
        if not reply.is_published and publication.is_superseded(reply, reply.suggestion):
            return not_now(_("这份答复已由后一轮办理的答复取代，只能公开最后一轮的答复。"))
        return ALLOWED

    return first(staff(actor), publishable)


def unpublish(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    """Staff take a public reply off the public pages."""
    return first(staff(actor), lambda: ALLOWED if reply.is_published else not_now(_("这份答复尚未公开。")))


RULES: dict[Action, Rule] = {
    Action.PUBLISH: publish,
    Action.UNPUBLISH: unpublish,
    Action.SAVE_PUBLIC_VERSION: staff_only,
}
