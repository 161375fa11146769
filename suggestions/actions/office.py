"""An office at work on its assignment: signing for it (签收), its handler, asking to return it or for more time,
recording contacts with the delegates, and a co-handling office's opinion (协办意见). Replies: ``replies``."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions import policy
from suggestions.actions._base import (
    A,
    Action,
    InvalidInput,
    S,
    atomic_action,
    audit,
    clean_text,
    current_round,
    local_today,
    lock_assignment,
    require,
    same_congress,
    set_assignment_status,
    set_suggestion_status,
)
from suggestions.actions.assignment import extension_limit
from suggestions.actions.attachments import add_file, make_office_file
from suggestions.actions.notifications import notify, office_users, staff_users
from suggestions.actor import Actor
from suggestions.models import Assignment, AssignmentRequest, Attachment, AuditAction, ContactRecord, Opinion

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from suggestions.actions._base import ActorUser
    from suggestions.actions.attachments import Upload
    from suggestions.models import Office


@atomic_action
def assignment_sign(*, assignment: Assignment, actor: ActorUser) -> Assignment:
    """The office signs for its assignment (签收); signing twice does nothing."""
    suggestion, assignment = lock_assignment(assignment)
    decision = policy.may(actor, Action.SIGN, assignment)
    if not decision and decision.kind == policy.STATE and assignment.status == A.SIGNED:
        return assignment  # signing twice does nothing
    require(actor, Action.SIGN, assignment)
    assignment.signed_at, assignment.signed_by = timezone.now(), actor
    assignment.handler = assignment.handler or actor
    set_assignment_status(assignment, A.SIGNED, actor=actor, action=AuditAction.SIGN)
    if suggestion.status == S.ASSIGNED:
        set_suggestion_status(suggestion, S.HANDLING, actor=actor, action=AuditAction.HANDLING_STARTED)
    return assignment


@atomic_action
def assignment_set_handler(*, assignment: Assignment, actor: ActorUser, handler: AbstractBaseUser) -> Assignment:
    """An office head gives an assignment to one of the office's clerks."""
    suggestion, assignment = lock_assignment(assignment)
    require(actor, Action.SET_HANDLER, assignment)
    if not Actor.of(handler).works_for(assignment.office_id):
        raise InvalidInput(_("经办人必须是本单位工作人员。"))
    previous = assignment.handler
    assignment.handler = handler
    assignment.save()
    audit(
        action=AuditAction.SET_HANDLER,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=handler.get_full_name() or handler.username,
        data={"from": previous.pk if previous else None, "to": handler.pk},
    )
    notify(
        [handler],
        title=_("您被指定为建议“%(title)s”的经办人") % {"title": suggestion.title},
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return assignment


@atomic_action
def assignment_request_return(
    *, assignment: Assignment, actor: ActorUser, reason: str, suggested_office: Office | None = None
) -> AssignmentRequest:
    """The office asks staff to take the assignment back (within the return window)."""
    reason = clean_text(reason, _("申请退回理由"), max_length=2000)
    suggestion, assignment = lock_assignment(assignment)
    require(actor, Action.REQUEST_RETURN, assignment, today=local_today())
    if suggested_office is not None and suggested_office.pk == assignment.office_id:
        raise InvalidInput(_("建议改由的单位不能是本单位。"))
    same_congress(suggestion, suggested_office)
    request = AssignmentRequest.objects.create(
        assignment=assignment,
        kind=AssignmentRequest.Kind.RETURN,
        reason=reason,
        suggested_office=suggested_office,
        requested_by=actor,
    )
    set_assignment_status(
        assignment,
        A.RETURN_REQUESTED,
        actor=actor,
        action=AuditAction.REQUEST_RETURN,
        note=reason,
        data={"previous": assignment.status, "request": request.pk},
    )
    notify(
        staff_users(suggestion.congress_id),
        title=_("%(office)s申请退回建议“%(title)s”") % {"office": assignment.office.name, "title": suggestion.title},
        body=reason,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return request


def contact_date_bounds(*, assignment: Assignment) -> tuple[datetime.date, datetime.date]:
    """The first and last day a contact may be dated: from the day of assignment to today."""
    return timezone.localdate(assignment.assigned_at), local_today()


@atomic_action
def contact_record(
    *,
    assignment: Assignment,
    actor: ActorUser,
    method: str,
    date: datetime.date | None,
    participants: str,
    summary: str,
    delegate_invited: bool = False,
) -> ContactRecord:
    """The office records a contact with the delegates (dated from the assignment to today)."""
    suggestion, assignment = lock_assignment(assignment)
    require(actor, Action.CONTACT, assignment)
    if method not in ContactRecord.Method.values:
        raise InvalidInput(_("请选择沟通方式。"))
    earliest, latest = contact_date_bounds(assignment=assignment)
    if date is None or date > latest:
        raise InvalidInput(_("沟通日期不能晚于今天。"))
    if date < earliest:
        raise InvalidInput(_("沟通日期不能早于交办日期（%(date)s）。") % {"date": earliest})
    record = ContactRecord.objects.create(
        assignment=assignment,
        method=method,
        date=date,
        participants=clean_text(participants, _("参加人员"), max_length=300),
        summary=clean_text(summary, _("沟通情况"), max_length=5000),
        delegate_invited=delegate_invited,
        recorded_by=actor,
    )
    audit(
        action=AuditAction.CONTACT,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=record.get_method_display(),
        data={"contact": record.pk, "date": date.isoformat()},
    )
    return record


@atomic_action
def opinion_send(
    *, assignment: Assignment, actor: ActorUser, text: str, attachment: Attachment | None = None
) -> Opinion:
    """A co-handling office sends its opinion to the lead office."""
    suggestion, assignment = lock_assignment(assignment)
    require(actor, Action.OPINION, assignment)
    if attachment is not None:
        make_office_file(attachment, assignment, Attachment.Kind.OPINION)
    opinion = Opinion.objects.create(
        assignment=assignment,
        round=current_round(suggestion),
        text=clean_text(text, _("协办意见"), max_length=20000),
        attachment=attachment,
        author=actor,
        sent_at=timezone.now(),
    )
    assignment.finished_at = timezone.now()
    set_assignment_status(
        assignment, A.OPINION_SENT, actor=actor, action=AuditAction.OPINION, data={"opinion": opinion.pk}
    )
    lead = suggestion.assignments.filter(role=Assignment.Role.LEAD).exclude(status__in=Assignment.ENDED).first()
    if lead:
        notify(
            office_users(lead.office_id),
            title=_("%(office)s已提交协办意见：%(title)s")
            % {"office": assignment.office.name, "title": suggestion.title},
            url=lead.get_absolute_url(),
            suggestion=suggestion,
        )
    return opinion


@atomic_action
def extension_request(
    *, assignment: Assignment, actor: ActorUser, reason: str, until: datetime.date | None
) -> AssignmentRequest:
    """An office answering the delegates asks for a later deadline, before the current one passes."""
    reason = clean_text(reason, _("延期理由"), max_length=2000)
    suggestion, assignment = lock_assignment(assignment)
    require(actor, Action.REQUEST_EXTENSION, assignment, today=local_today())
    if until is None or until <= assignment.effective_due:
        raise InvalidInput(_("申请延至的日期须晚于当前期限（%(date)s）。") % {"date": assignment.effective_due})
    limit = extension_limit(assignment=assignment, suggestion=suggestion)
    if until > limit:
        raise InvalidInput(_("延期最长至%(date)s。") % {"date": limit})
    request = AssignmentRequest.objects.create(
        assignment=assignment,
        kind=AssignmentRequest.Kind.EXTENSION,
        reason=reason,
        requested_until=until,
        requested_by=actor,
    )
    audit(
        action=AuditAction.REQUEST_EXTENSION,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=reason,
        data={"until": until.isoformat(), "request": request.pk},
    )
    notify(
        staff_users(suggestion.congress_id),
        title=_("%(office)s申请延期答复“%(title)s”") % {"office": assignment.office.name, "title": suggestion.title},
        body=reason,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return request


@atomic_action
def opinion_send_with_file(
    *, assignment: Assignment, actor: ActorUser, text: str, upload: Upload | None = None
) -> Opinion:
    """A co-office's opinion (``opinion_send``) with its optional file: both are written, or neither."""
    attachment = add_file(suggestion=assignment.suggestion, actor=actor, upload=upload, assignment=assignment)
    return opinion_send(assignment=assignment, actor=actor, text=text, attachment=attachment)
