"""A delegate's suggestion before review: the draft, its files, submitting it, and withdrawing it at any time."""

from __future__ import annotations

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
    lock_suggestion,
    public_changed,
    require,
    same_congress,
    set_assignment_status,
    set_suggestion_status,
)
from suggestions.actions.attachments import add_file
from suggestions.actions.notifications import notify, office_users, staff_users
from suggestions.actor import Actor
from suggestions.models import Assignment, AuditAction, Suggestion

if TYPE_CHECKING:
    from delegates.models import Delegate
    from suggestions.actions._base import ActorUser
    from suggestions.actions.attachments import Upload
    from suggestions.models import Category


@atomic_action
def suggestion_save_draft(
    *,
    actor: ActorUser,
    title: str,
    body: str,
    category: Category | None,
    session: Session | None = None,
    series: str | None = None,
    suggestion: Suggestion | None = None,
    lead_delegate: Delegate | None = None,
) -> Suggestion:
    """Create a draft, or update a draft or a suggestion returned for revision."""
    title = clean_text(title, _("标题"), max_length=200)
    body = clean_text(body, _("内容"), max_length=20000)
    if category is None:
        raise InvalidInput(_("请选择类别。"))
    if suggestion is None:
        require(actor, Action.CREATE, lead_delegate)
        delegate = lead_delegate or Actor.of(actor).delegate
        congress_id = delegate.congress_id if delegate is not None else Actor.of(actor).congress_id
        session = session or Session.objects.filter(is_current=True, congress_id=congress_id).first()
        if session is None:
            raise InvalidInput(_("尚未设置当前会议，请联系人大工作人员。"))
        if session.congress_id != congress_id or category.congress_id != congress_id:
            raise InvalidInput(_("会议和类别须属于领衔代表所在的人大。"))
        suggestion = Suggestion.objects.create(
            session=session,
            series=series or Suggestion.Series.SESSION,
            title=title,
            body=body,
            category=category,
            lead_delegate=delegate,
        )
        audit(action=AuditAction.CREATE, actor=actor, suggestion=suggestion, to_status=S.DRAFT)
        return suggestion
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.EDIT, suggestion)
    same_congress(suggestion, category, session)
    changed = suggestion.title != title or suggestion.body != body or suggestion.category_id != category.pk
    suggestion.title, suggestion.body, suggestion.category = title, body, category
    if series:
        suggestion.series = series
    if session:
        suggestion.session = session
    suggestion.save()
    if changed:
        audit(
            action=AuditAction.EDIT,
            actor=actor,
            suggestion=suggestion,
            from_status=suggestion.status,
            to_status=suggestion.status,
        )
    return suggestion


@atomic_action
def suggestion_save_draft_with_files(
    *,
    actor: ActorUser,
    title: str,
    body: str,
    category: Category | None,
    series: str | None = None,
    suggestion: Suggestion | None = None,
    uploads: Iterable[Upload] = (),
) -> Suggestion:
    """Save a draft (``suggestion_save_draft``) and add its new files: both are written, or neither."""
    saved = suggestion_save_draft(
        actor=actor, title=title, body=body, category=category, series=series, suggestion=suggestion
    )
    for upload in uploads:
        add_file(suggestion=saved, actor=actor, upload=upload)
    return saved


@atomic_action
def suggestion_submit(*, suggestion: Suggestion, actor: ActorUser) -> Suggestion:
    """The lead delegate submits the draft (or the revised suggestion) for review."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.SUBMIT, suggestion)
    from_status = suggestion.status
    suggestion.submitted_at = timezone.now()
    suggestion.status_reason = ""
    set_suggestion_status(
        suggestion, S.SUBMITTED, actor=actor, action=AuditAction.SUBMIT, data={"resubmitted": from_status == S.RETURNED}
    )
    notify(
        staff_users(suggestion.congress_id),
        title=_("新建议待审查：%(title)s") % {"title": suggestion.title},
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return suggestion


@atomic_action
def suggestion_withdraw(*, suggestion: Suggestion, actor: ActorUser, reason: str) -> Suggestion:
    """The lead delegate, or staff on the delegate's written request, withdraw the suggestion."""
    reason = clean_text(reason, _("撤回理由"), max_length=2000)
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.WITHDRAW, suggestion)
    suggestion.status_reason = reason
    suggestion.closed_at = timezone.now()
    set_suggestion_status(suggestion, S.WITHDRAWN, actor=actor, action=AuditAction.WITHDRAW, note=reason)
    if suggestion.is_published:  # a withdrawn suggestion leaves the public pages at once
        public_changed()
    for assignment in suggestion.assignments.select_for_update().exclude(status__in=Assignment.ENDED):
        if A.WITHDRAWN in Assignment.TRANSITIONS[assignment.status]:
            set_assignment_status(assignment, A.WITHDRAWN, actor=actor, action=AuditAction.WITHDRAW, note=reason)
            notify(
                office_users(assignment.office_id),
                title=_("建议已撤回：%(title)s") % {"title": suggestion.title},
                body=reason,
                suggestion=suggestion,
            )
    return suggestion
