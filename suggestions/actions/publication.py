"""Publication: staff review the public versions of a suggestion and its reply, publish and take back.

What must be true first (reviewed versions, no unmasked personal data, the final round, the rating) is read
by ``suggestions.publication``; who may, by the rule book.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions import pii, policy, publication
from suggestions.actions._base import (
    Action,
    InvalidInput,
    TransitionNotAllowed,
    atomic_action,
    audit,
    clean_text,
    lock_suggestion,
    public_changed,
    require,
)
from suggestions.models import Assignment, AuditAction, Reply, Suggestion

if TYPE_CHECKING:
    from suggestions.actions._base import ActorUser


def _record_not_personal(
    suggestion: Suggestion,
    actor: ActorUser,
    texts: Iterable[str],
    not_personal: Iterable[str],
    note: str,
    assignment: Assignment | None = None,
) -> None:
    """Staff decided that flagged spans are not personal (e.g. a hotline): kept on the suggestion, audited."""
    flagged = {span.text for text in texts for span in pii.find(text)}
    new = [v for v in dict.fromkeys(v.strip() for v in not_personal or ()) if v in flagged]
    new = [v for v in new if v not in (suggestion.public_not_personal or [])]
    if not new:
        return
    suggestion.public_not_personal = [*(suggestion.public_not_personal or []), *new]
    audit(
        action=AuditAction.PII_NOT_PERSONAL,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        note=(note or "").strip()[:2000],
        data={"spans": new},
    )


def _set_public_version(
    suggestion: Suggestion,
    actor: ActorUser,
    *,
    public_title: str,
    public_body: str,
    not_personal: Iterable[str] = (),
    note: str = "",
) -> None:
    """Save the suggestion's reviewed public title and body."""
    title = clean_text(public_title, _("公开标题"), max_length=200)
    body = clean_text(public_body, _("公开内容"), max_length=20000)
    _record_not_personal(suggestion, actor, [title, body], not_personal, note)
    suggestion.public_title, suggestion.public_body = title, body
    suggestion.public_reviewed_at, suggestion.public_reviewed_by = timezone.now(), actor
    suggestion.save()
    audit(
        action=AuditAction.REVIEW_PUBLIC_VERSION,
        actor=actor,
        suggestion=suggestion,
        data={"title_edited": title != suggestion.title, "body_edited": body != suggestion.body},
    )


def _set_reply_public_text(
    suggestion: Suggestion,
    reply: Reply,
    actor: ActorUser,
    *,
    public_text: str,
    not_personal: Iterable[str] = (),
    note: str = "",
) -> None:
    """Save the reply's reviewed public text."""
    text = clean_text(public_text, _("答复公开版本"), max_length=20000)
    _record_not_personal(suggestion, actor, [text], not_personal, note, assignment=reply.assignment)
    suggestion.save()
    reply.public_text = text
    reply.public_reviewed_at, reply.public_reviewed_by = timezone.now(), actor
    reply.save()
    audit(
        action=AuditAction.EDIT_PUBLIC_TEXT,
        actor=actor,
        suggestion=suggestion,
        assignment=reply.assignment,
        data={"reply": reply.pk, "edited": text != reply.text},
    )


@atomic_action
def suggestion_save_public_version(
    *,
    suggestion: Suggestion,
    actor: ActorUser,
    public_title: str,
    public_body: str,
    not_personal: Iterable[str] = (),
    note: str = "",
) -> Suggestion:
    """Staff review the public version of a suggestion's title and body (what the public pages and search read)."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.SAVE_PUBLIC_VERSION, suggestion)
    _set_public_version(
        suggestion, actor, public_title=public_title, public_body=public_body, not_personal=not_personal, note=note
    )
    if suggestion.is_published:
        public_changed()
    return suggestion


def _review_suggestion_version(
    suggestion: Suggestion,
    actor: ActorUser,
    public_title: str | None,
    public_body: str | None,
    *,
    not_personal: Iterable[str],
    note: str,
) -> None:
    """Review the suggestion's public title and body when a form sent either (the other kept as it is)."""
    if public_title is None and public_body is None:
        return
    _set_public_version(
        suggestion,
        actor,
        public_title=suggestion.public_title if public_title is None else public_title,
        public_body=suggestion.public_body if public_body is None else public_body,
        not_personal=not_personal,
        note=note,
    )


