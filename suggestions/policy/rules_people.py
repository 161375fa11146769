"""Rules of people and accounts: delegates, offices, their login accounts and the roster import. Staff only."""

from __future__ import annotations

from suggestions.policy.actions import Action
from suggestions.policy.base import Rule, staff_only

RULES: dict[Action, Rule] = {
    # Create or update a delegate or an office (obj: the row, or None for a new one), issue activation links.
    Action.MANAGE_PEOPLE: staff_only,
    # Preview and apply an Excel list of delegates or offices (obj: the kind, "delegates" or "offices").
    Action.ROSTER_IMPORT: staff_only,
}
