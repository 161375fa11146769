"""What every action shares: locking, the status change with its audit row, input cleaning, after-commit effects.

The lock order is the same everywhere: the suggestion row first, then its assignment, then the row acted on
(a reply, a request, a co-signer), so two people acting on one suggestion queue instead of deadlocking.
"""

from __future__ import annotations

import datetime
import functools
import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huaxi_renda.cache import cache_incr
from huaxi_renda.dbrouter import note_public_change
from suggestions import policy
from suggestions.errors import InvalidInput, NotPermitted, NumberTaken, TransitionNotAllowed, WorkflowError
from suggestions.models import Assignment, AuditAction, AuditLog, DeadlinePolicy, HandlingRound, Suggestion
from suggestions.reporting import worklists

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from delegates.models import Session

    ActorUser = AbstractBaseUser | AnonymousUser

# The refusals are raised from every area module as ``actions.NotPermitted`` etc.
__all__ = [
    "InvalidInput",
    "NotPermitted",
    "NumberTaken",
    "TransitionNotAllowed",
    "WorkflowError",
    "policy_for",
    "queue_after_commit",
]

logger = logging.getLogger(__name__)

S = Suggestion.Status
A = Assignment.Status
Action = policy.Action
require = policy.require  # (actor, action, obj, today=): the rule book's refusal as NotPermitted / TransitionNotAllowed


def atomic_action(fn):
    """An action's transaction: everything it writes, and before it commits the worklist tallies of every
    suggestion it audited (``reporting.worklists``), so the home and inbox counts never lag the rows."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with transaction.atomic(), worklists.kept():
            return fn(*args, **kwargs)

    return wrapper


def check_transition(obj: Any, to_status: str) -> None:
    """The guard under every status change: the model's ``TRANSITIONS`` table (``policy.transition_refusal``)."""
    refusal = policy.transition_refusal(obj, to_status)
    if refusal:
        raise TransitionNotAllowed(refusal)


def same_congress(suggestion: Suggestion, *rows: Any) -> None:
    """Refuse (``InvalidInput``) to link a row of another congress to ``suggestion``: an office, a leader, a
    category, a session, a result class, a delegate or another suggestion must all be the suggestion's
    congress's. ``None`` rows are skipped; a row without a congress of its own (a holiday) passes."""
    for row in rows:
        if row is None:
            continue
        congress_id = getattr(row, "congress_id", None)
        if congress_id is not None and congress_id != suggestion.congress_id:
            raise InvalidInput(_("“%(name)s”不属于本件建议所在的人大。") % {"name": row})


def lock_suggestion(suggestion: Suggestion) -> Suggestion:
    """The suggestion's row, locked until the transaction ends."""
    return Suggestion.objects.select_for_update().get(pk=suggestion.pk)


def lock_assignment(assignment: Assignment) -> tuple[Suggestion, Assignment]:
    """Lock the suggestion first, then the assignment: one lock order everywhere."""
    suggestion = Suggestion.objects.select_for_update().get(pk=assignment.suggestion_id)
    locked = Assignment.objects.select_for_update(of=("self",)).select_related("office").get(pk=assignment.pk)
    return suggestion, locked


def audit(
    *,
    action: AuditAction,
    actor: ActorUser | None,
    suggestion: Suggestion | None = None,
    assignment: Assignment | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict | None = None,
) -> AuditLog:
    """Write one audit row (the actor is left empty for an anonymous or missing user).

    Its suggestion's worklists are refreshed when the action ends (``atomic_action``).
    """
    worklists.note(suggestion.pk if suggestion is not None else getattr(assignment, "suggestion_id", None))
    return AuditLog.objects.create(
        suggestion=suggestion,
        assignment=assignment,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=from_status or "",
        to_status=to_status or "",
        note=note or "",
        data=data or {},
    )


def set_suggestion_status(
    suggestion: Suggestion,
    to_status: str,
    *,
    actor: ActorUser,
    action: AuditAction,
    note: str = "",
    data: dict | None = None,
) -> None:
    """Move the (locked) suggestion to ``to_status`` if its table allows it, and audit the change."""
    check_transition(suggestion, to_status)
    from_status = suggestion.status
    suggestion.status = to_status
    suggestion.save()
    audit(
        action=action,
        actor=actor,
        suggestion=suggestion,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )


def set_assignment_status(
    assignment: Assignment,
    to_status: str,
    *,
    actor: ActorUser,
    action: AuditAction,
    note: str = "",
    data: dict | None = None,
) -> None:
    """Move the (locked) assignment to ``to_status`` if its table allows it, and audit the change."""
    check_transition(assignment, to_status)
    from_status = assignment.status
    assignment.status = to_status
    assignment.save()
    audit(
        action=action,
        actor=actor,
        suggestion=assignment.suggestion,
        assignment=assignment,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )


def clean_text(value: str | None, field_label: str, *, max_length: int | None = None) -> str:
    """``value`` stripped; refused when empty or longer than ``max_length``."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("请填写%(field)s。") % {"field": field_label})
    if max_length and len(value) > max_length:
        raise InvalidInput(_("%(field)s不能超过%(max)s个字。") % {"field": field_label, "max": max_length})
    return value


def policy_for(session: Session) -> DeadlinePolicy:
    """The session's deadline policy (created with its defaults on first use), kept on the session object."""
    deadline_policy = getattr(session, "_policy_cache", None)
    if deadline_policy is None:
        deadline_policy, _created = DeadlinePolicy.objects.get_or_create(session=session)
        session._policy_cache = deadline_policy
    return deadline_policy


def local_today() -> datetime.date:
    """Today in the project's time zone."""
    return timezone.localdate()


def current_round(suggestion: Suggestion) -> HandlingRound:
    """The suggestion's handling round now open."""
    return HandlingRound.objects.get(suggestion=suggestion, number=suggestion.current_round)


def round_of(assignment: Assignment, suggestion: Suggestion) -> HandlingRound:
    """The round an assignment works in now: its 回头看 round, else the suggestion's current round."""
    if assignment.followup_round_id is not None:
        return HandlingRound.objects.get(pk=assignment.followup_round_id)
    return current_round(suggestion)


def queue_after_commit(task_path: str, *args: Any) -> None:
    """Queue a Celery task once the transaction commits; a broker outage never fails the request.

    The database holds everything the task needs, and the periodic scan sends
    whatever could not be queued here.
    """

    def send() -> None:
        from celery import current_app

        try:
            current_app.send_task(task_path, args=args)
        except Exception:  # noqa: BLE001 - the broker may be down; the next scan catches up
            logger.warning("Could not queue %s%r; the next scan will pick it up", task_path, args, exc_info=True)

    transaction.on_commit(send)


def public_changed() -> None:
    """Invalidate cached public pages once the publication change commits."""

    def bump() -> None:
        # First where the primary's WAL stands: no page read from a replica behind it is cached.
        note_public_change()
        # A cache outage must not fail the publication.
        cache_incr("public:version", initial=2, message="Could not bump the public cache version")

    transaction.on_commit(bump)
