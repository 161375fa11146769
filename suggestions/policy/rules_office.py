"""Rules of an office at work on its assignment: only its own clerks and head, each step in its status.

The co-handling office (协办) never answers the delegates: it sends its opinion to the lead office, and so
neither replies nor asks for an extension (``answers_delegate``).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.models import Assignment, AssignmentRequest, FollowUp, Reply
from suggestions.policy.actions import Action
from suggestions.policy.base import (
    ALLOWED,
    A,
    Decision,
    Rule,
    first,
    may_move,
    not_now,
    office_of,
    refuse,
    status_label,
    transition_refusal,
)

# An office records contacts once it has signed, and after it answered.
CONTACT_STATUSES = (A.SIGNED, A.REHANDLING, A.REPLIED, A.OPINION_SENT)


def _may_reply_now(assignment: Assignment) -> bool:
    return A.REPLIED in Assignment.TRANSITIONS.get(assignment.status, set())


def sign(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """The office signs for a pending assignment (签收)."""

    def pending() -> Decision:
        if assignment.status == A.PENDING:
            return may_move(assignment, A.SIGNED)
        return not_now(
            transition_refusal(assignment, A.SIGNED)
            or _("当前状态为“%(status)s”，不能签收。") % {"status": status_label(Assignment, assignment.status)}
        )

    return first(office_of(actor, assignment), pending)


def request_return(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """The office asks to give the assignment back, within its return window."""

    def in_time() -> Decision:
        if today <= assignment.return_by:
            return ALLOWED
        return not_now(_("已超过申请退回期限（%(date)s），请与人大工作人员联系。") % {"date": assignment.return_by})

    return first(office_of(actor, assignment), lambda: may_move(assignment, A.RETURN_REQUESTED), in_time)


def set_handler(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """The office's head (or staff) names the clerk who handles it."""
    if actor.heads(assignment.office_id) or actor.is_staff:
        return ALLOWED
    return refuse(_("只有单位负责人可以调整经办人。"))


def contact(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """The office records a contact with the delegates once it has signed."""
    return first(
        office_of(actor, assignment),
        lambda: ALLOWED if assignment.status in CONTACT_STATUSES else not_now(_("请先签收再记录沟通联系情况。")),
    )


def opinion(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """A co-handling office sends its opinion to the lead office, once."""
    return first(
        office_of(actor, assignment),
        lambda: ALLOWED if assignment.role == Assignment.Role.CO else not_now(_("只有协办单位需要提交协办意见。")),
        lambda: may_move(assignment, A.OPINION_SENT),
    )


def reply(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """The lead or a separate office answers the delegates; a co-handling office sends its opinion instead."""

    def answers() -> Decision:
        if assignment.answers_delegate:
            return ALLOWED
        return not_now(_("协办单位不直接答复代表，请提交协办意见。"))

    def now() -> Decision:
        if _may_reply_now(assignment):
            return ALLOWED
        return not_now(_("当前不能答复：%(status)s。") % {"status": assignment.get_status_display()})

    return first(office_of(actor, assignment), answers, now)


def reply_submit(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    """The office sends this round's draft reply (what it must hold first: ``actions.reply_requirements``)."""
    return first(
        office_of(actor, reply.assignment),
        lambda: ALLOWED if reply.status == Reply.Status.DRAFT else not_now(_("本轮答复已提交。")),
    )


def attach_letter(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    """The office adds the signed letter to a reply sent without one."""

    def submitted() -> Decision:
        if reply.status != Reply.Status.SUBMITTED:
            return not_now(_("答复尚未提交，请在答复表单中上传答复函。"))
        if reply.attachment_id is not None:
            return not_now(_("这份答复已有盖章答复函。"))
        return ALLOWED

    return first(office_of(actor, reply.assignment), submitted)


def request_extension(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """Only an office that answers the delegates, while it may reply and before its deadline, one at a time."""

    def answers() -> Decision:
        if assignment.answers_delegate:
            return ALLOWED
        return not_now(
            _("协办单位不直接答复代表，不能申请延期；请在协办意见期限（%(date)s）前把意见送主办单位。")
            % {"date": assignment.opinion_due}
        )

    def handling() -> Decision:
        return ALLOWED if _may_reply_now(assignment) else not_now(_("只有办理中的建议可以申请延期。"))

    def in_time() -> Decision:
        if today <= assignment.effective_due:
            return ALLOWED
        return not_now(_("已超过答复期限，不能再申请延期，请尽快答复。"))

    def none_pending() -> Decision:
        pending = assignment.requests.filter(
            kind=AssignmentRequest.Kind.EXTENSION, status=AssignmentRequest.Status.PENDING
        ).exists()
        return not_now(_("已有延期申请正在审核。")) if pending else ALLOWED

    return first(office_of(actor, assignment), answers, handling, in_time, none_pending)


def follow_up(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    """The office reports progress on a B-class reply (正在解决) until it reports it solved."""

    def b_class() -> Decision:
        if reply.status == Reply.Status.SUBMITTED and reply.result_class and reply.result_class.needs_follow_up:
            return ALLOWED
        return not_now(_("只有正在解决（B类）的答复需要跟踪督办。"))

    def not_claimed() -> Decision:
        claimed = reply.follow_ups.filter(
            status__in=[FollowUp.Status.SOLVED_CLAIMED, FollowUp.Status.SOLVED_CONFIRMED]
        ).exists()
        return not_now(_("已报告解决，正在等待人大工作人员确认。")) if claimed else ALLOWED

    return first(office_of(actor, reply.assignment), b_class, not_claimed)


RULES: dict[Action, Rule] = {
    Action.SIGN: sign,
    Action.REQUEST_RETURN: request_return,
    Action.SET_HANDLER: set_handler,
    Action.CONTACT: contact,
    Action.OPINION: opinion,
    Action.REPLY: reply,
    Action.REPLY_SUBMIT: reply_submit,
    Action.ATTACH_LETTER: attach_letter,
    Action.REQUEST_EXTENSION: request_extension,
    Action.FOLLOW_UP: follow_up,
}
