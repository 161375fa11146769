"""Rules between the levels of congresses: passing a suggestion up (转交), reading the congresses below,
creating them and their first staff accounts.

``policy.may`` has already refused every object of another congress (``scope``). A ``Congress`` belongs to none,
so the rules here decide it themselves, by ancestry: a congress is below another when its parent chain reaches
it. Reading below is read-only: no other action is ever allowed on a lower congress's rows.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from congresses.models import Congress, congress_by_id
from suggestions.actor import Actor
from suggestions.models import CoSigner, Suggestion, Transfer
from suggestions.policy.actions import Action
from suggestions.policy.base import ALLOWED, Decision, Rule, cosigners_of, first, may_move, refuse, staff

# A township congress has none below it.
LEVELS_WITH_LOWER = (Congress.Level.PROVINCE, Congress.Level.CITY, Congress.Level.COUNTY)


def is_below(congress: Congress | None, ancestor_id: int | None) -> bool:
    """True when ``congress``'s parent chain reaches ``ancestor_id`` (itself excluded)."""
    seen = set()
    parent_id = congress.parent_id if congress is not None else None
    while parent_id is not None and parent_id not in seen and ancestor_id is not None:
        if parent_id == ancestor_id:
            return True
        seen.add(parent_id)
        parent = congress_by_id(parent_id)
        parent_id = parent.parent_id if parent is not None else None
    return False


def _may_have_lower(actor: Actor) -> Decision:
    congress = actor.congress
    if congress is not None and congress.level in LEVELS_WITH_LOWER:
        return ALLOWED
    return refuse(_("本人大没有下级人大。"))


def _above(actor: Actor, congress: Any) -> Decision:
    if isinstance(congress, Congress) and is_below(congress, actor.congress_id):
        return ALLOWED
    return refuse(_("只能查看和管理本人大的下级人大。"))


def transfer(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """Staff of the suggestion's congress pass it to the congress above while it is under review or registered
    (before any office of theirs works on it)."""

    def has_parent() -> Decision:
        congress = congress_by_id(suggestion.congress_id)
        if congress is not None and congress.parent_id is not None:
            return ALLOWED
        return refuse(_("本人大没有上级人大，不能转交。"))

    return first(staff(actor), has_parent, lambda: may_move(suggestion, Suggestion.Status.TRANSFERRED))


def view_transfer(actor: Actor, transfer: Transfer, today: datetime.date) -> Decision:
    """Where a transferred suggestion went and its status there: the staff who passed it and its delegates."""
    if actor.is_staff:
        return ALLOWED
    original = transfer.suggestion
    if actor.delegate_id is not None and (
        actor.delegate_id == original.lead_delegate_id
        or any(
            c.delegate_id == actor.delegate_id and c.status == CoSigner.Status.CONFIRMED for c in cosigners_of(original)
        )
    ):
        return ALLOWED
    return refuse(_("只有该建议的代表和人大工作人员可以查看转交去向。"))


def view_lower_congresses(actor: Actor, congress: Congress | None, today: datetime.date) -> Decision:
    """Staff of a congress with congresses below read their figures and suggestions (obj: None, or the lower
    congress read)."""
    if congress is None:
        return first(staff(actor), lambda: _may_have_lower(actor))
    return first(staff(actor), lambda: _above(actor, congress))


def manage_congresses(actor: Actor, congress: Congress | None, today: datetime.date) -> Decision:
    """A superuser, or staff of a congress with congresses below, create congresses below theirs and their first
    staff accounts (obj: None for one directly below, or the lower congress managed)."""
    if actor.is_admin:
        return ALLOWED
    return view_lower_congresses(actor, congress, today)


RULES: dict[Action, Rule] = {
    Action.TRANSFER: transfer,
    Action.VIEW_TRANSFER: view_transfer,
    Action.VIEW_LOWER_CONGRESSES: view_lower_congresses,
    Action.MANAGE_CONGRESSES: manage_congresses,
}
