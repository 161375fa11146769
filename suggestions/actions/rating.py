"""After the reply: the delegates rate it (评价); 不满意 opens a new handling round (重新办理); staff may close."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from security import integrity
from suggestions.actions._base import (
    A,
    Action,
    InvalidInput,
    S,
    atomic_action,
    audit,
    local_today,
    lock_suggestion,
    policy_for,
    public_changed,
    require,
    set_assignment_status,
    set_suggestion_status,
)
from suggestions.actions.notifications import notify, office_users
from suggestions.actor import Actor
from suggestions.models import Assignment, AuditAction, HandlingRound, Rating, Reply, Suggestion
from suggestions.queries.selectors import suggestion_delegates
from suggestions.workdays import work_calendar

if TYPE_CHECKING:
    from suggestions.actions._base import ActorUser


def _raters_done(suggestion: Suggestion, round_: HandlingRound) -> bool:
    """True when every delegate has rated every submitted reply of the round."""
    delegates = suggestion_delegates(suggestion)
    replies = list(round_.replies.filter(status=Reply.Status.SUBMITTED))
    rated = set(Rating.objects.filter(round=round_).values_list("reply_id", "delegate_id"))
    return all((r.pk, d.pk) in rated for r in replies for d in delegates)


@atomic_action
def rating_submit(*, reply: Reply, actor: ActorUser, value: str, comment: str = "") -> Rating:
    """代表评价; 不满意 opens a re-handling round for that office."""
    suggestion = lock_suggestion(reply.suggestion)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("assignment", "round").get(pk=reply.pk)
    reply.suggestion = suggestion
    require(actor, Action.RATE, reply)
    delegate = Actor.of(actor).delegate
    if value not in Rating.Value.values:
        raise InvalidInput(_("请选择满意、基本满意或不满意。"))
    comment = (comment or "").strip()
    if value == Rating.Value.UNSATISFIED and not comment:
        raise InvalidInput(_("选择“不满意”时，请写明不满意的理由和具体要求。"))
    if len(comment) > 5000:
        raise InvalidInput(_("意见不能超过5000字。"))
    rating = Rating.objects.create(
        reply=reply, suggestion=suggestion, round=reply.round, delegate=delegate, value=value, comment=comment
    )
    integrity.seal(rating)  # the rating carries its SM3-HMAC
    audit(
        action=AuditAction.RATE,
        actor=actor,
        suggestion=suggestion,
        assignment=reply.assignment,
        from_status=suggestion.status,
        to_status=suggestion.status,
        note=comment,
        data={"value": value, "reply": reply.pk, "round": reply.round.number},
    )
    if suggestion.is_published:
        public_changed()  # the public pages show ratings
    notify(
        office_users(reply.assignment.office_id),
        title=_("代表%(name)s对答复的评价：%(value)s") % {"name": delegate.name, "value": rating.get_value_display()},
        body=comment,
        url=reply.assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    if reply.assignment.is_followup:
        pass  # a 回头看 round: the answer stays on the 回头看 list until staff confirm it solved
    elif value == Rating.Value.UNSATISFIED:
        # The delegate's 不满意 is what opens the round: the rating rule allowed it, within this transaction.
        _open_next_round(suggestion, actor=actor, assignments=[reply.assignment], reason=comment)
    elif suggestion.status == S.REPLIED and _raters_done(suggestion, reply.round):
        unsatisfied = reply.round.ratings.filter(value=Rating.Value.UNSATISFIED).exists()
        if not unsatisfied:
            suggestion.closed_at = timezone.now()
            set_suggestion_status(suggestion, S.CLOSED, actor=actor, action=AuditAction.CLOSE, note=_("全部代表已评价"))
    return rating


@atomic_action
def round_open_rehandling(
    *, suggestion: Suggestion, actor: ActorUser, assignments: Iterable[Assignment], reason: str
) -> HandlingRound:
    """重新办理 by staff: open the next round (once) and put the given offices back to work."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.REHANDLE, suggestion)
    return _open_next_round(suggestion, actor=actor, assignments=assignments, reason=reason)


def _open_next_round(
    suggestion: Suggestion, *, actor: ActorUser, assignments: Iterable[Assignment], reason: str
) -> HandlingRound:
    """The step both doors share, on the suggestion its caller locked and was allowed to act on."""
    deadline_policy = policy_for(suggestion.session)
    due = work_calendar().add_months(local_today(), deadline_policy.rehandle_months)
    # After the latest 回头看 round, if one was carried past the current round.
    carried = suggestion.rounds.filter(followup_session__isnull=False).aggregate(n=Max("number"))["n"] or 0
    next_number = max(suggestion.current_round, carried) + 1
    round_, created = HandlingRound.objects.get_or_create(
        suggestion=suggestion, number=next_number, defaults={"due_date": due, "reason": reason}
    )
    if not created and reason:
        round_.reason = f"{round_.reason}\n{reason}".strip()
        round_.save()
    suggestion.current_round = next_number
    if suggestion.status in (S.REPLIED, S.CLOSED):  # closed: reopened by a differing re-survey
        suggestion.closed_at = None
        set_suggestion_status(
            suggestion, S.REHANDLING, actor=actor, action=AuditAction.REHANDLE, note=reason, data={"round": next_number}
        )
    else:
        suggestion.save()
    for assignment in assignments:
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.status == A.REHANDLING:
            continue
        assignment.due_date, assignment.extended_due, assignment.finished_at = round_.due_date, None, None
        set_assignment_status(
            assignment,
            A.REHANDLING,
            actor=actor,
            action=AuditAction.REHANDLE,
            note=reason,
            data={"round": next_number, "due": round_.due_date.isoformat()},
        )
        notify(
            office_users(assignment.office_id),
            title=_("代表对答复不满意，请重新办理：%(title)s（期限%(date)s）")
            % {"title": suggestion.title, "date": round_.due_date},
            body=reason,
            url=assignment.get_absolute_url(),
            suggestion=suggestion,
        )
    return round_


@atomic_action
def suggestion_close(*, suggestion: Suggestion, actor: ActorUser, note: str = "") -> Suggestion:
    """Staff close a replied suggestion, e.g. when the rating window has passed."""
    suggestion = lock_suggestion(suggestion)
    require(actor, Action.CLOSE, suggestion)
    suggestion.closed_at = timezone.now()
    set_suggestion_status(suggestion, S.CLOSED, actor=actor, action=AuditAction.CLOSE, note=note)
    return suggestion
