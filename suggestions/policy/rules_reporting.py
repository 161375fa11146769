"""Rules of the reports: leaders read the figures, staff read them and export the Excel tables."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.policy.actions import Action
from suggestions.policy.base import ALLOWED, Decision, Rule, refuse, staff_only


def view_reports(actor: Actor, obj: Any, today: datetime.date) -> Decision:
    """Staff and leaders read the statistics and the key suggestions under supervision (obj: None)."""
    if actor.is_staff or actor.is_leader:
        return ALLOWED
    return refuse(_("只有人大工作人员和领导可以查看统计和重点督办情况。"))


RULES: dict[Action, Rule] = {
    Action.VIEW_REPORTS: view_reports,
    # The Excel summary and office tables (obj: None): staff only, leaders read the dashboard.
    Action.EXPORT: staff_only,
}
