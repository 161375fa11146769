"""Files: a delegate's files of a draft, an office's reply letter and opinion file, staff's files at any time.

Uploads reach here already checked (type by content, size: ``suggestions.uploads``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from suggestions import policy
from suggestions.actions._base import Action, NotPermitted, atomic_action, audit, lock_suggestion, require
from suggestions.actor import Actor
from suggestions.models import Assignment, Attachment, AuditAction, Suggestion

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from suggestions.actions._base import ActorUser

    Upload = tuple[UploadedFile, str]  # the file and the content type ``uploads.check_upload`` recognised


@atomic_action
def attachment_add(
    *,
    suggestion: Suggestion,
    actor: ActorUser,
    uploaded_file: UploadedFile,
    content_type: str,
    assignment: Assignment | None = None,
) -> Attachment:
    """Store an already validated upload (see ``suggestions.uploads``) against a suggestion.

    The lead delegate adds files while drafting; an office working on the suggestion adds its reply letter or
    opinion file (``assignment``: the file is that office's until it is sent); staff may add files at any time.
    """
    suggestion = lock_suggestion(suggestion)
    if assignment is not None and assignment.suggestion_id != suggestion.pk:
        raise NotPermitted(_("您不能为这件建议上传附件。"))
    office_ids = Actor.of(actor).office_ids
    if assignment is None and office_ids and not policy.may(actor, Action.EDIT, suggestion):
        # An office's upload is always the office's own file, never one every reader may download.
        assignment = (
            suggestion.assignments.filter(office_id__in=office_ids).exclude(status__in=Assignment.ENDED).first()
        )
    require(actor, Action.ATTACH, assignment if assignment is not None else suggestion)
    attachment = Attachment(
        suggestion=suggestion,
        kind=Attachment.Kind.LETTER if assignment is not None else Attachment.Kind.SUGGESTION,
        office_id=assignment.office_id if assignment is not None else None,
        original_name=uploaded_file.name[:200],
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=actor,
    )
    attachment.file.save(uploaded_file.name, uploaded_file, save=False)
    attachment.save()
    audit(
        action=AuditAction.OFFICE_ATTACH if assignment is not None else AuditAction.ATTACH,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        note=attachment.original_name,
        data={"attachment": attachment.pk},
    )
    return attachment


def make_office_file(attachment: Attachment, assignment: Assignment, kind: str) -> None:
    """An upload becomes this office's reply letter or opinion file; another office's file is refused."""
    if attachment.suggestion_id != assignment.suggestion_id or attachment.office_id != assignment.office_id:
        raise NotPermitted(_("附件不属于本单位。"))
    attachment.kind, attachment.office_id = kind, assignment.office_id
    attachment.save(update_fields=["kind", "office"])


def add_file(
    *, suggestion: Suggestion, actor: ActorUser, upload: Upload | None, assignment: Assignment | None = None
) -> Attachment | None:
    """``attachment_add`` for a form's optional file: ``upload`` is ``(uploaded_file, content_type)`` or ``None``."""
    if not upload:
        return None
    uploaded_file, content_type = upload
    return attachment_add(
        suggestion=suggestion,
        actor=actor,
        uploaded_file=uploaded_file,
        content_type=content_type,
        assignment=assignment,
    )
