"""Staff review of a submitted suggestion: register it (立案), return it for revision, not register it, merge it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from delegates.models import Session
from suggestions.actions._base import (
    Action,
    InvalidInput,
    NumberTaken,
    S,
    atomic_action,
    audit,
    clean_text,
    lock_suggestion,
    require,
    same_congress,
    set_suggestion_status,
)
from suggestions.actions.notifications import delegate_users, notify
from suggestions.models import AuditAction, CoSigner, Suggestion
from suggestions.queries.selectors import suggestion_delegates

if TYPE_CHECKING:
    from suggestions.actions._base import ActorUser


@atomic_action
def suggestion_return(*, suggestion: Suggestion, actor: ActorUser, reason: str) -> Suggestion:
    """Staff return a submitted suggestion to the delegate for revision."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.RETURN, suggestion)
    reason = clean_text(reason, _("退回理由"), max_length=2000)
    suggestion.status_reason = reason
    set_suggestion_status(suggestion, S.RETURNED, actor=actor, action=AuditAction.RETURN, note=reason)
    notify(
        delegate_users(suggestion),
        title=_("建议“%(title)s”被退回修改") % {"title": suggestion.title},
        body=reason,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return suggestion


def not_registered_reasons() -> list[str]:
    """The standard reasons of domain.md for not registering a suggestion."""
    return [
        _("属于代表本人及其亲属的个人事务"),
        _("代转人民群众来信"),
        _("涉及正在审理的诉讼或仲裁案件"),
        _("属于检举、控告或申诉"),
        _("没有实际内容"),
        _("一件建议涉及多个事项"),
        _("不属于本行政区域职权范围"),
    ]


@atomic_action
def suggestion_reject(*, suggestion: Suggestion, actor: ActorUser, reason: str) -> Suggestion:
    """不予立案 with a standard or custom reason."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.REJECT, suggestion)
    reason = clean_text(reason, _("不予立案理由"), max_length=2000)
    suggestion.status_reason = reason
    suggestion.closed_at = timezone.now()
    set_suggestion_status(suggestion, S.NOT_REGISTERED, actor=actor, action=AuditAction.NOT_REGISTER, note=reason)
    notify(
        delegate_users(suggestion),
        title=_("建议“%(title)s”不予立案") % {"title": suggestion.title},
        body=reason,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return suggestion


def suggestion_propose_number(*, session: Session, series: str) -> int:
    """The next free registration number of the session's series (the highest so far plus one)."""
    current = Suggestion.objects.filter(session=session, series=series, number__isnull=False).aggregate(
        m=Max("number")
    )["m"]
    return (current or 0) + 1


@atomic_action
def suggestion_register(*, suggestion: Suggestion, actor: ActorUser, number: int | str | None = None) -> Suggestion:
    """立案: fix the suggestion's number, unique in its session and series."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.REGISTER, suggestion)
    # Serialise numbering within the session so two staff never take the same number.
    Session.objects.select_for_update().get(pk=suggestion.session_id)
    if number is None:
        number = suggestion_propose_number(session=suggestion.session, series=suggestion.series)
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise InvalidInput(_("编号必须是正整数。")) from None
    if number <= 0 or number > 2_000_000_000:
        raise InvalidInput(_("编号必须是正整数。"))
    if Suggestion.objects.filter(session=suggestion.session, series=suggestion.series, number=number).exists():
        raise NumberTaken(_("编号%(number)s已被使用，请换一个编号。") % {"number": number})
    suggestion.number = number
    suggestion.registered_at = timezone.now()
    suggestion.status_reason = ""
    try:
        with transaction.atomic():
            set_suggestion_status(
                suggestion, S.REGISTERED, actor=actor, action=AuditAction.REGISTER, data={"number": number}
            )
    except IntegrityError:
        raise NumberTaken(_("编号%(number)s已被使用，请换一个编号。") % {"number": number}) from None
    notify(
        delegate_users(suggestion),
        title=_("建议“%(title)s”已立案，编号%(number)s")
        % {"title": suggestion.title, "number": suggestion.number_display},
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return suggestion


@atomic_action
def suggestion_merge(
    *, target: Suggestion, sources: Iterable[Suggestion], actor: ActorUser, note: str = ""
) -> Suggestion:
    """并案: fold ``sources`` into ``target``; their lead delegates become co-signers of it."""
    ids = sorted({target.pk, *(s.pk for s in sources)})
    if len(ids) < 2:
        require(actor, Action.MERGE_INTO, target)
        raise InvalidInput(_("请选择至少一件要并入的建议。"))
    locked = {s.pk: s for s in Suggestion.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    target = locked[target.pk]
    require(actor, Action.MERGE_INTO, target)
    same_congress(target, *locked.values())
    for pk in ids:
        if pk != target.pk:
            require(actor, Action.MERGE, locked[pk])
    for pk in ids:
        if pk == target.pk:
            continue
        source = locked[pk]
        source.merged_into = target
        source.closed_at = timezone.now()
        set_suggestion_status(
            source, S.MERGED, actor=actor, action=AuditAction.MERGE, note=note, data={"into": target.pk}
        )
        for delegate in suggestion_delegates(source):
            if delegate.pk == target.lead_delegate_id:
                continue
            CoSigner.objects.update_or_create(
                suggestion=target,
                delegate=delegate,
                defaults={"status": CoSigner.Status.CONFIRMED, "responded_at": timezone.now()},
            )
        audit(action=AuditAction.MERGE_IN, actor=actor, suggestion=target, note=note, data={"from": source.pk})
        notify(
            delegate_users(source),
            title=_("建议“%(title)s”已与“%(target)s”并案办理") % {"title": source.title, "target": target.title},
            url=target.get_absolute_url(),
            suggestion=target,
        )
    return target
