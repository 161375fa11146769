"""The rule book: who may do what to a suggestion, and when.

``may(actor, action, obj)`` answers one question with a ``Decision`` (truthy when allowed; ``reason`` is the
Chinese message the page and the refusal show). ``available(actor, obj)`` lists every action of ``obj``'s kind
with its decision: pages offer a button or form only when it is allowed. Services call ``require(...)`` with
the row they locked, which raises ``NotPermitted`` (not this person) or ``TransitionNotAllowed`` (not now).
Status conditions are read from the models' ``TRANSITIONS`` tables.

What a service checks beyond this (typed input, the completeness of a reply: ``services.reply_requirements``,
publication blockers: ``suggestions.publication``) is about the content given, not about who acts when.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.errors import NotPermitted, TransitionNotAllowed
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    CoSigner,
    FollowUp,
    Reply,
    Suggestion,
)

S = Suggestion.Status
A = Assignment.Status

# A suggestion may receive others (并案) until it is replied.
MERGE_TARGET_STATUSES = (S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.HANDLING)
# An office records contacts once it has signed, and after it answered.
CONTACT_STATUSES = (A.SIGNED, A.REHANDLING, A.REPLIED, A.OPINION_SENT)
# A suggestion whose replies may be published.
UNPUBLISHABLE_STATUSES = (S.WITHDRAWN, S.DRAFT, S.SUBMITTED, S.NOT_REGISTERED, S.MERGED)


class Action(enum.StrEnum):
    """Every workflow action a service performs."""

    # drafting (delegates)
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    INVITE = "invite"
    DROP_COSIGNER = "drop_cosigner"
    RESPOND = "respond"
    ATTACH = "attach"
    # review and assignment (staff)
    REGISTER = "register"
    RETURN = "return"
    REJECT = "reject"
    MERGE = "merge"  # obj: the suggestion folded into another
    MERGE_INTO = "merge_into"  # obj: the suggestion receiving others
    ASSIGN = "assign"
    SET_KEY = "set_key"
    CLOSE = "close"
    REHANDLE = "rehandle"
    # offices
    SIGN = "sign"
    REQUEST_RETURN = "request_return"
    SET_HANDLER = "set_handler"
    CONTACT = "contact"
    OPINION = "opinion"
    REPLY = "reply"  # save the draft of this round's reply
    REPLY_SUBMIT = "reply_submit"
    ATTACH_LETTER = "attach_letter"
    REQUEST_EXTENSION = "request_extension"
    FOLLOW_UP = "follow_up"
    # staff decisions
    APPROVE_RETURN = "approve_return"
    REFUSE_RETURN = "refuse_return"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    CONFIRM_SOLVED = "confirm_solved"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    SAVE_PUBLIC_VERSION = "save_public_version"
    REMIND = "remind"
    # delegates after the reply
    RATE = "rate"
    # --- personal data (issue 20, 个人信息保护法): who needs a person's full contact or data ---
    REVEAL_CONTACT = "reveal_contact"  # obj: the assignment whose lead delegate's full number is shown
    EXPORT_PERSON = "export_person"  # obj: a Delegate whose own data is downloaded for them
    ANONYMISE_PERSON = "anonymise_person"  # obj: a Delegate whose name and contacts are replaced
    # --- end of personal data ---


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


def _no(reason: str) -> Decision:
    return Decision(False, str(reason), PERMISSION)


def _not_now(reason: str) -> Decision:
    return Decision(False, str(reason), STATE)


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


def _to(obj: Any, to_status: str) -> Decision:
    refusal = transition_refusal(obj, to_status)
    return _not_now(refusal) if refusal else ALLOWED


def _live(assignment: Assignment) -> bool:
    """An assignment that was not returned or withdrawn (it still has somewhere to go)."""
    return bool(Assignment.TRANSITIONS.get(assignment.status))


def _cosigners(suggestion: Suggestion) -> list[CoSigner]:
    """The suggestion's co-signer rows: those a page already loaded (``suggestion.loaded_cosigners``), else a query."""
    loaded = getattr(suggestion, "loaded_cosigners", None)
    if loaded is not None:
        return list(loaded)
    return list(suggestion.cosigners.select_related("delegate"))


