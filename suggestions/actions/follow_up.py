"""Follow-up of a B-class reply (正在解决): the office reports progress or a solution, staff confirm it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from security import integrity
from suggestions.actions._base import Action, InvalidInput, atomic_action, audit, clean_text, lock_assignment, require
from suggestions.actions.notifications import delegate_users, notify, staff_users
from suggestions.models import AuditAction, FollowUp, Reply, ResultClass

if TYPE_CHECKING:
    from suggestions.actions._base import ActorUser


@atomic_action
def followup_post(*, reply: Reply, actor: ActorUser, text: str, solved: bool = False) -> FollowUp:
    """The office posts progress on a B-class reply, or reports it solved (staff confirm)."""
    suggestion, assignment = lock_assignment(reply.assignment)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("result_class").get(pk=reply.pk)
    reply.assignment = assignment
    require(actor, Action.FOLLOW_UP, reply)
    follow_up = FollowUp.objects.create(
        reply=reply,
        text=clean_text(text, _("进展情况"), max_length=5000),
        author=actor,
        status=FollowUp.Status.SOLVED_CLAIMED if solved else FollowUp.Status.PROGRESS,
    )
    audit(
        action=AuditAction.FOLLOW_UP,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=follow_up.text,
        data={"solved": solved, "follow_up": follow_up.pk},
    )
    if solved:
        notify(
            staff_users(suggestion.congress_id),
            title=_("%(office)s报告已解决，请确认：%(title)s")
            % {"office": assignment.office.name, "title": suggestion.title},
            url=suggestion.get_absolute_url(),
            suggestion=suggestion,
        )
    notify(
        delegate_users(suggestion),
        title=_("建议“%(title)s”有新的办理进展") % {"title": suggestion.title},
        body=follow_up.text,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return follow_up


@atomic_action
def followup_confirm_solved(*, follow_up: FollowUp, actor: ActorUser, accept: bool, note: str = "") -> FollowUp:
    """Staff confirm a claimed solution: the reply's result becomes the adopted class (A)."""
    follow_up = FollowUp.objects.select_related("reply").get(pk=follow_up.pk)
    suggestion, assignment = lock_assignment(follow_up.reply.assignment)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    require(actor, Action.CONFIRM_SOLVED, follow_up)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("result_class").get(pk=follow_up.reply_id)
    follow_up.status = FollowUp.Status.SOLVED_CONFIRMED if accept else FollowUp.Status.SOLVED_REFUSED
    follow_up.confirmed_by, follow_up.confirmed_at = actor, timezone.now()
    follow_up.save()
    data = {"follow_up": follow_up.pk, "accept": accept}
    if accept:
        solved_class = (
            ResultClass.objects.filter(congress_id=suggestion.congress_id, counts_as_adopted=True)
            .order_by("order")
            .first()
        )
        if solved_class is None:
            raise InvalidInput(_("尚未配置“已解决”的办理结果分类。"))
        data.update({"from": reply.result_class.code, "to": solved_class.code})
        reply.result_class = solved_class
        reply.save()
        integrity.seal(reply)  # the confirmed result class is part of the sealed reply
    audit(
        action=AuditAction.FOLLOW_UP_CONFIRM,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=note,
        data=data,
    )
    return follow_up
