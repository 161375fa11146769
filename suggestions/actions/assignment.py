"""Staff put a suggestion to work: assignment (交办) with its deadlines, key supervision (重点督办), their
decisions on an office's requests to return it or to extend its deadline, and reminders (催办)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from delegates.models import Session
from suggestions.actions._base import (
    A,
    Action,
    InvalidInput,
    S,
    atomic_action,
    audit,
    clean_text,
    local_today,
    lock_assignment,
    lock_suggestion,
    policy_for,
    queue_after_commit,
    require,
    same_congress,
    set_assignment_status,
    set_suggestion_status,
)
from suggestions.actions.notifications import delegate_users, notify, notify_leader, office_users
from suggestions.models import Assignment, AssignmentRequest, AuditAction, HandlingRound, Reminder, Suggestion
from suggestions.workdays import work_calendar

if TYPE_CHECKING:
    from suggestions.actions._base import ActorUser
    from suggestions.models import Leader, Office


def assignment_deadlines(*, session: Session, assigned_on: datetime.date) -> dict[str, datetime.date]:
    """The default deadlines of an assignment made on ``assigned_on``: return window, co-office opinion, reply."""
    deadline_policy = policy_for(session)
    cal = work_calendar()
    return {
        "return_by": cal.add_workdays(assigned_on, deadline_policy.return_window_workdays),
        "opinion_due": cal.add_months(assigned_on, deadline_policy.opinion_months),
        "due_date": cal.add_months(assigned_on, deadline_policy.reply_months),
    }


def _max_months(session: Session) -> int:
    """The longest an office may take: the policy's reply months plus its longest extension."""
    deadline_policy = policy_for(session)
    return deadline_policy.reply_months + deadline_policy.extension_max_months


def latest_due_date(*, session: Session, assigned_on: datetime.date) -> datetime.date:
    """The latest reply deadline staff may set: the policy's reply months plus its longest extension."""
    return work_calendar().add_months(assigned_on, _max_months(session))


