"""Rules of people and accounts: delegates, offices, their login accounts, the roster import, personal data."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.models import Assignment
from suggestions.policy.actions import Action
from suggestions.policy.base import ALLOWED, Decision, Rule, is_live, not_now, refuse, staff_only


def reveal_contact(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """An office handling the suggestion calls its delegate; NPC staff may too. Every reveal is audited."""
    if actor.is_staff:
        return ALLOWED
    if not actor.works_for(assignment.office_id):
        return refuse(_("只有承办此建议的单位和人大工作人员可以查看代表的完整联系电话。"))
    return ALLOWED if is_live(assignment) else not_now(_("本单位已不再承办此建议，不能查看代表的完整联系电话。"))


def export_person(actor: Actor, delegate: Any, today: datetime.date) -> Decision:
    """A delegate downloads their own data; NPC staff export it for a person who asks in writing."""
    if actor.is_staff or (actor.delegate_id is not None and actor.delegate_id == delegate.pk):
        return ALLOWED
    return refuse(_("只能导出本人的个人信息。"))


def anonymise_person(actor: Actor, delegate: Any, today: datetime.date) -> Decision:
    """Only a delegate no longer in office: a serving delegate's contacts are needed for the work itself."""
    if not actor.is_staff:
        return refuse(_("只有人大工作人员可以进行此操作。"))
    if delegate.is_active:
        return not_now(_("该代表仍在任，履职需要其联系方式，不能匿名化。请先将其设为不在任。"))
    return ALLOWED


RULES: dict[Action, Rule] = {
    # Create or update a delegate or an office (obj: the row, or None for a new one), issue activation links.
    Action.MANAGE_PEOPLE: staff_only,
    # Preview and apply an Excel list of delegates or offices (obj: the kind, "delegates" or "offices").
    Action.ROSTER_IMPORT: staff_only,
    # Personal data (个人信息保护法): a full number shown, a person's data exported or anonymised.
    Action.REVEAL_CONTACT: reveal_contact,
    Action.EXPORT_PERSON: export_person,
    Action.ANONYMISE_PERSON: anonymise_person,
}
