"""The year's end beside the handling: re-surveys of satisfaction (满意度回访), 回头看 of B answers, letters.

- ``resurvey_select``: staff choose suggestions of a session to call or visit; one row per delegate who rated
  the final round online, with that rating kept beside it.
- ``resurvey_record``: what the delegate said (满意 / 基本满意 / 不满意 and a note), never over the online rating.
- ``resurvey_reopen``: where the two differ, the re-handling step the delegates' 不满意 uses opens a new round.
- ``carryover_create``: chosen B answers of earlier sessions become a 回头看 round of the current session, with
  a new assignment of the office that answered, deadlines from the session's policy, reminders and a rating.
- ``carryover_confirm_solved``: staff take an answer off the 回头看 list as solved.
- ``letters_send``: every delegate with suggestions in a session is told (in-app) that their letter is ready.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from delegates.models import Session
from suggestions.actions._base import (
    Action,
    InvalidInput,
    S,
    atomic_action,
    audit,
    clean_text,
    local_today,
    lock_suggestion,
    require,
)
from suggestions.actions.assignment import _create_assignment, assignment_deadlines
from suggestions.actions.notifications import delegate_users, notify
from suggestions.actions.rating import _open_next_round
from suggestions.actor import Actor
from suggestions.models import (
    Assignment,
    AuditAction,
    Carryover,
    FollowUp,
    HandlingRound,
    Rating,
    Reply,
    Resurvey,
    ResurveyBatch,
    Suggestion,
)
from suggestions.policy.rules_followup import current_session
from suggestions.reporting.letters import letter_delegates

if TYPE_CHECKING:
    from suggestions.actions._base import ActorUser

M = ResurveyBatch.Method
QUICK_RATING = datetime.timedelta(days=1)  # a rating this soon after the reply may have been given under pressure
COUNTED_OUT = (S.WITHDRAWN, S.MERGED)


def resurvey_candidates(*, session: Session, method: str):
    """The final-round online ratings of a session's suggestions that ``method`` chooses (a queryset)."""
    ratings = Rating.objects.filter(
        suggestion__session=session,
        round__number=F("suggestion__current_round"),
        round__followup_session__isnull=True,
    ).exclude(suggestion__status__in=COUNTED_OUT)
    if method == M.KEY:
        ratings = ratings.filter(suggestion__is_key=True)
    elif method == M.QUICK:
        ratings = ratings.filter(rated_at__lte=F("reply__submitted_at") + QUICK_RATING)
    return ratings


@atomic_action
def resurvey_select(
    *, session: Session, actor: ActorUser, method: str, sample_size: int | None = None, seed: int | None = None
) -> ResurveyBatch:
    """Choose suggestions of ``session`` to re-survey: every rated one, a random sample, the key ones, or those
    rated within a day of the reply. A delegate already waiting for a call about a suggestion is not added twice."""
    require(actor, Action.RESURVEY_SELECT, session)
    if method not in M.values:
        raise InvalidInput(_("请选择抽取方式。"))
    ratings = resurvey_candidates(session=session, method=method)
    pending = Resurvey.objects.filter(value="").values_list("suggestion_id", "delegate_id")
    waiting = set(pending.filter(suggestion__session=session))
    # The delegate's latest online rating of the final round, per suggestion.
    chosen: dict[tuple[int, int], int] = {}
    for pk, suggestion_id, delegate_id in ratings.order_by("rated_at", "pk").values_list(
        "pk", "suggestion_id", "delegate_id"
    ):
        if (suggestion_id, delegate_id) not in waiting:
            chosen[(suggestion_id, delegate_id)] = pk
    suggestion_ids = sorted({s for s, _d in chosen})
    if method == M.SAMPLE:
        if not sample_size or sample_size < 1:
            raise InvalidInput(_("请填写抽样数量（至少1件）。"))
        if sample_size > len(suggestion_ids):
            raise InvalidInput(_("抽样数量不能超过可回访的建议数（%(n)s件）。") % {"n": len(suggestion_ids)})
        suggestion_ids = sorted(random.Random(seed).sample(suggestion_ids, sample_size))  # noqa: S311 - a sample, not a secret
    elif sample_size:
        raise InvalidInput(_("只有随机抽样需要填写抽样数量。"))
    if not suggestion_ids:
        raise InvalidInput(_("没有符合条件、尚未列入回访的已评价建议。"))
    batch = ResurveyBatch.objects.create(
        session=session, method=method, sample_size=sample_size if method == M.SAMPLE else None, created_by=actor
    )
    keep = set(suggestion_ids)
    Resurvey.objects.bulk_create(
        Resurvey(batch=batch, suggestion_id=s, delegate_id=d, rating_id=rating_id)
        for (s, d), rating_id in sorted(chosen.items())
        if s in keep
    )
    for suggestion in Suggestion.objects.filter(pk__in=suggestion_ids).order_by("pk"):
        audit(
            action=AuditAction.RESURVEY_SELECT,
            actor=actor,
            suggestion=suggestion,
            from_status=suggestion.status,
            to_status=suggestion.status,
            note=batch.get_method_display(),
            data={"batch": batch.pk},
        )
    return batch


