"""Rules of NPC staff: review (立案, 退回, 不予立案, 并案), assignment, key supervision, closing, re-handling,
decisions on an office's requests, confirming a solution, reminders (催办). Staff only, each in its status."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.models import Assignment, AssignmentRequest, FollowUp, Suggestion
from suggestions.policy.actions import Action
from suggestions.policy.base import (
    ALLOWED,
    Decision,
    Rule,
    S,
    first,
    may_move,
    not_now,
    staff,
    staff_only,
    status_label,
)

# A suggestion may receive others (并案) until it is replied.
MERGE_TARGET_STATUSES = (S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.HANDLING)


def staff_moving_to(to_status: str) -> Rule:
    """The rule of a staff action that moves the suggestion to ``to_status`` (its table says when)."""

    def rule(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
        return first(staff(actor), lambda: may_move(suggestion, to_status))

    return rule


def merge_into(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """Staff fold others into a suggestion not yet replied."""
    return first(
        staff(actor),
        lambda: ALLOWED if suggestion.status in MERGE_TARGET_STATUSES else not_now(_("只能并入尚未答复的建议。")),
    )


def set_key(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """Staff mark or unmark a key suggestion until it is closed."""
    return first(
        staff(actor),
        lambda: ALLOWED if not suggestion.is_closed else not_now(_("该建议已结束办理，不能再调整重点督办。")),
    )


def rehandle(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """Staff put offices back to work on a replied suggestion (a new round), or add one to a round open.

    A closed suggestion is reopened only through a differing re-survey (``rules_followup.resurvey_reopen``)."""
    return first(
        staff(actor),
        lambda: (
            ALLOWED
            if suggestion.status == S.REHANDLING
            or (suggestion.status != S.CLOSED and S.REHANDLING in Suggestion.TRANSITIONS.get(suggestion.status, ()))
            else not_now(
                _("建议当前为“%(status)s”，不能重新办理。") % {"status": status_label(Suggestion, suggestion.status)}
            )
        ),
    )


def deciding(kind: str, *, approve: bool = False) -> Rule:
    """The rule of staff's decision on a pending request of ``kind`` (to return, or to extend)."""

    def rule(actor: Actor, request: AssignmentRequest, today: datetime.date) -> Decision:
        def pending() -> Decision:
            if request.kind != kind:
                return not_now(_("申请类型不符。"))
            if request.status != AssignmentRequest.Status.PENDING:
                return not_now(_("该申请已经审核过了。"))
            return ALLOWED

        def answers() -> Decision:
            # A request made before co-offices were refused: only refusal remains.
            if not approve or kind != AssignmentRequest.Kind.EXTENSION or request.assignment.answers_delegate:
                return ALLOWED
            return not_now(_("协办单位不直接答复代表，不能延期，请不同意这项申请。"))

        return first(staff(actor), pending, answers)

    return rule


def confirm_solved(actor: Actor, follow_up: FollowUp, today: datetime.date) -> Decision:
    """Staff confirm or refuse an office's report that a B-class matter is solved."""
    return first(
        staff(actor),
        lambda: (
            ALLOWED
            if follow_up.status == FollowUp.Status.SOLVED_CLAIMED
            else not_now(_("该进展不是待确认的解决报告。"))
        ),
    )


def remind(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """Staff remind an office that still has something to do."""
    return first(
        staff(actor),
        lambda: ALLOWED if assignment.status in Assignment.ACTIVE else not_now(_("该单位当前没有待办事项，无需催办。")),
    )


RULES: dict[Action, Rule] = {
    Action.REGISTER: staff_moving_to(S.REGISTERED),
    Action.RETURN: staff_moving_to(S.RETURNED),
    Action.REJECT: staff_moving_to(S.NOT_REGISTERED),
    Action.MERGE: staff_moving_to(S.MERGED),
    Action.MERGE_INTO: merge_into,
    Action.ASSIGN: staff_moving_to(S.ASSIGNED),
    Action.SET_KEY: set_key,
    Action.CLOSE: staff_moving_to(S.CLOSED),
    Action.REHANDLE: rehandle,
    Action.APPROVE_RETURN: deciding(AssignmentRequest.Kind.RETURN, approve=True),
    Action.REFUSE_RETURN: deciding(AssignmentRequest.Kind.RETURN),
    Action.APPROVE_EXTENSION: deciding(AssignmentRequest.Kind.EXTENSION, approve=True),
    Action.REFUSE_EXTENSION: deciding(AssignmentRequest.Kind.EXTENSION),
    Action.CONFIRM_SOLVED: confirm_solved,
    Action.REMIND: remind,
    # Send an undelivered reminder's delivery again (obj: the delivery row).
    Action.RESEND_REMINDER: staff_only,
    # The staff's pages (review, assignment, tracking, a suggestion's staff page): staff only.
    Action.STAFF_DESK: staff_only,
    # Every reminder delivery, or those of one suggestion: staff only (an office sees its own on its page).
    Action.VIEW_REMINDER_LOG: staff_only,
}