def _drafting(suggestion: Suggestion) -> bool:
    """The lead delegate may still change it: it may (again) be submitted."""
    return S.SUBMITTED in Suggestion.TRANSITIONS.get(suggestion.status, set())


# --------------------------------------------------------------------------- who


def _staff(actor: Actor) -> Decision:
    return ALLOWED if actor.is_staff else _no(_("只有人大工作人员可以进行此操作。"))


def _lead(actor: Actor, suggestion: Suggestion) -> Decision:
    if actor.delegate_id is not None and actor.delegate_id == suggestion.lead_delegate_id:
        return ALLOWED
    return _no(_("只有领衔代表可以进行此操作。"))


def _office(actor: Actor, assignment: Assignment) -> Decision:
    if actor.works_for(assignment.office_id):
        return ALLOWED
    return _no(_("只有承办单位“%(office)s”的工作人员可以进行此操作。") % {"office": assignment.office.name})


def _first(*checks: Any) -> Decision:
    """The first refusal of ``checks`` (decisions, or callables returning one, evaluated in order)."""
    for check in checks:
        decision = check() if callable(check) else check
        if not decision:
            return decision
    return ALLOWED


# --------------------------------------------------------------------------- drafting


def _create(actor: Actor, lead_delegate: Any, today: datetime.date) -> Decision:
    if lead_delegate is None:
        return ALLOWED if actor.delegate is not None else _no(_("只有人大代表可以提出建议。"))
    if actor.is_staff or actor.delegate_id == lead_delegate.pk:
        return ALLOWED
    return _no(_("您没有权限进行此操作。"))