def _lock_resurvey(resurvey: Resurvey) -> tuple[Suggestion, Resurvey]:
    suggestion = lock_suggestion(Suggestion(pk=resurvey.suggestion_id))
    locked = Resurvey.objects.select_for_update(of=("self",)).select_related("rating").get(pk=resurvey.pk)
    locked.suggestion = suggestion
    return suggestion, locked


@atomic_action
def resurvey_record(*, resurvey: Resurvey, actor: ActorUser, channel: str, value: str, note: str = "") -> Resurvey:
    """Record the delegate's answer from a call or a visit; the online rating is left as it was."""
    suggestion, resurvey = _lock_resurvey(resurvey)
    require(actor, Action.RESURVEY_RECORD, resurvey)
    if channel not in Resurvey.Channel.values:
        raise InvalidInput(_("请选择回访方式（电话或上门）。"))
    if value not in Rating.Value.values:
        raise InvalidInput(_("请选择满意、基本满意或不满意。"))
    note = (note or "").strip()
    if len(note) > 2000:
        raise InvalidInput(_("回访记录不能超过2000字。"))
    resurvey.channel, resurvey.value, resurvey.note = channel, value, note
    if resurvey.differs and not note:
        raise InvalidInput(_("回访结果与网上评价不一致，请记录代表的具体意见。"))
    resurvey.recorded_by, resurvey.recorded_at = actor, timezone.now()
    resurvey.save()
    audit(
        action=AuditAction.RESURVEY_RECORD,
        actor=actor,
        suggestion=suggestion,
        from_status=suggestion.status,
        to_status=suggestion.status,
        note=note,
        data={
            "resurvey": resurvey.pk,
            "value": value,
            "online": resurvey.rating.value if resurvey.rating else None,
            "differs": resurvey.differs,
        },
    )
    return resurvey


@atomic_action
def resurvey_reopen(*, resurvey: Resurvey, actor: ActorUser, reason: str) -> HandlingRound:
    """Reopen handling where the re-survey differs: the offices whose reply the delegate rated work again."""
    suggestion, resurvey = _lock_resurvey(resurvey)
    require(actor, Action.RESURVEY_REOPEN, resurvey)
    reason = clean_text(reason, _("重新办理原因"), max_length=2000)
    answering = suggestion.assignments.filter(
        role__in=[Assignment.Role.LEAD, Assignment.Role.SEPARATE],
        status=Assignment.Status.REPLIED,
        followup_round__isnull=True,
    )
    if resurvey.rating is not None:
        answering = answering.filter(replies__ratings=resurvey.rating)
    assignments = list(answering.order_by("pk"))
    if not assignments:
        raise InvalidInput(_("没有可以重新办理的承办单位。"))
    round_ = _open_next_round(suggestion, actor=actor, assignments=assignments, reason=reason)
    resurvey.reopened_round = round_
    resurvey.save()
    audit(
        action=AuditAction.RESURVEY_REOPEN,
        actor=actor,
        suggestion=suggestion,
        from_status=suggestion.status,
        to_status=suggestion.status,
        note=reason,
        data={"resurvey": resurvey.pk, "round": round_.number},
    )
    return round_