@atomic_action
def reply_publish(
    *,
    reply: Reply,
    actor: ActorUser,
    public_text: str | None = None,
    public_title: str | None = None,
    public_body: str | None = None,
    not_personal: Iterable[str] = (),
    note: str = "",
    early_reason: str = "",
) -> Reply:
    """Publish a reply with its suggestion; every text public in a version staff reviewed.

    The texts given here are saved as reviewed first. Refused while the title, body or reply has no
    reviewed public version, while a public version holds personal data staff did not mask or record as
    not personal (``not_personal``, ``note``), for a reply a later round superseded, and before every
    delegate rated the reply unless ``early_reason`` says why (recorded in the audit row).
    """
    suggestion = lock_suggestion(reply.suggestion)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("assignment", "round").get(pk=reply.pk)
    reply.suggestion = suggestion
    require(actor, Action.PUBLISH, reply)
    was = reply.is_published
    _review_suggestion_version(suggestion, actor, public_title, public_body, not_personal=not_personal, note=note)
    if public_text is not None:
        _set_reply_public_text(suggestion, reply, actor, public_text=public_text, not_personal=not_personal, note=note)
    if suggestion.public_reviewed_at is None:
        raise InvalidInput(_("请先审核建议标题和内容的公开版本，再公开答复。"))
    if reply.public_reviewed_at is None:
        raise InvalidInput(_("这份答复的公开版本尚未审核，请先逐件审核。"))
    texts = publication.public_texts(suggestion, reply)
    problems = publication.blockers(suggestion, reply, texts)
    if problems:
        raise InvalidInput(" ".join(problems))
    early = (early_reason or "").strip()[:2000]
    if publication.needs_early_reason(reply, suggestion) and not early:
        raise TransitionNotAllowed(_("代表尚未评价这份答复，暂不能公开；确需提前公开的，请写明理由。"))
    reply.is_published, reply.published_by = True, actor
    reply.published_at = reply.published_at if was else timezone.now()
    reply.save()
    if not suggestion.is_published:
        suggestion.is_published, suggestion.published_at = True, timezone.now()
        suggestion.save()
    audit(
        action=AuditAction.PUBLISH,
        actor=actor,
        suggestion=suggestion,
        assignment=reply.assignment,
        note=early,
        data={"reply": reply.pk, "republished": was, **({"before_rating": True} if early else {})},
    )
    public_changed()
    return reply


@atomic_action
def reply_save_public_text(
    *,
    reply: Reply,
    actor: ActorUser,
    public_text: str,
    public_title: str | None = None,
    public_body: str | None = None,
    not_personal: Iterable[str] = (),
    note: str = "",
) -> Reply:
    """Staff review a reply's public version (and the suggestion's, when given) without publishing it:
    bulk publish may then take it."""
    suggestion = lock_suggestion(reply.suggestion)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("assignment").get(pk=reply.pk)
    reply.suggestion = suggestion
    require(actor, Action.SAVE_PUBLIC_VERSION, reply)
    _review_suggestion_version(suggestion, actor, public_title, public_body, not_personal=not_personal, note=note)
    _set_reply_public_text(suggestion, reply, actor, public_text=public_text, not_personal=not_personal, note=note)
    if reply.is_published or suggestion.is_published:
        public_changed()
    return reply


@atomic_action
def reply_unpublish(*, reply: Reply, actor: ActorUser, note: str = "") -> Reply:
    """Staff take a reply off the public pages (the suggestion too, when no reply of it stays public)."""
    suggestion = lock_suggestion(reply.suggestion)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    reply.suggestion = suggestion
    decision = policy.may(actor, Action.UNPUBLISH, reply)
    if not decision and decision.kind == policy.STATE:
        return reply  # not public: nothing to take back
    require(actor, Action.UNPUBLISH, reply)
    reply.is_published = False
    reply.save()
    if not suggestion.replies.filter(is_published=True).exists():
        suggestion.is_published, suggestion.published_at = False, None
        suggestion.save()
    audit(
        action=AuditAction.UNPUBLISH,
        actor=actor,
        suggestion=suggestion,
        assignment=reply.assignment,
        note=note,
        data={"reply": reply.pk},
    )
    public_changed()
    return reply
