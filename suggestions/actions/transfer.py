"""转交: a district passes a suggestion that belongs to the city government to the city congress (its parent).

The original keeps its whole history and ends as ``transferred``; a new suggestion is filed in the parent's
current session, submitted for its staff's review, with the same title and body and the category of the same
name (or the one staff chose). A ``Transfer`` row links both; each side has an audit row naming the other.

The lead delegate: the district's delegates have no record in the congress above, and a suggestion must have
a lead delegate. The new suggestion is led by one inactive record per sending congress in the parent's term
(named after it, e.g. “花溪区人大（转交）”, with no login, so nobody acts as it and no roster counts it), and the
real delegates' names are kept on the ``Transfer`` and in the audit note the city's staff read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from congresses.models import Congress
from delegates.models import Delegate, Session
from suggestions.actions._base import (
    Action,
    S,
    atomic_action,
    audit,
    clean_text,
    lock_suggestion,
    require,
    set_suggestion_status,
)
from suggestions.actions.notifications import delegate_users, notify
from suggestions.errors import InvalidInput, NotPermitted
from suggestions.models import AuditAction, Category, CoSigner, Suggestion, Transfer

if TYPE_CHECKING:
    from suggestions.actions._base import ActorUser


def transfer_target_session(congress: Congress) -> Session | None:
    """The current session of the congress a suggestion is transferred to, or ``None``."""
    return Session.objects.filter(congress=congress, is_current=True).select_related("term").first()


def transfer_category(*, original: Suggestion, parent: Congress) -> Category | None:
    """The parent's active category of the same name as the original's, or ``None``."""
    return Category.objects.filter(congress=parent, name=original.category.name, is_active=True).first()


def _sending_delegate(*, session: Session, source: Congress) -> Delegate:
    """The parent term's inactive record that leads what ``source`` transferred (made on first use)."""
    name = _("%(congress)s（转交）") % {"congress": source.name}
    delegate, _created = Delegate.objects.get_or_create(
        term=session.term, name=name[:50], user=None, defaults={"is_active": False}
    )
    return delegate


def _delegate_names(original: Suggestion) -> str:
    confirmed = CoSigner.objects.filter(suggestion=original, status=CoSigner.Status.CONFIRMED).select_related(
        "delegate"
    )
    names = [_("%(name)s（领衔）") % {"name": original.lead_delegate.name}]
    names += [c.delegate.name for c in confirmed]
    return "、".join(names)[:500]


@atomic_action
def suggestion_transfer(
    *, suggestion: Suggestion, actor: ActorUser, reason: str, category: Category | None = None
) -> Transfer:
    """转交: pass ``suggestion`` to the congress above; returns the ``Transfer`` linking the two suggestions."""
    original = lock_suggestion(suggestion)
    require(actor, Action.TRANSFER, original)
    reason = clean_text(reason, _("转交理由"), max_length=2000)
    source = Congress.objects.get(pk=original.congress_id)
    parent = Congress.objects.filter(pk=source.parent_id).first()
    if parent is None:
        raise NotPermitted(_("本人大没有上级人大，不能转交。"))
    session = transfer_target_session(parent)
    if session is None:
        raise InvalidInput(_("%(congress)s尚未设置当前会议，暂不能转交。") % {"congress": parent.name})
    if category is None:
        category = transfer_category(original=original, parent=parent)
        if category is None:
            raise InvalidInput(
                _("%(congress)s没有“%(category)s”类别，请选择转交后的类别。")
                % {"congress": parent.name, "category": original.category.name}
            )
    elif category.congress_id != parent.pk or not category.is_active:
        raise InvalidInput(_("请选择%(congress)s的类别。") % {"congress": parent.name})
    now = timezone.now()
    today = timezone.localdate()
    target = Suggestion.objects.create(
        session=session,
        series=Suggestion.Series.RECESS if today > session.end_date else Suggestion.Series.SESSION,
        title=original.title,
        body=original.body,
        category=category,
        lead_delegate=_sending_delegate(session=session, source=source),
        status=S.SUBMITTED,
        created_at=now,
        submitted_at=now,
    )
    names = _delegate_names(original)
    record = Transfer.objects.create(
        suggestion=original,
        target=target,
        from_congress=source,
        to_congress=parent,
        delegate_names=names,
        reason=reason,
        created_by=actor,
        created_at=now,
    )
    original.status_reason = reason
    original.closed_at = now
    set_suggestion_status(
        original,
        S.TRANSFERRED,
        actor=actor,
        action=AuditAction.TRANSFER,
        note=_("已转交%(congress)s：%(reason)s") % {"congress": parent.name, "reason": reason},
        data={"transfer": record.pk, "to_congress": parent.pk, "target": target.pk},
    )
    audit(
        action=AuditAction.TRANSFER_IN,
        actor=actor,
        suggestion=target,
        to_status=S.SUBMITTED,
        note=_("由%(congress)s转交（原提出代表：%(names)s；原建议编号：%(number)s）。转交理由：%(reason)s")
        % {
            "congress": source.name,
            "names": names,
            "number": original.number_display or _("未立案"),
            "reason": reason,
        },
        data={"transfer": record.pk, "from_congress": source.pk, "original": original.pk},
    )
    notify(
        delegate_users(original),
        title=_("您的建议“%(title)s”已转交%(congress)s办理") % {"title": original.title, "congress": parent.name},
        body=reason,
        suggestion=original,
    )
    notify(
        get_user_model().objects.filter(staff_membership__congress=parent, is_active=True),
        title=_("%(congress)s转交的建议待审查：%(title)s") % {"congress": source.name, "title": target.title},
        suggestion=target,
    )
    return record
