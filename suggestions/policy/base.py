"""The words the rules are written in: a ``Decision``, refusals of the two kinds, and who is who on an object."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.models import Assignment, CoSigner, Suggestion

S = Suggestion.Status
A = Assignment.Status

PERMISSION = "permission"  # not this person: NotPermitted
STATE = "state"  # not now: TransitionNotAllowed


@dataclass(frozen=True)
class Decision:
    """Allowed or not, and why not (the Chinese message shown to the user)."""

    allowed: bool
    reason: str = ""
    kind: str = ""  # PERMISSION or STATE when refused

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)

# A rule: may ``actor`` do its action to ``obj`` on ``today``?
Rule = Callable[[Actor, Any, datetime.date], Decision]


def refuse(reason: str) -> Decision:
    """Not this person (``NotPermitted``)."""
    return Decision(False, str(reason), PERMISSION)


def not_now(reason: str) -> Decision:
    """Not in this status or at this date (``TransitionNotAllowed``)."""
    return Decision(False, str(reason), STATE)


def first(*checks: Decision | Callable[[], Decision]) -> Decision:
    """The first refusal of ``checks`` (decisions, or callables returning one, evaluated in order)."""
    for check in checks:
        decision = check() if callable(check) else check
        if not decision:
            return decision
    return ALLOWED


def status_label(model: type, value: str) -> str:
    """The display label of a status value of ``model``."""
    try:
        return str(model.Status(value).label)
    except ValueError:
        return value


def transition_refusal(obj: Any, to_status: str) -> str | None:
    """Why ``obj`` may not move to ``to_status`` by its model's ``TRANSITIONS`` table, or ``None``."""
    if to_status in obj.TRANSITIONS.get(obj.status, set()):
        return None
    return _("当前状态为“%(current)s”，不能变更为“%(target)s”。可能已被他人处理，请刷新页面。") % {
        "current": status_label(type(obj), obj.status),
        "target": status_label(type(obj), to_status),
    }


def may_move(obj: Any, to_status: str) -> Decision:
    """Allowed when ``obj``'s ``TRANSITIONS`` table lets it move to ``to_status``."""
    refusal = transition_refusal(obj, to_status)
    return not_now(refusal) if refusal else ALLOWED


def is_live(assignment: Assignment) -> bool:
    """An assignment that was not returned or withdrawn (it still has somewhere to go)."""
    return bool(Assignment.TRANSITIONS.get(assignment.status))


def is_drafting(suggestion: Suggestion) -> bool:
    """The lead delegate may still change it: it may (again) be submitted."""
    return S.SUBMITTED in Suggestion.TRANSITIONS.get(suggestion.status, set())


def cosigners_of(suggestion: Suggestion) -> list[CoSigner]:
    """The suggestion's co-signer rows: those a page already loaded (``suggestion.loaded_cosigners``), else a query."""
    loaded = getattr(suggestion, "loaded_cosigners", None)
    if loaded is not None:
        return list(loaded)
    return list(suggestion.cosigners.select_related("delegate"))


# --------------------------------------------------------------------------- who


def staff(actor: Actor) -> Decision:
    """NPC staff (a superuser counts as staff)."""
    return ALLOWED if actor.is_staff else refuse(_("只有人大工作人员可以进行此操作。"))


def lead_delegate(actor: Actor, suggestion: Suggestion) -> Decision:
    """The suggestion's lead delegate."""
    if actor.delegate_id is not None and actor.delegate_id == suggestion.lead_delegate_id:
        return ALLOWED
    return refuse(_("只有领衔代表可以进行此操作。"))


def office_of(actor: Actor, assignment: Assignment) -> Decision:
    """A clerk or the head of the assignment's office."""
    if actor.works_for(assignment.office_id):
        return ALLOWED
    return refuse(_("只有承办单位“%(office)s”的工作人员可以进行此操作。") % {"office": assignment.office.name})


def staff_only(actor: Actor, obj: Any, today: datetime.date) -> Decision:
    """The rule of an action only staff take, at any time."""
    return staff(actor)
