"""An office's reply to the delegates: what it needs first, its draft with the signed letter, sending it,
and a letter added to a reply sent before letters were required."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from security import integrity
from suggestions.actions._base import (
    A,
    Action,
    InvalidInput,
    S,
    TransitionNotAllowed,
    atomic_action,
    audit,
    current_round,
    lock_assignment,
    policy_for,
    require,
    round_of,
    same_congress,
    set_assignment_status,
    set_suggestion_status,
)
from suggestions.actions.attachments import add_file, make_office_file
from suggestions.actions.notifications import delegate_users, notify
from suggestions.models import Assignment, Attachment, AuditAction, Reply, ResultClass, Suggestion

if TYPE_CHECKING:
    from suggestions.actions._base import ActorUser
    from suggestions.actions.attachments import Upload


def reply_requirements(
    *, assignment: Assignment, suggestion: Suggestion | None = None, reply: Reply | None = None
) -> list[str]:
    """What must be done before this assignment may reply; a list of Chinese messages (empty when ready).

    ``reply`` is this round's draft (looked up when not given): its signed letter is one of the requirements.
    """
    suggestion = suggestion or Suggestion.objects.get(pk=assignment.suggestion_id)
    missing = []
    if assignment.status not in (A.SIGNED, A.REHANDLING):
        missing.append(_("请先签收。"))
    contacts = list(assignment.contacts.all())
    if suggestion.current_round > 1 and not assignment.is_followup:  # a 回头看 assignment has its round alone
        round_opened = current_round(suggestion).opened_at
        contacts = [c for c in contacts if c.recorded_at >= round_opened]
    if not contacts:
        missing.append(_("答复前须与代表沟通联系，并记录沟通情况。"))
    elif suggestion.is_key and not any(c.delegate_invited and c.is_face_to_face for c in contacts):
        missing.append(_("重点督办建议须邀请代表当面参与（走访、座谈或现场察看），并记录。"))
    if assignment.answers_delegate and policy_for(suggestion.session).reply_letter_required:
        if reply is None:
            replies = Reply.objects.filter(assignment=assignment)
            if assignment.is_followup:
                reply = replies.filter(round_id=assignment.followup_round_id).first()
            else:
                reply = replies.filter(round__number=suggestion.current_round).first()
        if reply is None or reply.attachment_id is None:
            missing.append(_("请上传已签发盖章的答复函（PDF或图片）。"))
    return missing


@atomic_action
def reply_save_draft(
    *,
    assignment: Assignment,
    actor: ActorUser,
    text: str,
    result_class: ResultClass | None = None,
    signed_off_by: str = "",
    attachment: Attachment | None = None,
) -> Reply:
    """The office saves this round's reply as a draft (with its signed letter, when given)."""
    suggestion, assignment = lock_assignment(assignment)
    require(actor, Action.REPLY, assignment)
    same_congress(suggestion, result_class)
    round_ = round_of(assignment, suggestion)
    reply, _created = Reply.objects.select_for_update().get_or_create(
        assignment=assignment,
        round=round_,
        defaults={"suggestion": suggestion, "text": "", "author": actor},
    )
    if reply.status != Reply.Status.DRAFT:  # the guard under the rule: a sent reply is never edited again
        raise TransitionNotAllowed(_("本轮答复已提交。"))
    reply.text = (text or "").strip()
    reply.result_class = result_class
    reply.signed_off_by = (signed_off_by or "").strip()[:50]
    if attachment is not None:
        make_office_file(attachment, assignment, Attachment.Kind.LETTER)
        reply.attachment = attachment
    reply.save()
    return reply


@atomic_action
def reply_submit(*, reply: Reply, actor: ActorUser) -> Reply:
    """The office sends its reply to the delegates once ``reply_requirements`` are met."""
    suggestion, assignment = lock_assignment(reply.assignment)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    reply.assignment = assignment
    require(actor, Action.REPLY_SUBMIT, reply)
    missing = reply_requirements(assignment=assignment, suggestion=suggestion, reply=reply)
    if not reply.text.strip():
        missing.append(_("请填写答复内容。"))
    if reply.result_class_id is None:
        missing.append(_("请选择办理结果分类。"))
    if not reply.signed_off_by:
        missing.append(_("请填写签发人（单位负责人）。"))
    if missing:
        raise InvalidInput(" ".join(missing))
    now = timezone.now()
    reply.status, reply.submitted_at = Reply.Status.SUBMITTED, now
    reply.on_time = timezone.localdate(now) <= assignment.effective_due
    reply.save()
    integrity.seal(reply)  # the reply as sent carries its SM3-HMAC
    assignment.finished_at = now
    set_assignment_status(
        assignment,
        A.REPLIED,
        actor=actor,
        action=AuditAction.REPLY,
        data={"reply": reply.pk, "result": reply.result_class.code, "on_time": reply.on_time},
    )
    suggestion.first_replied_at = suggestion.first_replied_at or now
    still_open = suggestion.assignments.filter(
        role__in=[Assignment.Role.LEAD, Assignment.Role.SEPARATE],
        status__in=Assignment.ACTIVE,
        followup_round__isnull=True,
    ).exists()
    if assignment.is_followup:
        suggestion.save()  # a 回头看 round leaves the suggestion's own handling (and its status) as it was
    elif not still_open:
        set_suggestion_status(suggestion, S.REPLIED, actor=actor, action=AuditAction.REPLIED)
    else:
        suggestion.save()
    notify(
        delegate_users(suggestion),
        title=_("%(office)s已答复您的建议“%(title)s”，请评价")
        % {"office": assignment.office.name, "title": suggestion.title},
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return reply


@atomic_action
def reply_attach_letter(*, reply: Reply, actor: ActorUser, attachment: Attachment | None) -> Reply:
    """Attach the signed letter to a submitted reply that has none (sent before the letter was required)."""
    suggestion, assignment = lock_assignment(reply.assignment)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    reply.assignment = assignment
    require(actor, Action.ATTACH_LETTER, reply)
    if attachment is None or attachment.suggestion_id != suggestion.pk:
        raise InvalidInput(_("请选择已签发盖章的答复函（PDF或图片）。"))
    reply.attachment = attachment
    reply.save()
    integrity.seal(reply)  # the letter is part of the reply as sent
    audit(
        action=AuditAction.ATTACH,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=_("补传盖章答复函：%(name)s") % {"name": attachment.original_name},
        data={"reply": reply.pk, "attachment": attachment.pk},
    )
    return reply


@atomic_action
def reply_save_draft_with_letter(
    *,
    assignment: Assignment,
    actor: ActorUser,
    text: str,
    result_class: ResultClass | None = None,
    signed_off_by: str = "",
    letter: Upload | None = None,
) -> Reply:
    """Save the reply draft (``reply_save_draft``) with its optional signed letter: both are written, or neither."""
    attachment = add_file(suggestion=assignment.suggestion, actor=actor, upload=letter, assignment=assignment)
    return reply_save_draft(
        assignment=assignment,
        actor=actor,
        text=text,
        result_class=result_class,
        signed_off_by=signed_off_by,
        attachment=attachment,
    )


@atomic_action
def reply_attach_uploaded_letter(*, reply: Reply, actor: ActorUser, letter: Upload | None) -> Reply:
    """补传: store the signed letter and attach it to the submitted ``reply``: both are written, or neither."""
    assignment = reply.assignment
    attachment = add_file(suggestion=assignment.suggestion, actor=actor, upload=letter, assignment=assignment)
    return reply_attach_letter(reply=reply, actor=actor, attachment=attachment)