@atomic_action
def carryover_create(*, replies: Iterable[Reply], actor: ActorUser) -> list[Carryover]:
    """回头看: carry each chosen B answer into the current session as a new round with a new assignment.

    All or nothing: one refused answer refuses the whole choice, with its reason.
    """
    session = current_session(Actor.of(actor).congress_id)
    carried = []
    today = local_today()
    for reply in sorted(replies, key=lambda r: (r.suggestion_id, r.pk)):
        suggestion = lock_suggestion(Suggestion(pk=reply.suggestion_id))
        reply = (
            Reply.objects.select_for_update(of=("self",))
            .select_related("assignment__office", "result_class", "suggestion__session")
            .get(pk=reply.pk)
        )
        require(actor, Action.CARRY_OVER, reply)
        deadlines = assignment_deadlines(session=session, assigned_on=today)
        number = (suggestion.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
        round_ = HandlingRound.objects.create(
            suggestion=suggestion,
            number=number,
            due_date=deadlines["due_date"],
            followup_session=session,
            reason=_("回头看：%(session)s继续办理") % {"session": session.name},
        )
        _create_assignment(
            suggestion=suggestion,
            office=reply.assignment.office,
            role=reply.assignment.role,
            actor=actor,
            deadlines=deadlines,
            followup_round=round_,
        )
        carryover = Carryover.objects.create(reply=reply, session=session, round=round_, carried_by=actor)
        audit(
            action=AuditAction.CARRY_OVER,
            actor=actor,
            suggestion=suggestion,
            from_status=suggestion.status,
            to_status=suggestion.status,
            note=session.name,
            data={"reply": reply.pk, "round": number, "session": session.pk, "due": deadlines["due_date"].isoformat()},
        )
        notify(
            delegate_users(suggestion),
            title=_("您的建议“%(title)s”已列入%(session)s回头看，由%(office)s继续办理")
            % {"title": suggestion.title, "session": session.name, "office": reply.assignment.office.name},
            url=suggestion.get_absolute_url(),
            suggestion=suggestion,
        )
        carried.append(carryover)
    if not carried:
        raise InvalidInput(_("请至少选择一件B类答复。"))
    return carried


@atomic_action
def carryover_confirm_solved(*, reply: Reply, actor: ActorUser, note: str) -> FollowUp:
    """Staff confirm a B answer solved: it leaves the 回头看 list (its result class and year stay as they were)."""
    suggestion = lock_suggestion(Suggestion(pk=reply.suggestion_id))
    reply = (
        Reply.objects.select_for_update(of=("self",))
        .select_related("assignment__office", "result_class")
        .get(pk=reply.pk)
    )
    require(actor, Action.CARRY_SOLVED, reply)
    now = timezone.now()
    follow_up = FollowUp.objects.create(
        reply=reply,
        text=clean_text(note, _("解决情况"), max_length=2000),
        status=FollowUp.Status.SOLVED_CONFIRMED,
        author=actor,
        posted_at=now,
        confirmed_by=actor,
        confirmed_at=now,
    )
    audit(
        action=AuditAction.CARRY_SOLVED,
        actor=actor,
        suggestion=suggestion,
        assignment=reply.assignment,
        from_status=suggestion.status,
        to_status=suggestion.status,
        note=follow_up.text,
        data={"reply": reply.pk, "follow_up": follow_up.pk},
    )
    return follow_up


LETTER_KINDS = ("assignment", "year_end")


@atomic_action
def letters_send(*, session: Session, actor: ActorUser, kind: str) -> int:
    """Tell each delegate of ``session``'s assigned suggestions (lead or confirmed co-signer) that their letter
    is ready: one in-app notification each. Returns how many delegates were told."""
    require(actor, Action.LETTER_SEND, session)
    if kind not in LETTER_KINDS:
        raise InvalidInput(_("请选择告知函类型。"))
    users = [d.user for d in letter_delegates(session).filter(user__isnull=False).select_related("user")]
    title = (_("%(session)s建议交办告知函") if kind == "assignment" else _("%(session)s建议办理结果告知函")) % {
        "session": session.name
    }
    url = f"{reverse('delegates:letter')}?session={session.pk}&kind={kind}"
    notify(users, title=title, url=url)
    audit(
        action=AuditAction.LETTER_SEND,
        actor=actor,
        note=title,
        data={"session": session.pk, "kind": kind, "delegates": len(users)},
    )
    return len(users)


__all__ = [
    "carryover_confirm_solved",
    "carryover_create",
    "letters_send",
    "resurvey_candidates",
    "resurvey_record",
    "resurvey_reopen",
    "resurvey_select",
]