def _create_assignment(
    *,
    suggestion: Suggestion,
    office: Office,
    role: str,
    actor: ActorUser,
    deadlines: dict[str, datetime.date],
    replaces: Assignment | None = None,
    followup_round: HandlingRound | None = None,
) -> Assignment:
    """One office's new assignment, audited, and the office told (``followup_round``: of a 回头看 round)."""
    assignment = Assignment.objects.create(
        suggestion=suggestion,
        office=office,
        role=role,
        assigned_by=actor,
        return_by=deadlines["return_by"],
        opinion_due=deadlines["opinion_due"] if role == Assignment.Role.CO else None,
        due_date=deadlines["due_date"],
        replaces=replaces,
        followup_round=followup_round,
    )
    audit(
        action=AuditAction.ASSIGN,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        to_status=A.PENDING,
        note=office.name,
        data={"role": role, "due": deadlines["due_date"].isoformat()},
    )
    notify(
        office_users(office.pk),
        title=_("新交办建议：%(title)s（%(role)s）")
        % {"title": suggestion.title, "role": assignment.get_role_display()},
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return assignment


@atomic_action
def suggestion_assign(
    *,
    suggestion: Suggestion,
    actor: ActorUser,
    lead_office: Office | None = None,
    co_offices: Iterable[Office] = (),
    separate_offices: Iterable[Office] = (),
    due_date: datetime.date | None = None,
    opinion_due: datetime.date | None = None,
    return_by: datetime.date | None = None,
    is_key: bool | None = None,
    leader: Leader | None = None,
) -> list[Assignment]:
    """交办 to a lead office and co-handling offices, or to several separate offices."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.ASSIGN, suggestion)
    co_offices, separate_offices = list(co_offices), list(separate_offices)
    if lead_office and separate_offices:
        raise InvalidInput(_("主办/协办与分办不能同时使用。"))
    if not lead_office and not separate_offices:
        raise InvalidInput(_("请选择主办单位，或至少一个分办单位。"))
    if co_offices and not lead_office:
        raise InvalidInput(_("有协办单位时必须指定主办单位。"))
    office_ids = [o.pk for o in ([lead_office] if lead_office else []) + co_offices + separate_offices]
    if len(office_ids) != len(set(office_ids)):
        raise InvalidInput(_("同一单位不能重复交办。"))
    same_congress(suggestion, lead_office, *co_offices, *separate_offices, leader if is_key else None)
    today = local_today()
    deadlines = assignment_deadlines(session=suggestion.session, assigned_on=today)
    if due_date:
        if due_date <= today:
            raise InvalidInput(_("答复期限必须晚于今天。"))
        latest = latest_due_date(session=suggestion.session, assigned_on=today)
        if due_date > latest:
            raise InvalidInput(
                _("答复期限不能晚于%(date)s（交办后最长%(months)s个月，含可批准的延期）。")
                % {"date": latest, "months": _max_months(suggestion.session)}
            )
        deadlines["due_date"] = due_date
    if opinion_due:
        if opinion_due <= today:
            raise InvalidInput(_("协办意见期限必须晚于今天。"))
        deadlines["opinion_due"] = opinion_due
    if return_by:
        if return_by < today:
            raise InvalidInput(_("申请退回截止日期不能早于今天。"))
        deadlines["return_by"] = return_by
    if deadlines["opinion_due"] and deadlines["opinion_due"] > deadlines["due_date"]:
        raise InvalidInput(_("协办意见期限不能晚于答复期限。"))
    previous_leader_id = suggestion.leader_id
    if deadlines["return_by"] > deadlines["due_date"]:
        raise InvalidInput(_("申请退回截止日期不能晚于答复期限。"))
    if is_key is not None:
        suggestion.is_key = is_key
        suggestion.leader = leader if is_key else None
    if suggestion.is_key and suggestion.leader is None:
        raise InvalidInput(_("重点督办建议须指定领衔督办领导。"))
    notify_leader(suggestion, previous_leader_id=previous_leader_id)
    suggestion.current_round = 1
    suggestion.assigned_at = timezone.now()
    HandlingRound.objects.get_or_create(suggestion=suggestion, number=1, defaults={"due_date": deadlines["due_date"]})
    set_suggestion_status(
        suggestion,
        S.ASSIGNED,
        actor=actor,
        action=AuditAction.ASSIGN,
        data={"offices": office_ids, "key": suggestion.is_key},
    )
    assignments = []
    if lead_office:
        assignments.append(
            _create_assignment(
                suggestion=suggestion, office=lead_office, role=Assignment.Role.LEAD, actor=actor, deadlines=deadlines
            )
        )
    for office in co_offices:
        assignments.append(
            _create_assignment(
                suggestion=suggestion, office=office, role=Assignment.Role.CO, actor=actor, deadlines=deadlines
            )
        )
    for office in separate_offices:
        assignments.append(
            _create_assignment(
                suggestion=suggestion, office=office, role=Assignment.Role.SEPARATE, actor=actor, deadlines=deadlines
            )
        )
    notify(
        delegate_users(suggestion),
        title=_("建议“%(title)s”已交办") % {"title": suggestion.title},
        body="、".join(f"{a.office.name}（{a.get_role_display()}）" for a in assignments),
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return assignments


@atomic_action
def suggestion_set_key(
    *, suggestion: Suggestion, actor: ActorUser, is_key: bool, leader: Leader | None = None
) -> Suggestion:
    """Staff mark a suggestion as a key one (with its leading leader) or take the mark off."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.SET_KEY, suggestion)
    if is_key and leader is None:
        raise InvalidInput(_("重点督办建议须指定领衔督办领导。"))
    same_congress(suggestion, leader if is_key else None)
    previous_leader_id = suggestion.leader_id
    suggestion.is_key, suggestion.leader = is_key, (leader if is_key else None)
    suggestion.save()
    notify_leader(suggestion, previous_leader_id=previous_leader_id)
    audit(
        action=AuditAction.SET_KEY,
        actor=actor,
        suggestion=suggestion,
        from_status=suggestion.status,
        to_status=suggestion.status,
        data={"key": is_key, "leader": leader.pk if leader else None},
    )
    return suggestion


def _lock_request(request: AssignmentRequest) -> tuple[Suggestion, Assignment, AssignmentRequest]:
    """Lock the suggestion, the assignment, then the request (whose kind the rule book checks)."""
    request = AssignmentRequest.objects.select_related("assignment").get(pk=request.pk)
    suggestion, assignment = lock_assignment(request.assignment)
    request = AssignmentRequest.objects.select_for_update().get(pk=request.pk)
    request.assignment = assignment
    return suggestion, assignment, request


def _decide(request: AssignmentRequest, status: str, *, actor: ActorUser, note: str) -> None:
    """Record staff's decision on the request."""
    request.status, request.decided_by, request.decided_at = status, actor, timezone.now()
    request.decision_note = note
    request.save()


@atomic_action
def return_request_approve(
    *, request: AssignmentRequest, actor: ActorUser, new_office: Office | None, note: str = ""
) -> Assignment:
    """Approve a return and re-assign the same role to ``new_office``."""
    suggestion, assignment, request = _lock_request(request)
    require(actor, Action.APPROVE_RETURN, request)
    if new_office is None:
        raise InvalidInput(_("请选择改由哪个单位承办。"))
    if new_office.pk == assignment.office_id:
        raise InvalidInput(_("改由的单位不能与原单位相同。"))
    same_congress(suggestion, new_office)
    if suggestion.assignments.filter(office=new_office).exclude(status__in=Assignment.ENDED).exists():
        raise InvalidInput(_("%(office)s已在承办此建议。") % {"office": new_office.name})
    _decide(request, AssignmentRequest.Status.APPROVED, actor=actor, note=note)
    assignment.finished_at = timezone.now()
    set_assignment_status(
        assignment,
        A.RETURNED,
        actor=actor,
        action=AuditAction.RETURN_APPROVED,
        note=note,
        data={"request": request.pk, "new_office": new_office.pk},
    )
    deadlines = assignment_deadlines(session=suggestion.session, assigned_on=local_today())
    new = _create_assignment(
        suggestion=suggestion,
        office=new_office,
        role=assignment.role,
        actor=actor,
        deadlines=deadlines,
        replaces=assignment,
    )
    notify(
        office_users(assignment.office_id),
        title=_("退回申请已同意：%(title)s") % {"title": suggestion.title},
        body=note,
        suggestion=suggestion,
    )
    return new


@atomic_action
def return_request_refuse(*, request: AssignmentRequest, actor: ActorUser, note: str) -> AssignmentRequest:
    """Staff refuse a return: the office works on (signed or pending, as before)."""
    suggestion, assignment, request = _lock_request(request)
    require(actor, Action.REFUSE_RETURN, request)
    note = clean_text(note, _("不同意的理由"), max_length=2000)
    _decide(request, AssignmentRequest.Status.REFUSED, actor=actor, note=note)
    previous = A.SIGNED if assignment.signed_at else A.PENDING
    set_assignment_status(
        assignment, previous, actor=actor, action=AuditAction.RETURN_REFUSED, note=note, data={"request": request.pk}
    )
    notify(
        office_users(assignment.office_id),
        title=_("退回申请未同意：%(title)s") % {"title": suggestion.title},
        body=note,
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return request


def extension_limit(*, assignment: Assignment, suggestion: Suggestion | None = None) -> datetime.date:
    """The latest date an extension may reach: the reply deadline plus the policy's longest extension."""
    suggestion = suggestion or assignment.suggestion
    deadline_policy = policy_for(suggestion.session)
    return work_calendar().add_months(assignment.due_date, deadline_policy.extension_max_months)


@atomic_action
def extension_approve(
    *, request: AssignmentRequest, actor: ActorUser, until: datetime.date | None = None, note: str = ""
) -> Assignment:
    """Staff approve an extension (until the requested or another date within the limit)."""
    suggestion, assignment, request = _lock_request(request)
    require(actor, Action.APPROVE_EXTENSION, request)
    until = until or request.requested_until
    limit = extension_limit(assignment=assignment, suggestion=suggestion)
    if until > limit:
        raise InvalidInput(_("延期最长至%(date)s。") % {"date": limit})
    if until <= assignment.effective_due:
        raise InvalidInput(_("延期日期须晚于当前期限（%(date)s）。") % {"date": assignment.effective_due})
    _decide(request, AssignmentRequest.Status.APPROVED, actor=actor, note=note)
    previous = assignment.effective_due
    assignment.extended_due = until
    assignment.save()
    audit(
        action=AuditAction.EXTENSION_APPROVED,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=note,
        data={"from": previous.isoformat(), "to": until.isoformat(), "request": request.pk},
    )
    notify(
        office_users(assignment.office_id),
        title=_("延期申请已同意，新期限%(date)s：%(title)s") % {"date": until, "title": suggestion.title},
        body=note,
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return assignment


@atomic_action
def extension_refuse(*, request: AssignmentRequest, actor: ActorUser, note: str) -> AssignmentRequest:
    """Staff refuse an extension; the office keeps its deadline."""
    suggestion, assignment, request = _lock_request(request)
    require(actor, Action.REFUSE_EXTENSION, request)
    note = clean_text(note, _("不同意的理由"), max_length=2000)
    _decide(request, AssignmentRequest.Status.REFUSED, actor=actor, note=note)
    audit(
        action=AuditAction.EXTENSION_REFUSED,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=note,
        data={"request": request.pk},
    )
    notify(
        office_users(assignment.office_id),
        title=_("延期申请未同意：%(title)s") % {"title": suggestion.title},
        body=note,
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return request


@atomic_action
def reminder_manual(*, assignment: Assignment, actor: ActorUser, message: str) -> Reminder:
    """催办 by staff: a reminder row now; delivery is queued after commit."""
    suggestion, assignment = lock_assignment(assignment)
    require(actor, Action.REMIND, assignment)
    message = clean_text(message, _("催办内容"), max_length=500)
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.MANUAL,
        stage="manual",
        suggestion=suggestion,
        assignment=assignment,
        office=assignment.office,
        message=message,
        is_urgent=True,
        created_by=actor,
    )
    audit(
        action=AuditAction.REMIND,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=message,
        data={"reminder": reminder.pk},
    )
    queue_after_commit("suggestions.tasks.deliver_reminder", reminder.pk)
    return reminder
