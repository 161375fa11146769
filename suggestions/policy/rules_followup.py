"""Rules of the year's end beside the handling: re-surveys of satisfaction (满意度回访), 回头看 of B answers and
the delegates' letters. Staff do all of it; a delegate reads the letters written to them, nobody else's."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from delegates.models import Delegate, Session
from suggestions.actor import Actor
from suggestions.models import Assignment, Carryover, FollowUp, Reply, Resurvey
from suggestions.policy.actions import Action
from suggestions.policy.base import ALLOWED, Decision, Rule, S, first, not_now, refuse, staff, staff_only, status_label

# The statuses a differing re-survey may reopen: the reply was given and nobody is re-handling it yet.
REOPENABLE = (S.REPLIED, S.CLOSED)


def resurvey_record(actor: Actor, resurvey: Resurvey, today: datetime.date) -> Decision:
    """Staff record what the delegate said, once (a second call is a new re-survey in a new batch)."""
    return first(
        staff(actor),
        lambda: not_now(_("这次回访已经记录过了。")) if resurvey.is_recorded else ALLOWED,
    )


def resurvey_reopen(actor: Actor, resurvey: Resurvey, today: datetime.date) -> Decision:
    """Staff reopen handling where the delegate's answer differs from the online rating, once."""

    def differs() -> Decision:
        if not resurvey.is_recorded:
            return not_now(_("请先记录回访结果。"))
        if not resurvey.differs:
            return not_now(_("回访结果与网上评价一致，无需重新办理。"))
        if resurvey.reopened_round_id is not None:
            return not_now(_("已根据这次回访重新办理。"))
        return ALLOWED

    def reopenable() -> Decision:
        status = resurvey.suggestion.status
        if status in REOPENABLE:
            return ALLOWED
        return not_now(
            _("建议当前为“%(status)s”，不能重新办理。") % {"status": status_label(type(resurvey.suggestion), status)}
        )

    return first(staff(actor), differs, reopenable)


def _b_answer(reply: Reply) -> Decision:
    """An office's own B-class answer (not the reply of a 回头看 round, which belongs to its original)."""
    if (
        reply.status == Reply.Status.SUBMITTED
        and reply.result_class_id is not None
        and reply.result_class.needs_follow_up
        and reply.assignment.followup_round_id is None
    ):
        return ALLOWED
    return not_now(_("只有往届会议的B类答复（列入计划逐步解决）可以回头看。"))


def _not_solved(reply: Reply) -> Decision:
    if reply.follow_ups.filter(status=FollowUp.Status.SOLVED_CONFIRMED).exists():
        return not_now(_("该事项已确认解决。"))
    return ALLOWED


def current_session(congress_id: int | None) -> Session | None:
    """The session whose batch a 回头看 carries answers into: the current one of the congress."""
    if congress_id is None:
        return None
    return Session.objects.filter(is_current=True, congress_id=congress_id).first()


def carry_over(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    """Staff carry a B answer of an earlier session, closed and not yet solved, into the current session once."""

    def closed() -> Decision:
        if reply.suggestion.status == S.CLOSED:
            return ALLOWED
        return not_now(_("该建议尚未办结（仍在评价或办理中），不能转入回头看。"))

    def earlier() -> Decision:
        session = current_session(reply.suggestion.congress_id)
        if session is None or reply.suggestion.session.start_date >= session.start_date:
            return not_now(_("只有往届会议的答复可以转入本次会议回头看。"))
        if Carryover.objects.filter(reply=reply, session=session).exists():
            return not_now(_("该答复已转入本次会议回头看。"))
        return ALLOWED

    def none_open() -> Decision:
        still_open = Assignment.objects.filter(
            suggestion_id=reply.suggestion_id,
            office_id=reply.assignment.office_id,
            followup_round__isnull=False,
            status__in=Assignment.ACTIVE,
        ).exists()
        return not_now(_("上一轮回头看尚未办结。")) if still_open else ALLOWED

    return first(staff(actor), lambda: _b_answer(reply), lambda: _not_solved(reply), closed, earlier, none_open)


def carry_solved(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    """Staff confirm a B answer solved (it leaves the 回头看 list), once."""
    return first(staff(actor), lambda: _b_answer(reply), lambda: _not_solved(reply))


def letter_view(actor: Actor, delegate: Any, today: datetime.date) -> Decision:
    """A delegate reads the letters written to them; staff read and print everyone's."""
    if actor.is_staff:
        return ALLOWED
    if isinstance(delegate, Delegate) and actor.delegate_id == delegate.pk:
        return ALLOWED
    return refuse(_("只有代表本人和人大工作人员可以查看告知函。"))


RULES: dict[Action, Rule] = {
    # Choose suggestions of a session to re-survey (obj: the session, or None for the page).
    Action.RESURVEY_SELECT: staff_only,
    Action.RESURVEY_RECORD: resurvey_record,
    Action.RESURVEY_REOPEN: resurvey_reopen,
    Action.CARRY_OVER: carry_over,
    Action.CARRY_SOLVED: carry_solved,
    Action.LETTER_VIEW: letter_view,
    # Tell every delegate of a session that their letter is ready (obj: the session).
    Action.LETTER_SEND: staff_only,
}