def _edit(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    return _first(
        _lead(actor, suggestion),
        lambda: ALLOWED if _drafting(suggestion) else _not_now(_("建议已提交，不能再修改。")),
    )


def _submit(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    def no_open_invitations() -> Decision:
        names = [c.delegate.name for c in _cosigners(suggestion) if c.status == CoSigner.Status.INVITED]
        if not names:
            return ALLOWED
        return _not_now(
            _("还有联名邀请未答复（%(names)s），请等待确认或撤销邀请后再提交。") % {"names": "、".join(names)}
        )

    return _first(_lead(actor, suggestion), lambda: _to(suggestion, S.SUBMITTED), no_open_invitations)


def _withdraw(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """Until it is closed (domain.md), by its lead delegate or by staff who register the delegate's written request.

    While a reply waits for the delegates' rating the delegate is asked to rate it (不满意 opens a new round),
    not offered to withdraw: a withdrawal then goes in writing through staff.
    """
    if not actor.is_staff and not _lead(actor, suggestion):
        return _lead(actor, suggestion)
    if S.WITHDRAWN not in Suggestion.TRANSITIONS.get(suggestion.status, set()):
        return _not_now(
            _("建议当前为“%(status)s”，不能撤回。") % {"status": status_label(Suggestion, suggestion.status)}
        )
    if suggestion.status == S.REPLIED and not actor.is_staff:
        return _not_now(
            _(
                "承办单位已经答复，请先评价答复：不满意的，请选择“不满意”并写明理由。"
                "如仍要撤回，请向人大工作人员提交书面申请。"
            )
        )
    return ALLOWED


def _invite(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    return _first(
        _lead(actor, suggestion),
        lambda: ALLOWED if _drafting(suggestion) else _not_now(_("建议提交后不能再邀请联名代表。")),
    )


def _drop(actor: Actor, cosigner: CoSigner, today: datetime.date) -> Decision:
    return _first(
        _lead(actor, cosigner.suggestion),
        lambda: ALLOWED if _drafting(cosigner.suggestion) else _not_now(_("建议提交后不能再变更联名代表。")),
        lambda: _to(cosigner, CoSigner.Status.DROPPED),
    )


def _respond(actor: Actor, cosigner: CoSigner, today: datetime.date) -> Decision:
    if actor.delegate_id is None or actor.delegate_id != cosigner.delegate_id:
        return _no(_("只有被邀请的代表本人可以答复邀请。"))
    if not _drafting(cosigner.suggestion):
        return _not_now(_("该建议已提交，邀请已结束。"))
    if cosigner.status == CoSigner.Status.INVITED and cosigner.deadline and cosigner.deadline < timezone.now():
        return _not_now(_("联名邀请已过确认期限。"))
    if transition_refusal(cosigner, CoSigner.Status.CONFIRMED):  # only an open invitation is answered
        return _not_now(
            _("这份联名邀请已经是“%(status)s”，无需再答复。") % {"status": status_label(CoSigner, cosigner.status)}
        )
    return ALLOWED


def _attach(actor: Actor, obj: Suggestion | Assignment, today: datetime.date) -> Decision:
    """Staff at any time; the lead delegate while drafting; an office on its live assignment (its own file)."""
    if actor.is_staff:
        return ALLOWED
    if isinstance(obj, Assignment):
        if actor.works_for(obj.office_id) and _live(obj):
            return ALLOWED
    elif _lead(actor, obj) and _drafting(obj):
        return ALLOWED
    elif actor.office_ids and any(
        _live(a) for a in obj.assignments.filter(office_id__in=actor.office_ids)
    ):  # the file becomes that office's own (``services.attachment_add``)
        return ALLOWED
    return _no(_("您不能为这件建议上传附件。"))


# --------------------------------------------------------------------------- review and assignment (staff)


def _staff_to(to_status: str):
    def rule(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
        return _first(_staff(actor), lambda: _to(suggestion, to_status))

    return rule


def _merge_into(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    return _first(
        _staff(actor),
        lambda: ALLOWED if suggestion.status in MERGE_TARGET_STATUSES else _not_now(_("只能并入尚未答复的建议。")),
    )


def _set_key(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    return _first(
        _staff(actor),
        lambda: ALLOWED if not suggestion.is_closed else _not_now(_("该建议已结束办理，不能再调整重点督办。")),
    )


def _rehandle(actor: Actor, suggestion: Suggestion, today: datetime.date) -> Decision:
    """Staff put offices back to work on a replied suggestion (a new round), or add one to a round open."""
    return _first(
        _staff(actor),
        lambda: (
            ALLOWED
            if suggestion.status == S.REHANDLING or S.REHANDLING in Suggestion.TRANSITIONS.get(suggestion.status, ())
            else _not_now(
                _("建议当前为“%(status)s”，不能重新办理。") % {"status": status_label(Suggestion, suggestion.status)}
            )
        ),
    )


def _staff_only(actor: Actor, obj: Any, today: datetime.date) -> Decision:
    return _staff(actor)


# --------------------------------------------------------------------------- offices


def _sign(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    def pending() -> Decision:
        if assignment.status == A.PENDING:
            return _to(assignment, A.SIGNED)
        return _not_now(
            transition_refusal(assignment, A.SIGNED)
            or _("当前状态为“%(status)s”，不能签收。") % {"status": status_label(Assignment, assignment.status)}
        )

    return _first(_office(actor, assignment), pending)


def _request_return(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    def in_time() -> Decision:
        if today <= assignment.return_by:
            return ALLOWED
        return _not_now(_("已超过申请退回期限（%(date)s），请与人大工作人员联系。") % {"date": assignment.return_by})

    return _first(_office(actor, assignment), lambda: _to(assignment, A.RETURN_REQUESTED), in_time)


def _set_handler(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    if actor.heads(assignment.office_id) or actor.is_staff:
        return ALLOWED
    return _no(_("只有单位负责人可以调整经办人。"))


def _contact(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    return _first(
        _office(actor, assignment),
        lambda: ALLOWED if assignment.status in CONTACT_STATUSES else _not_now(_("请先签收再记录沟通联系情况。")),
    )


def _opinion(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    return _first(
        _office(actor, assignment),
        lambda: ALLOWED if assignment.role == Assignment.Role.CO else _not_now(_("只有协办单位需要提交协办意见。")),
        lambda: _to(assignment, A.OPINION_SENT),
    )


def _reply(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """The lead or a separate office answers the delegates; a co-handling office sends its opinion instead."""

    def answers() -> Decision:
        if assignment.answers_delegate:
            return ALLOWED
        return _not_now(_("协办单位不直接答复代表，请提交协办意见。"))

    def may_reply_now() -> Decision:
        if A.REPLIED in Assignment.TRANSITIONS.get(assignment.status, set()):
            return ALLOWED
        return _not_now(_("当前不能答复：%(status)s。") % {"status": assignment.get_status_display()})

    return _first(_office(actor, assignment), answers, may_reply_now)


def _reply_submit(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    return _first(
        _office(actor, reply.assignment),
        lambda: ALLOWED if reply.status == Reply.Status.DRAFT else _not_now(_("本轮答复已提交。")),
    )


def _attach_letter(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    def submitted() -> Decision:
        if reply.status != Reply.Status.SUBMITTED:
            return _not_now(_("答复尚未提交，请在答复表单中上传答复函。"))
        if reply.attachment_id is not None:
            return _not_now(_("这份答复已有盖章答复函。"))
        return ALLOWED

    return _first(_office(actor, reply.assignment), submitted)


def _request_extension(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """Only an office that answers the delegates, while it may reply and before its deadline, one at a time."""

    def answers() -> Decision:
        if assignment.answers_delegate:
            return ALLOWED
        return _not_now(
            _("协办单位不直接答复代表，不能申请延期；请在协办意见期限（%(date)s）前把意见送主办单位。")
            % {"date": assignment.opinion_due}
        )

    def handling() -> Decision:
        if A.REPLIED in Assignment.TRANSITIONS.get(assignment.status, set()):
            return ALLOWED
        return _not_now(_("只有办理中的建议可以申请延期。"))

    def in_time() -> Decision:
        if today <= assignment.effective_due:
            return ALLOWED
        return _not_now(_("已超过答复期限，不能再申请延期，请尽快答复。"))

    def none_pending() -> Decision:
        pending = assignment.requests.filter(
            kind=AssignmentRequest.Kind.EXTENSION, status=AssignmentRequest.Status.PENDING
        ).exists()
        return _not_now(_("已有延期申请正在审核。")) if pending else ALLOWED

    return _first(_office(actor, assignment), answers, handling, in_time, none_pending)


def _follow_up(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    def b_class() -> Decision:
        if reply.status == Reply.Status.SUBMITTED and reply.result_class and reply.result_class.needs_follow_up:
            return ALLOWED
        return _not_now(_("只有正在解决（B类）的答复需要跟踪督办。"))

    def not_claimed() -> Decision:
        claimed = reply.follow_ups.filter(
            status__in=[FollowUp.Status.SOLVED_CLAIMED, FollowUp.Status.SOLVED_CONFIRMED]
        ).exists()
        return _not_now(_("已报告解决，正在等待人大工作人员确认。")) if claimed else ALLOWED

    return _first(_office(actor, reply.assignment), b_class, not_claimed)


# --------------------------------------------------------------------------- staff decisions


def _decide_request(kind: str, approve: bool = False):
    def rule(actor: Actor, request: AssignmentRequest, today: datetime.date) -> Decision:
        def pending() -> Decision:
            if request.kind != kind:
                return _not_now(_("申请类型不符。"))
            if request.status != AssignmentRequest.Status.PENDING:
                return _not_now(_("该申请已经审核过了。"))
            return ALLOWED

        def answers() -> Decision:
            # A request made before co-offices were refused: only refusal remains.
            if not approve or kind != AssignmentRequest.Kind.EXTENSION or request.assignment.answers_delegate:
                return ALLOWED
            return _not_now(_("协办单位不直接答复代表，不能延期，请不同意这项申请。"))

        return _first(_staff(actor), pending, answers)

    return rule


def _confirm_solved(actor: Actor, follow_up: FollowUp, today: datetime.date) -> Decision:
    return _first(
        _staff(actor),
        lambda: (
            ALLOWED
            if follow_up.status == FollowUp.Status.SOLVED_CLAIMED
            else _not_now(_("该进展不是待确认的解决报告。"))
        ),
    )


def _publish(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    from suggestions import publication

    def publishable() -> Decision:
        if reply.status != Reply.Status.SUBMITTED:
            return _not_now(_("答复尚未提交，不能公开。"))
        if reply.suggestion.status in UNPUBLISHABLE_STATUSES:
            return _not_now(_("该建议不能公开。"))
        if not reply.is_published and publication.is_superseded(reply, reply.suggestion):
            return _not_now(_("这份答复已由后一轮办理的答复取代，只能公开最后一轮的答复。"))
        return ALLOWED

    return _first(_staff(actor), publishable)


def _unpublish(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    return _first(_staff(actor), lambda: ALLOWED if reply.is_published else _not_now(_("这份答复尚未公开。")))


def _remind(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    return _first(
        _staff(actor),
        lambda: (
            ALLOWED if assignment.status in Assignment.ACTIVE else _not_now(_("该单位当前没有待办事项，无需催办。"))
        ),
    )


# --------------------------------------------------------------------------- rating


def _rate(actor: Actor, reply: Reply, today: datetime.date) -> Decision:
    """The lead delegate and every confirmed co-signer rate each submitted reply of the current round, once."""
    suggestion = reply.suggestion
    delegate_id = actor.delegate_id
    raters = delegate_id is not None and (
        delegate_id == suggestion.lead_delegate_id
        or any(c.delegate_id == delegate_id and c.status == CoSigner.Status.CONFIRMED for c in _cosigners(suggestion))
    )
    if not raters:
        return _no(_("只有本建议的领衔代表和联名代表可以评价。"))
    if reply.status != Reply.Status.SUBMITTED:
        return _not_now(_("答复尚未提交，不能评价。"))
    if any(r.delegate_id == delegate_id for r in reply.ratings.all()):  # prefetched on the pages
        return _not_now(_("您已经评价过这份答复。"))
    if reply.round.number != suggestion.current_round or suggestion.status in (S.WITHDRAWN, S.CLOSED):
        return _not_now(_("这一轮答复的评价已经结束。"))
    return ALLOWED


# --------------------------------------------------------------------------- personal data (issue 20)


def _reveal_contact(actor: Actor, assignment: Assignment, today: datetime.date) -> Decision:
    """An office handling the suggestion calls its delegate; NPC staff may too. Every reveal is audited."""
    if actor.is_staff:
        return ALLOWED
    if not actor.works_for(assignment.office_id):
        return _no(_("只有承办此建议的单位和人大工作人员可以查看代表的完整联系电话。"))
    return ALLOWED if _live(assignment) else _not_now(_("本单位已不再承办此建议，不能查看代表的完整联系电话。"))


def _export_person(actor: Actor, delegate: Any, today: datetime.date) -> Decision:
    """A delegate downloads their own data; NPC staff export it for a person who asks in writing."""
    if actor.is_staff or (actor.delegate_id is not None and actor.delegate_id == delegate.pk):
        return ALLOWED
    return _no(_("只能导出本人的个人信息。"))


def _anonymise_person(actor: Actor, delegate: Any, today: datetime.date) -> Decision:
    """Only a delegate no longer in office: a serving delegate's contacts are needed for the work itself."""
    if not actor.is_staff:
        return _no(_("只有人大工作人员可以进行此操作。"))
    if delegate.is_active:
        return _not_now(_("该代表仍在任，履职需要其联系方式，不能匿名化。请先将其设为不在任。"))
    return ALLOWED


# --------------------------------------------------------------------------- the table

RULES = {
    Action.CREATE: _create,
    Action.EDIT: _edit,
    Action.SUBMIT: _submit,
    Action.WITHDRAW: _withdraw,
    Action.INVITE: _invite,
    Action.DROP_COSIGNER: _drop,
    Action.RESPOND: _respond,
    Action.ATTACH: _attach,
    Action.REGISTER: _staff_to(S.REGISTERED),
    Action.RETURN: _staff_to(S.RETURNED),
    Action.REJECT: _staff_to(S.NOT_REGISTERED),
    Action.MERGE: _staff_to(S.MERGED),
    Action.MERGE_INTO: _merge_into,
    Action.ASSIGN: _staff_to(S.ASSIGNED),
    Action.SET_KEY: _set_key,
    Action.CLOSE: _staff_to(S.CLOSED),
    Action.REHANDLE: _rehandle,
    Action.SIGN: _sign,
    Action.REQUEST_RETURN: _request_return,
    Action.SET_HANDLER: _set_handler,
    Action.CONTACT: _contact,
    Action.OPINION: _opinion,
    Action.REPLY: _reply,
    Action.REPLY_SUBMIT: _reply_submit,
    Action.ATTACH_LETTER: _attach_letter,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.FOLLOW_UP: _follow_up,
    Action.APPROVE_RETURN: _decide_request(AssignmentRequest.Kind.RETURN, approve=True),
    Action.REFUSE_RETURN: _decide_request(AssignmentRequest.Kind.RETURN),
    Action.APPROVE_EXTENSION: _decide_request(AssignmentRequest.Kind.EXTENSION, approve=True),
    Action.REFUSE_EXTENSION: _decide_request(AssignmentRequest.Kind.EXTENSION),
    Action.CONFIRM_SOLVED: _confirm_solved,
    Action.PUBLISH: _publish,
    Action.UNPUBLISH: _unpublish,
    Action.SAVE_PUBLIC_VERSION: _staff_only,
    Action.REMIND: _remind,
    Action.RATE: _rate,
    # personal data (issue 20)
    Action.REVEAL_CONTACT: _reveal_contact,
    Action.EXPORT_PERSON: _export_person,
    Action.ANONYMISE_PERSON: _anonymise_person,
}

# What ``available`` lists for each kind of object.
ACTIONS_ON = {
    Suggestion: (
        Action.EDIT,
        Action.SUBMIT,
        Action.WITHDRAW,
        Action.INVITE,
        Action.ATTACH,
        Action.REGISTER,
        Action.RETURN,
        Action.REJECT,
        Action.MERGE,
        Action.MERGE_INTO,
        Action.ASSIGN,
        Action.SET_KEY,
        Action.CLOSE,
        Action.REHANDLE,
        Action.SAVE_PUBLIC_VERSION,
    ),
    Assignment: (
        Action.SIGN,
        Action.REQUEST_RETURN,
        Action.SET_HANDLER,
        Action.CONTACT,
        Action.OPINION,
        Action.REPLY,
        Action.REQUEST_EXTENSION,
        Action.ATTACH,
        Action.REMIND,
    ),
    Reply: (
        Action.REPLY_SUBMIT,
        Action.ATTACH_LETTER,
        Action.FOLLOW_UP,
        Action.RATE,
        Action.PUBLISH,
        Action.UNPUBLISH,
        Action.SAVE_PUBLIC_VERSION,
    ),
    CoSigner: (Action.DROP_COSIGNER, Action.RESPOND),
    AssignmentRequest: (
        Action.APPROVE_RETURN,
        Action.REFUSE_RETURN,
        Action.APPROVE_EXTENSION,
        Action.REFUSE_EXTENSION,
    ),
    FollowUp: (Action.CONFIRM_SOLVED,),
}


def may(actor: Any, action: Action | str, obj: Any, *, today: datetime.date | None = None) -> Decision:
    """May ``actor`` (a user or an ``Actor``) do ``action`` to ``obj`` now? Anonymous users may do nothing."""
    who = Actor.of(actor)
    action = Action(action)
    if not who.is_authenticated:
        return _no(_("请先登录。"))
    return RULES[action](who, obj, today or timezone.localdate())


def require(actor: Any, action: Action | str, obj: Any, *, today: datetime.date | None = None) -> Decision:
    """``may``, raising ``NotPermitted`` (not this person) or ``TransitionNotAllowed`` (not now) on a refusal."""
    decision = may(actor, action, obj, today=today)
    if not decision:
        raise (TransitionNotAllowed if decision.kind == STATE else NotPermitted)(decision.reason)
    return decision


def available(actor: Any, obj: Any, *, today: datetime.date | None = None) -> dict[Action, Decision]:
    """Every action on ``obj``'s kind with ``actor``'s decision now (allowed ones are truthy)."""
    who = Actor.of(actor)
    today = today or timezone.localdate()
    return {action: may(who, action, obj, today=today) for action in ACTIONS_ON[type(obj)]}


def allowed(actor: Any, obj: Any, *, today: datetime.date | None = None) -> set[str]:
    """The names of the actions ``actor`` may do on ``obj`` now (for templates: ``"reply" in allowed``)."""
    return {str(action) for action, decision in available(actor, obj, today=today).items() if decision}
