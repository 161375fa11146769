"""Every state change of the handling workflow.

Each service: checks the actor's permission, locks the suggestion row, checks
the transition against the model's ``TRANSITIONS`` table, writes the change and
its audit row in one transaction, and queues side effects after commit.
Views, forms, admin actions, tasks and commands call these; none saves a status.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from delegates.models import Session
from huaxi_renda.cache import cache_incr
from security import integrity
from suggestions import pii, policy, publication, roles
from suggestions.errors import InvalidInput, NotPermitted, NumberTaken, TransitionNotAllowed, WorkflowError
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    Attachment,
    AuditAction,
    AuditLog,
    ContactRecord,
    CoSigner,
    DeadlinePolicy,
    FollowUp,
    HandlingRound,
    Notification,
    Opinion,
    Rating,
    Reminder,
    Reply,
    ResultClass,
    Suggestion,
)
from suggestions.queries.selectors import suggestion_delegates
from suggestions.reminders import suggestion_label
from suggestions.workdays import work_calendar

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import UploadedFile

    from delegates.models import Delegate
    from suggestions.models import Category, Leader, Office

    ActorUser = AbstractBaseUser | AnonymousUser

logger = logging.getLogger(__name__)

S = Suggestion.Status
A = Assignment.Status


# The refusals (``suggestions.errors``) are raised from here as ``services.NotPermitted`` etc.


# --------------------------------------------------------------------------- helpers


__all__ = ["InvalidInput", "NotPermitted", "NumberTaken", "TransitionNotAllowed", "WorkflowError"]
Action = policy.Action


def _check_transition(obj, to_status):
    """The guard under every status change: the model's ``TRANSITIONS`` table (``policy.transition_refusal``)."""
    refusal = policy.transition_refusal(obj, to_status)
    if refusal:
        raise TransitionNotAllowed(refusal)


def _lock_suggestion(suggestion):
    return Suggestion.objects.select_for_update().get(pk=suggestion.pk)


def _lock_assignment(assignment):
    """Lock the suggestion first, then the assignment: one lock order everywhere."""
    suggestion = Suggestion.objects.select_for_update().get(pk=assignment.suggestion_id)
    locked = Assignment.objects.select_for_update(of=("self",)).select_related("office").get(pk=assignment.pk)
    return suggestion, locked


def _audit(*, action, actor, suggestion=None, assignment=None, from_status="", to_status="", note="", data=None):
    return AuditLog.objects.create(
        suggestion=suggestion,
        assignment=assignment,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=from_status or "",
        to_status=to_status or "",
        note=note or "",
        data=data or {},
    )


def _set_suggestion_status(suggestion, to_status, *, actor, action, note="", data=None):
    _check_transition(suggestion, to_status)
    from_status = suggestion.status
    suggestion.status = to_status
    suggestion.save()
    _audit(
        action=action,
        actor=actor,
        suggestion=suggestion,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )


def _set_assignment_status(assignment, to_status, *, actor, action, note="", data=None):
    _check_transition(assignment, to_status)
    from_status = assignment.status
    assignment.status = to_status
    assignment.save()
    _audit(
        action=action,
        actor=actor,
        suggestion=assignment.suggestion,
        assignment=assignment,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )


_require = policy.require  # (actor, action, obj): the rule book's refusal as NotPermitted / TransitionNotAllowed


def _text(value, field_label, *, max_length=None):
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("请填写%(field)s。") % {"field": field_label})
    if max_length and len(value) > max_length:
        raise InvalidInput(_("%(field)s不能超过%(max)s个字。") % {"field": field_label, "max": max_length})
    return value


def policy_for(session):
    deadline_policy = getattr(session, "_policy_cache", None)
    if deadline_policy is None:
        deadline_policy, _created = DeadlinePolicy.objects.get_or_create(session=session)
        session._policy_cache = deadline_policy
    return deadline_policy


def _today():
    return timezone.localdate()


def _notify(users, *, title, body="", url="", suggestion=None):
    """In-app notifications (rows in the same transaction); e-mail goes out after commit.

    A notification about a suggestion names it (number and title) and links to it, whatever the caller wrote.
    """
    if suggestion is not None:
        about = _("建议：%(suggestion)s") % {"suggestion": suggestion_label(suggestion)}
        body = f"{about}\n{body}" if body else about
        url = url or suggestion.get_absolute_url()
    rows = [
        Notification(user=user, title=title[:200], body=body, url=url, suggestion=suggestion)
        for user in {u.pk: u for u in users if u is not None}.values()
    ]
    Notification.objects.bulk_create(rows)


def _notify_leader(suggestion, *, previous_leader_id):
    """A leader newly named to lead a key suggestion hears of it."""
    leader = suggestion.leader if suggestion.is_key else None
    if leader is None or leader.pk == previous_leader_id or not leader.user_id:
        return
    _notify(
        [leader.user],
        title=_("您被确定为重点督办建议“%(title)s”的领衔督办领导") % {"title": suggestion.title},
        suggestion=suggestion,
    )


def _office_users(office_id):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(office_memberships__office_id=office_id, is_active=True))


def _staff_users():
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(groups__name=roles.STAFF_GROUP, is_active=True))


def _delegate_users(suggestion):
    return [d.user for d in suggestion_delegates(suggestion) if d.user_id]


def queue_after_commit(task_path, *args):
    """Queue a Celery task once the transaction commits; a broker outage never fails the request.

    The database holds everything the task needs, and the periodic scan sends
    whatever could not be queued here.
    """

    def send():
        from celery import current_app

        try:
            current_app.send_task(task_path, args=args)
        except Exception:  # noqa: BLE001 - the broker may be down; the next scan catches up
            logger.warning("Could not queue %s%r; the next scan will pick it up", task_path, args, exc_info=True)

    transaction.on_commit(send)


# --------------------------------------------------------------------------- delegates: drafting


@transaction.atomic
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
    title = _text(title, _("标题"), max_length=200)
    body = _text(body, _("内容"), max_length=20000)
    if category is None:
        raise InvalidInput(_("请选择类别。"))
    if suggestion is None:
        _require(actor, Action.CREATE, lead_delegate)
        delegate = lead_delegate or roles.delegate_of(actor)
        session = session or Session.objects.filter(is_current=True).first()
        if session is None:
            raise InvalidInput(_("尚未设置当前会议，请联系人大工作人员。"))
        suggestion = Suggestion.objects.create(
            session=session,
            series=series or Suggestion.Series.SESSION,
            title=title,
            body=body,
            category=category,
            lead_delegate=delegate,
        )
        _audit(action=AuditAction.CREATE, actor=actor, suggestion=suggestion, to_status=S.DRAFT)
        return suggestion
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.EDIT, suggestion)
    changed = suggestion.title != title or suggestion.body != body or suggestion.category_id != category.pk
    suggestion.title, suggestion.body, suggestion.category = title, body, category
    if series:
        suggestion.series = series
    if session:
        suggestion.session = session
    suggestion.save()
    if changed:
        _audit(
            action=AuditAction.EDIT,
            actor=actor,
            suggestion=suggestion,
            from_status=suggestion.status,
            to_status=suggestion.status,
        )
    return suggestion


@transaction.atomic
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
    office_ids = roles.office_ids_of(actor)
    drafting = policy.may(actor, Action.EDIT, suggestion)
    if assignment is None and office_ids and not drafting:
        # An office's upload is always the office's own file, never one every reader may download.
        assignment = (
            suggestion.assignments.filter(office_id__in=office_ids)
            .exclude(status__in=[A.RETURNED, A.WITHDRAWN])
            .first()
        )
    if assignment is not None and assignment.suggestion_id != suggestion.pk:
        raise NotPermitted(_("您不能为这件建议上传附件。"))
    _require(actor, Action.ATTACH, assignment if assignment is not None else suggestion)
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
    _audit(
        action=AuditAction.OFFICE_ATTACH if assignment is not None else AuditAction.ATTACH,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        note=attachment.original_name,
        data={"attachment": attachment.pk},
    )
    return attachment


def _office_file(attachment, assignment, kind):
    """An upload becomes this office's reply letter or opinion file; another office's file is refused."""
    if attachment.suggestion_id != assignment.suggestion_id or attachment.office_id != assignment.office_id:
        raise NotPermitted(_("附件不属于本单位。"))
    attachment.kind, attachment.office_id = kind, assignment.office_id
    attachment.save(update_fields=["kind", "office"])


@transaction.atomic
def cosigner_invite(*, suggestion: Suggestion, actor: ActorUser, delegates: Iterable[Delegate]) -> list[CoSigner]:
    """The lead delegate invites delegates to co-sign a draft (again, after a decline or a drop)."""
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.INVITE, suggestion)
    deadline_policy = policy_for(suggestion.session)
    deadline = timezone.now() + datetime.timedelta(days=deadline_policy.invitation_days)
    invited = []
    for delegate in delegates:
        if delegate.pk == suggestion.lead_delegate_id:
            raise InvalidInput(_("领衔代表不需要邀请自己联名。"))
        cosigner, created = CoSigner.objects.select_for_update().get_or_create(
            suggestion=suggestion, delegate=delegate, defaults={"deadline": deadline}
        )
        if not created:
            if cosigner.status in (CoSigner.Status.INVITED, CoSigner.Status.CONFIRMED):
                continue
            _check_transition(cosigner, CoSigner.Status.INVITED)
            cosigner.status = CoSigner.Status.INVITED
            cosigner.invited_at, cosigner.deadline, cosigner.responded_at = timezone.now(), deadline, None
            cosigner.save()
        _audit(
            action=AuditAction.COSIGNER_INVITE,
            actor=actor,
            suggestion=suggestion,
            to_status=CoSigner.Status.INVITED,
            note=delegate.name,
            data={"delegate": delegate.pk},
        )
        invited.append(cosigner)
        if delegate.user_id:
            _notify(
                [delegate.user],
                title=_("%(lead)s邀请您联名提出建议“%(title)s”")
                % {"lead": suggestion.lead_delegate.name, "title": suggestion.title},
                url=suggestion.get_absolute_url(),
                suggestion=suggestion,
            )
    return invited


@transaction.atomic
def cosigner_respond(*, cosigner: CoSigner, actor: ActorUser, accept: bool) -> CoSigner:
    """The invited delegate confirms or declines co-signing."""
    suggestion = _lock_suggestion(cosigner.suggestion)
    cosigner = CoSigner.objects.select_for_update().get(pk=cosigner.pk)
    cosigner.suggestion = suggestion
    delegate = roles.delegate_of(actor)
    target = CoSigner.Status.CONFIRMED if accept else CoSigner.Status.DECLINED
    _require(actor, Action.RESPOND, cosigner)
    target = CoSigner.Status.CONFIRMED if accept else CoSigner.Status.DECLINED
    _check_transition(cosigner, target)
    from_status = cosigner.status
    cosigner.status, cosigner.responded_at = target, timezone.now()
    cosigner.save()
    _audit(
        action=AuditAction.COSIGNER_RESPOND,
        actor=actor,
        suggestion=suggestion,
        from_status=from_status,
        to_status=target,
        note=delegate.name,
    )
    if suggestion.lead_delegate.user_id:
        _notify(
            [suggestion.lead_delegate.user],
            title=(_("%(name)s已确认联名") if accept else _("%(name)s谢绝联名")) % {"name": delegate.name},
            url=suggestion.get_absolute_url(),
            suggestion=suggestion,
        )
    return cosigner


@transaction.atomic
def cosigner_drop(*, cosigner: CoSigner, actor: ActorUser) -> CoSigner:
    """The lead delegate takes back an invitation or a co-signature before submitting."""
    suggestion = _lock_suggestion(cosigner.suggestion)
    cosigner = CoSigner.objects.select_for_update().get(pk=cosigner.pk)
    cosigner.suggestion = suggestion
    _require(actor, Action.DROP_COSIGNER, cosigner)
    from_status = cosigner.status
    cosigner.status, cosigner.responded_at = CoSigner.Status.DROPPED, timezone.now()
    cosigner.save()
    _audit(
        action=AuditAction.COSIGNER_DROP,
        actor=actor,
        suggestion=suggestion,
        from_status=from_status,
        to_status=CoSigner.Status.DROPPED,
        note=cosigner.delegate.name,
    )
    return cosigner


@transaction.atomic
def suggestion_submit(*, suggestion: Suggestion, actor: ActorUser) -> Suggestion:
    """The lead delegate submits the draft (or the revised suggestion) for review."""
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.SUBMIT, suggestion)
    from_status = suggestion.status
    suggestion.submitted_at = timezone.now()
    suggestion.status_reason = ""
    _set_suggestion_status(
        suggestion, S.SUBMITTED, actor=actor, action=AuditAction.SUBMIT, data={"resubmitted": from_status == S.RETURNED}
    )
    _notify(
        _staff_users(),
        title=_("新建议待审查：%(title)s") % {"title": suggestion.title},
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return suggestion


def withdrawal_refusal(*, suggestion: Suggestion, actor: ActorUser) -> str | None:
    """Why ``actor`` may not withdraw ``suggestion`` now, or ``None`` (the rule is ``policy`` ``Action.WITHDRAW``)."""
    return policy.may(actor, Action.WITHDRAW, suggestion).reason or None


@transaction.atomic
def suggestion_withdraw(*, suggestion: Suggestion, actor: ActorUser, reason: str) -> Suggestion:
    """The lead delegate, or staff on the delegate's written request, withdraw the suggestion."""
    reason = _text(reason, _("撤回理由"), max_length=2000)
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.WITHDRAW, suggestion)
    suggestion.status_reason = reason
    suggestion.closed_at = timezone.now()
    _set_suggestion_status(suggestion, S.WITHDRAWN, actor=actor, action=AuditAction.WITHDRAW, note=reason)
    if suggestion.is_published:  # a withdrawn suggestion leaves the public pages at once
        _public_changed()
    for assignment in suggestion.assignments.select_for_update().exclude(status__in=[A.RETURNED, A.WITHDRAWN]):
        if A.WITHDRAWN in Assignment.TRANSITIONS[assignment.status]:
            _set_assignment_status(assignment, A.WITHDRAWN, actor=actor, action=AuditAction.WITHDRAW, note=reason)
            _notify(
                _office_users(assignment.office_id),
                title=_("建议已撤回：%(title)s") % {"title": suggestion.title},
                body=reason,
                suggestion=suggestion,
            )
    return suggestion


# --------------------------------------------------------------------------- staff: review


@transaction.atomic
def suggestion_return(*, suggestion: Suggestion, actor: ActorUser, reason: str) -> Suggestion:
    """Staff return a submitted suggestion to the delegate for revision."""
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.RETURN, suggestion)
    reason = _text(reason, _("退回理由"), max_length=2000)
    suggestion.status_reason = reason
    _set_suggestion_status(suggestion, S.RETURNED, actor=actor, action=AuditAction.RETURN, note=reason)
    _notify(
        _delegate_users(suggestion),
        title=_("建议“%(title)s”被退回修改") % {"title": suggestion.title},
        body=reason,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return suggestion


def not_registered_reasons():
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


@transaction.atomic
def suggestion_reject(*, suggestion: Suggestion, actor: ActorUser, reason: str) -> Suggestion:
    """不予立案 with a standard or custom reason."""
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.REJECT, suggestion)
    reason = _text(reason, _("不予立案理由"), max_length=2000)
    suggestion.status_reason = reason
    suggestion.closed_at = timezone.now()
    _set_suggestion_status(suggestion, S.NOT_REGISTERED, actor=actor, action=AuditAction.NOT_REGISTER, note=reason)
    _notify(
        _delegate_users(suggestion),
        title=_("建议“%(title)s”不予立案") % {"title": suggestion.title},
        body=reason,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return suggestion


def suggestion_propose_number(*, session, series):
    current = Suggestion.objects.filter(session=session, series=series, number__isnull=False).aggregate(
        m=Max("number")
    )["m"]
    return (current or 0) + 1


@transaction.atomic
def suggestion_register(*, suggestion: Suggestion, actor: ActorUser, number: int | str | None = None) -> Suggestion:
    """立案: fix the suggestion's number, unique in its session and series."""
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.REGISTER, suggestion)
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
            _set_suggestion_status(
                suggestion, S.REGISTERED, actor=actor, action=AuditAction.REGISTER, data={"number": number}
            )
    except IntegrityError:
        raise NumberTaken(_("编号%(number)s已被使用，请换一个编号。") % {"number": number}) from None
    _notify(
        _delegate_users(suggestion),
        title=_("建议“%(title)s”已立案，编号%(number)s")
        % {"title": suggestion.title, "number": suggestion.number_display},
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return suggestion


@transaction.atomic
def suggestion_merge(
    *, target: Suggestion, sources: Iterable[Suggestion], actor: ActorUser, note: str = ""
) -> Suggestion:
    """并案: fold ``sources`` into ``target``; their lead delegates become co-signers of it."""
    ids = sorted({target.pk, *(s.pk for s in sources)})
    if len(ids) < 2:
        _require(actor, Action.MERGE_INTO, target)
        raise InvalidInput(_("请选择至少一件要并入的建议。"))
    locked = {s.pk: s for s in Suggestion.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    target = locked[target.pk]
    _require(actor, Action.MERGE_INTO, target)
    for pk in ids:
        if pk != target.pk:
            _require(actor, Action.MERGE, locked[pk])
    merged = []
    for pk in ids:
        if pk == target.pk:
            continue
        source = locked[pk]
        source.merged_into = target
        source.closed_at = timezone.now()
        _set_suggestion_status(
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
        _audit(action=AuditAction.MERGE_IN, actor=actor, suggestion=target, note=note, data={"from": source.pk})
        _notify(
            _delegate_users(source),
            title=_("建议“%(title)s”已与“%(target)s”并案办理") % {"title": source.title, "target": target.title},
            url=target.get_absolute_url(),
            suggestion=target,
        )
        merged.append(source)
    return target


# --------------------------------------------------------------------------- staff: assignment


def assignment_deadlines(*, session, assigned_on):
    deadline_policy = policy_for(session)
    cal = work_calendar()
    return {
        "return_by": cal.add_workdays(assigned_on, deadline_policy.return_window_workdays),
        "opinion_due": cal.add_months(assigned_on, deadline_policy.opinion_months),
        "due_date": cal.add_months(assigned_on, deadline_policy.reply_months),
    }


def _max_months(session):
    deadline_policy = policy_for(session)
    return deadline_policy.reply_months + deadline_policy.extension_max_months


def latest_due_date(*, session, assigned_on):
    """The latest reply deadline staff may set: the policy's reply months plus its longest extension."""
    return work_calendar().add_months(assigned_on, _max_months(session))


def _create_assignment(*, suggestion, office, role, actor, deadlines, replaces=None):
    assignment = Assignment.objects.create(
        suggestion=suggestion,
        office=office,
        role=role,
        assigned_by=actor,
        return_by=deadlines["return_by"],
        opinion_due=deadlines["opinion_due"] if role == Assignment.Role.CO else None,
        due_date=deadlines["due_date"],
        replaces=replaces,
    )
    _audit(
        action=AuditAction.ASSIGN,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        to_status=A.PENDING,
        note=office.name,
        data={"role": role, "due": deadlines["due_date"].isoformat()},
    )
    _notify(
        _office_users(office.pk),
        title=_("新交办建议：%(title)s（%(role)s）")
        % {"title": suggestion.title, "role": assignment.get_role_display()},
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return assignment


@transaction.atomic
def suggestion_assign(
    *,
    suggestion: Suggestion,
    actor: ActorUser,
    lead_office: Office | None = None,
    co_offices: Iterable[Office] = (),
    separate_offices: Iterable[Office] = (),
    due_date: datetime.date | None = None,
    opinion_due: datetime.date | None = None,
    return_by: datetime.date | None = None,
    is_key: bool | None = None,
    leader: Leader | None = None,
) -> list[Assignment]:
    """交办 to a lead office and co-handling offices, or to several separate offices."""
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.ASSIGN, suggestion)
    co_offices, separate_offices = list(co_offices), list(separate_offices)
    if lead_office and separate_offices:
        raise InvalidInput(_("主办/协办与分办不能同时使用。"))
    if not lead_office and not separate_offices:
        raise InvalidInput(_("请选择主办单位，或至少一个分办单位。"))
    if co_offices and not lead_office:
        raise InvalidInput(_("有协办单位时必须指定主办单位。"))
    office_ids = [o.pk for o in ([lead_office] if lead_office else []) + co_offices + separate_offices]
    if len(office_ids) != len(set(office_ids)):
        raise InvalidInput(_("同一单位不能重复交办。"))
    today = _today()
    deadlines = assignment_deadlines(session=suggestion.session, assigned_on=today)
    if due_date:
        if due_date <= today:
            raise InvalidInput(_("答复期限必须晚于今天。"))
        latest = latest_due_date(session=suggestion.session, assigned_on=today)
        if due_date > latest:
            raise InvalidInput(
                _("答复期限不能晚于%(date)s（交办后最长%(months)s个月，含可批准的延期）。")
                % {"date": latest, "months": _max_months(suggestion.session)}
            )
        deadlines["due_date"] = due_date
    if opinion_due:
        if opinion_due <= today:
            raise InvalidInput(_("协办意见期限必须晚于今天。"))
        deadlines["opinion_due"] = opinion_due
    if return_by:
        if return_by < today:
            raise InvalidInput(_("申请退回截止日期不能早于今天。"))
        deadlines["return_by"] = return_by
    if deadlines["opinion_due"] and deadlines["opinion_due"] > deadlines["due_date"]:
        raise InvalidInput(_("协办意见期限不能晚于答复期限。"))
    previous_leader_id = suggestion.leader_id
    if deadlines["return_by"] > deadlines["due_date"]:
        raise InvalidInput(_("申请退回截止日期不能晚于答复期限。"))
    if is_key is not None:
        suggestion.is_key = is_key
        suggestion.leader = leader if is_key else None
    if suggestion.is_key and suggestion.leader is None:
        raise InvalidInput(_("重点督办建议须指定领衔督办领导。"))
    _notify_leader(suggestion, previous_leader_id=previous_leader_id)
    suggestion.current_round = 1
    suggestion.assigned_at = timezone.now()
    HandlingRound.objects.get_or_create(suggestion=suggestion, number=1, defaults={"due_date": deadlines["due_date"]})
    _set_suggestion_status(
        suggestion,
        S.ASSIGNED,
        actor=actor,
        action=AuditAction.ASSIGN,
        data={"offices": office_ids, "key": suggestion.is_key},
    )
    assignments = []
    if lead_office:
        assignments.append(
            _create_assignment(
                suggestion=suggestion, office=lead_office, role=Assignment.Role.LEAD, actor=actor, deadlines=deadlines
            )
        )
    for office in co_offices:
        assignments.append(
            _create_assignment(
                suggestion=suggestion, office=office, role=Assignment.Role.CO, actor=actor, deadlines=deadlines
            )
        )
    for office in separate_offices:
        assignments.append(
            _create_assignment(
                suggestion=suggestion, office=office, role=Assignment.Role.SEPARATE, actor=actor, deadlines=deadlines
            )
        )
    _notify(
        _delegate_users(suggestion),
        title=_("建议“%(title)s”已交办") % {"title": suggestion.title},
        body="、".join(f"{a.office.name}（{a.get_role_display()}）" for a in assignments),
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return assignments


@transaction.atomic
def suggestion_set_key(
    *, suggestion: Suggestion, actor: ActorUser, is_key: bool, leader: Leader | None = None
) -> Suggestion:
    """Staff mark a suggestion as a key one (with its leading leader) or take the mark off."""
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.SET_KEY, suggestion)
    if is_key and leader is None:
        raise InvalidInput(_("重点督办建议须指定领衔督办领导。"))
    previous_leader_id = suggestion.leader_id
    suggestion.is_key, suggestion.leader = is_key, (leader if is_key else None)
    suggestion.save()
    _notify_leader(suggestion, previous_leader_id=previous_leader_id)
    _audit(
        action=AuditAction.SET_KEY,
        actor=actor,
        suggestion=suggestion,
        from_status=suggestion.status,
        to_status=suggestion.status,
        data={"key": is_key, "leader": leader.pk if leader else None},
    )
    return suggestion


# --------------------------------------------------------------------------- offices


@transaction.atomic
def assignment_sign(*, assignment: Assignment, actor: ActorUser) -> Assignment:
    """The office signs for its assignment (签收); signing twice does nothing."""
    suggestion, assignment = _lock_assignment(assignment)
    decision = policy.may(actor, Action.SIGN, assignment)
    if not decision and decision.kind == policy.STATE and assignment.status == A.SIGNED:
        return assignment  # signing twice does nothing
    _require(actor, Action.SIGN, assignment)
    assignment.signed_at, assignment.signed_by = timezone.now(), actor
    assignment.handler = assignment.handler or actor
    _set_assignment_status(assignment, A.SIGNED, actor=actor, action=AuditAction.SIGN)
    if suggestion.status == S.ASSIGNED:
        _set_suggestion_status(suggestion, S.HANDLING, actor=actor, action=AuditAction.HANDLING_STARTED)
    return assignment


@transaction.atomic
def assignment_set_handler(*, assignment: Assignment, actor: ActorUser, handler: AbstractBaseUser) -> Assignment:
    """An office head gives an assignment to one of the office's clerks."""
    suggestion, assignment = _lock_assignment(assignment)
    _require(actor, Action.SET_HANDLER, assignment)
    if assignment.office_id not in roles.office_ids_of(handler):
        raise InvalidInput(_("经办人必须是本单位工作人员。"))
    previous = assignment.handler
    assignment.handler = handler
    assignment.save()
    _audit(
        action=AuditAction.SET_HANDLER,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=handler.get_full_name() or handler.username,
        data={"from": previous.pk if previous else None, "to": handler.pk},
    )
    _notify(
        [handler],
        title=_("您被指定为建议“%(title)s”的经办人") % {"title": suggestion.title},
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return assignment


@transaction.atomic
def assignment_request_return(
    *, assignment: Assignment, actor: ActorUser, reason: str, suggested_office: Office | None = None
) -> AssignmentRequest:
    """The office asks staff to take the assignment back (within the return window)."""
    reason = _text(reason, _("申请退回理由"), max_length=2000)
    suggestion, assignment = _lock_assignment(assignment)
    _require(actor, Action.REQUEST_RETURN, assignment, today=_today())
    if suggested_office is not None and suggested_office.pk == assignment.office_id:
        raise InvalidInput(_("建议改由的单位不能是本单位。"))
    request = AssignmentRequest.objects.create(
        assignment=assignment,
        kind=AssignmentRequest.Kind.RETURN,
        reason=reason,
        suggested_office=suggested_office,
        requested_by=actor,
    )
    _set_assignment_status(
        assignment,
        A.RETURN_REQUESTED,
        actor=actor,
        action=AuditAction.REQUEST_RETURN,
        note=reason,
        data={"previous": assignment.status, "request": request.pk},
    )
    _notify(
        _staff_users(),
        title=_("%(office)s申请退回建议“%(title)s”") % {"office": assignment.office.name, "title": suggestion.title},
        body=reason,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return request


def _lock_request(request, kind):
    request = AssignmentRequest.objects.select_related("assignment").get(pk=request.pk)
    suggestion, assignment = _lock_assignment(request.assignment)
    request = AssignmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind != kind:
        raise InvalidInput(_("申请类型不符。"))
    request.assignment = assignment
    return suggestion, assignment, request


def _decide(request, status, *, actor, note):
    request.status, request.decided_by, request.decided_at = status, actor, timezone.now()
    request.decision_note = note
    request.save()


@transaction.atomic
def return_request_approve(
    *, request: AssignmentRequest, actor: ActorUser, new_office: Office | None, note: str = ""
) -> Assignment:
    """Approve a return and re-assign the same role to ``new_office``."""
    suggestion, assignment, request = _lock_request(request, AssignmentRequest.Kind.RETURN)
    _require(actor, Action.APPROVE_RETURN, request)
    if new_office is None:
        raise InvalidInput(_("请选择改由哪个单位承办。"))
    if new_office.pk == assignment.office_id:
        raise InvalidInput(_("改由的单位不能与原单位相同。"))
    if suggestion.assignments.filter(office=new_office).exclude(status__in=[A.RETURNED, A.WITHDRAWN]).exists():
        raise InvalidInput(_("%(office)s已在承办此建议。") % {"office": new_office.name})
    _decide(request, AssignmentRequest.Status.APPROVED, actor=actor, note=note)
    assignment.finished_at = timezone.now()
    _set_assignment_status(
        assignment,
        A.RETURNED,
        actor=actor,
        action=AuditAction.RETURN_APPROVED,
        note=note,
        data={"request": request.pk, "new_office": new_office.pk},
    )
    deadlines = assignment_deadlines(session=suggestion.session, assigned_on=_today())
    new = _create_assignment(
        suggestion=suggestion,
        office=new_office,
        role=assignment.role,
        actor=actor,
        deadlines=deadlines,
        replaces=assignment,
    )
    _notify(
        _office_users(assignment.office_id),
        title=_("退回申请已同意：%(title)s") % {"title": suggestion.title},
        body=note,
        suggestion=suggestion,
    )
    return new


@transaction.atomic
def return_request_refuse(*, request: AssignmentRequest, actor: ActorUser, note: str) -> AssignmentRequest:
    """Staff refuse a return: the office works on (signed or pending, as before)."""
    suggestion, assignment, request = _lock_request(request, AssignmentRequest.Kind.RETURN)
    _require(actor, Action.REFUSE_RETURN, request)
    note = _text(note, _("不同意的理由"), max_length=2000)
    _decide(request, AssignmentRequest.Status.REFUSED, actor=actor, note=note)
    previous = A.SIGNED if assignment.signed_at else A.PENDING
    _set_assignment_status(
        assignment, previous, actor=actor, action=AuditAction.RETURN_REFUSED, note=note, data={"request": request.pk}
    )
    _notify(
        _office_users(assignment.office_id),
        title=_("退回申请未同意：%(title)s") % {"title": suggestion.title},
        body=note,
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return request


def _current_round(suggestion):
    return HandlingRound.objects.get(suggestion=suggestion, number=suggestion.current_round)


def contact_date_bounds(*, assignment):
    """The first and last day a contact may be dated: from the day of assignment to today."""
    return timezone.localdate(assignment.assigned_at), _today()


@transaction.atomic
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
    suggestion, assignment = _lock_assignment(assignment)
    _require(actor, Action.CONTACT, assignment)
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
        participants=_text(participants, _("参加人员"), max_length=300),
        summary=_text(summary, _("沟通情况"), max_length=5000),
        delegate_invited=delegate_invited,
        recorded_by=actor,
    )
    _audit(
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


@transaction.atomic
def opinion_send(
    *, assignment: Assignment, actor: ActorUser, text: str, attachment: Attachment | None = None
) -> Opinion:
    """A co-handling office sends its opinion to the lead office."""
    suggestion, assignment = _lock_assignment(assignment)
    _require(actor, Action.OPINION, assignment)
    if attachment is not None:
        _office_file(attachment, assignment, Attachment.Kind.OPINION)
    opinion = Opinion.objects.create(
        assignment=assignment,
        round=_current_round(suggestion),
        text=_text(text, _("协办意见"), max_length=20000),
        attachment=attachment,
        author=actor,
        sent_at=timezone.now(),
    )
    assignment.finished_at = timezone.now()
    _set_assignment_status(
        assignment, A.OPINION_SENT, actor=actor, action=AuditAction.OPINION, data={"opinion": opinion.pk}
    )
    lead = (
        suggestion.assignments.filter(role=Assignment.Role.LEAD).exclude(status__in=[A.RETURNED, A.WITHDRAWN]).first()
    )
    if lead:
        _notify(
            _office_users(lead.office_id),
            title=_("%(office)s已提交协办意见：%(title)s")
            % {"office": assignment.office.name, "title": suggestion.title},
            url=lead.get_absolute_url(),
            suggestion=suggestion,
        )
    return opinion


def reply_requirements(*, assignment, suggestion=None, reply=None):
    """What must be done before this assignment may reply; a list of Chinese messages (empty when ready).

    ``reply`` is this round's draft (looked up when not given): its signed letter is one of the requirements.
    """
    suggestion = suggestion or Suggestion.objects.get(pk=assignment.suggestion_id)
    missing = []
    if assignment.status not in (A.SIGNED, A.REHANDLING):
        missing.append(_("请先签收。"))
    contacts = list(assignment.contacts.all())
    if suggestion.current_round > 1:
        round_opened = _current_round(suggestion).opened_at
        contacts = [c for c in contacts if c.recorded_at >= round_opened]
    if not contacts:
        missing.append(_("答复前须与代表沟通联系，并记录沟通情况。"))
    elif suggestion.is_key and not any(c.delegate_invited and c.is_face_to_face for c in contacts):
        missing.append(_("重点督办建议须邀请代表当面参与（走访、座谈或现场察看），并记录。"))
    if assignment.answers_delegate and policy_for(suggestion.session).reply_letter_required:
        if reply is None:
            reply = Reply.objects.filter(assignment=assignment, round__number=suggestion.current_round).first()
        if reply is None or reply.attachment_id is None:
            missing.append(_("请上传已签发盖章的答复函（PDF或图片）。"))
    return missing


@transaction.atomic
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
    suggestion, assignment = _lock_assignment(assignment)
    _require(actor, Action.REPLY, assignment)
    round_ = _current_round(suggestion)
    reply, _created = Reply.objects.select_for_update().get_or_create(
        assignment=assignment,
        round=round_,
        defaults={"suggestion": suggestion, "text": "", "author": actor},
    )
    if reply.status != Reply.Status.DRAFT:
        raise TransitionNotAllowed(_("本轮答复已提交。"))
    reply.text = (text or "").strip()
    reply.result_class = result_class
    reply.signed_off_by = (signed_off_by or "").strip()[:50]
    if attachment is not None:
        _office_file(attachment, assignment, Attachment.Kind.LETTER)
        reply.attachment = attachment
    reply.save()
    return reply


@transaction.atomic
def reply_submit(*, reply: Reply, actor: ActorUser) -> Reply:
    """The office sends its reply to the delegates once ``reply_requirements`` are met."""
    suggestion, assignment = _lock_assignment(reply.assignment)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    reply.assignment = assignment
    _require(actor, Action.REPLY_SUBMIT, reply)
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
    integrity.seal(reply)  # issue 20: the reply as sent carries its SM3-HMAC
    assignment.finished_at = now
    _set_assignment_status(
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
    ).exists()
    if not still_open:
        _set_suggestion_status(suggestion, S.REPLIED, actor=actor, action=AuditAction.REPLIED)
    else:
        suggestion.save()
    _notify(
        _delegate_users(suggestion),
        title=_("%(office)s已答复您的建议“%(title)s”，请评价")
        % {"office": assignment.office.name, "title": suggestion.title},
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return reply


@transaction.atomic
def reply_attach_letter(*, reply: Reply, actor: ActorUser, attachment: Attachment | None) -> Reply:
    """Attach the signed letter to a submitted reply that has none (sent before the letter was required)."""
    suggestion, assignment = _lock_assignment(reply.assignment)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    reply.assignment = assignment
    _require(actor, Action.ATTACH_LETTER, reply)
    if attachment is None or attachment.suggestion_id != suggestion.pk:
        raise InvalidInput(_("请选择已签发盖章的答复函（PDF或图片）。"))
    reply.attachment = attachment
    reply.save()
    integrity.seal(reply)  # issue 20: the letter is part of the reply as sent
    _audit(
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


@transaction.atomic
def extension_request(
    *, assignment: Assignment, actor: ActorUser, reason: str, until: datetime.date | None
) -> AssignmentRequest:
    """An office answering the delegates asks for a later deadline, before the current one passes."""
    reason = _text(reason, _("延期理由"), max_length=2000)
    suggestion, assignment = _lock_assignment(assignment)
    _require(actor, Action.REQUEST_EXTENSION, assignment, today=_today())
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
    _audit(
        action=AuditAction.REQUEST_EXTENSION,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=reason,
        data={"until": until.isoformat(), "request": request.pk},
    )
    _notify(
        _staff_users(),
        title=_("%(office)s申请延期答复“%(title)s”") % {"office": assignment.office.name, "title": suggestion.title},
        body=reason,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return request


def extension_limit(*, assignment, suggestion=None):
    suggestion = suggestion or assignment.suggestion
    deadline_policy = policy_for(suggestion.session)
    return work_calendar().add_months(assignment.due_date, deadline_policy.extension_max_months)


@transaction.atomic
def extension_approve(
    *, request: AssignmentRequest, actor: ActorUser, until: datetime.date | None = None, note: str = ""
) -> Assignment:
    """Staff approve an extension (until the requested or another date within the limit)."""
    suggestion, assignment, request = _lock_request(request, AssignmentRequest.Kind.EXTENSION)
    _require(actor, Action.APPROVE_EXTENSION, request)
    until = until or request.requested_until
    limit = extension_limit(assignment=assignment, suggestion=suggestion)
    if until > limit:
        raise InvalidInput(_("延期最长至%(date)s。") % {"date": limit})
    if until <= assignment.effective_due:
        raise InvalidInput(_("延期日期须晚于当前期限（%(date)s）。") % {"date": assignment.effective_due})
    _decide(request, AssignmentRequest.Status.APPROVED, actor=actor, note=note)
    previous = assignment.effective_due
    assignment.extended_due = until
    assignment.save()
    _audit(
        action=AuditAction.EXTENSION_APPROVED,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=note,
        data={"from": previous.isoformat(), "to": until.isoformat(), "request": request.pk},
    )
    _notify(
        _office_users(assignment.office_id),
        title=_("延期申请已同意，新期限%(date)s：%(title)s") % {"date": until, "title": suggestion.title},
        body=note,
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return assignment


@transaction.atomic
def extension_refuse(*, request: AssignmentRequest, actor: ActorUser, note: str) -> AssignmentRequest:
    """Staff refuse an extension; the office keeps its deadline."""
    suggestion, assignment, request = _lock_request(request, AssignmentRequest.Kind.EXTENSION)
    _require(actor, Action.REFUSE_EXTENSION, request)
    note = _text(note, _("不同意的理由"), max_length=2000)
    _decide(request, AssignmentRequest.Status.REFUSED, actor=actor, note=note)
    _audit(
        action=AuditAction.EXTENSION_REFUSED,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=note,
        data={"request": request.pk},
    )
    _notify(
        _office_users(assignment.office_id),
        title=_("延期申请未同意：%(title)s") % {"title": suggestion.title},
        body=note,
        url=assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    return request


# --------------------------------------------------------------------------- delegates: rating


def _raters_done(suggestion, round_):
    """True when every delegate has rated every submitted reply of the round."""
    delegates = suggestion_delegates(suggestion)
    replies = list(round_.replies.filter(status=Reply.Status.SUBMITTED))
    rated = set(Rating.objects.filter(round=round_).values_list("reply_id", "delegate_id"))
    return all((r.pk, d.pk) in rated for r in replies for d in delegates)


@transaction.atomic
def rating_submit(*, reply: Reply, actor: ActorUser, value: str, comment: str = "") -> Rating:
    """代表评价; 不满意 opens a re-handling round for that office."""
    suggestion = _lock_suggestion(reply.suggestion)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("assignment", "round").get(pk=reply.pk)
    reply.suggestion = suggestion
    _require(actor, Action.RATE, reply)
    delegate = roles.delegate_of(actor)
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
    integrity.seal(rating)  # issue 20: the rating carries its SM3-HMAC
    _audit(
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
        _public_changed()  # the public pages show ratings
    _notify(
        _office_users(reply.assignment.office_id),
        title=_("代表%(name)s对答复的评价：%(value)s") % {"name": delegate.name, "value": rating.get_value_display()},
        body=comment,
        url=reply.assignment.get_absolute_url(),
        suggestion=suggestion,
    )
    if value == Rating.Value.UNSATISFIED:
        round_open_rehandling(
            suggestion=suggestion, actor=actor, assignments=[reply.assignment], reason=comment, _locked=True
        )
    elif suggestion.status == S.REPLIED and _raters_done(suggestion, reply.round):
        unsatisfied = reply.round.ratings.filter(value=Rating.Value.UNSATISFIED).exists()
        if not unsatisfied:
            suggestion.closed_at = timezone.now()
            _set_suggestion_status(
                suggestion, S.CLOSED, actor=actor, action=AuditAction.CLOSE, note=_("全部代表已评价")
            )
    return rating


@transaction.atomic
def round_open_rehandling(
    *, suggestion: Suggestion, actor: ActorUser, assignments: Iterable[Assignment], reason: str, _locked: bool = False
) -> HandlingRound:
    """重新办理: open the next round (once) and put the given offices back to work."""
    if not _locked:
        suggestion = _lock_suggestion(suggestion)
        _require(actor, Action.REHANDLE, suggestion)
    deadline_policy = policy_for(suggestion.session)
    due = work_calendar().add_months(_today(), deadline_policy.rehandle_months)
    next_number = suggestion.current_round + 1
    round_, created = HandlingRound.objects.get_or_create(
        suggestion=suggestion, number=next_number, defaults={"due_date": due, "reason": reason}
    )
    if not created and reason:
        round_.reason = f"{round_.reason}\n{reason}".strip()
        round_.save()
    suggestion.current_round = next_number
    if suggestion.status == S.REPLIED:
        _set_suggestion_status(
            suggestion, S.REHANDLING, actor=actor, action=AuditAction.REHANDLE, note=reason, data={"round": next_number}
        )
    else:
        suggestion.save()
    for assignment in assignments:
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.status == A.REHANDLING:
            continue
        assignment.due_date, assignment.extended_due, assignment.finished_at = round_.due_date, None, None
        _set_assignment_status(
            assignment,
            A.REHANDLING,
            actor=actor,
            action=AuditAction.REHANDLE,
            note=reason,
            data={"round": next_number, "due": round_.due_date.isoformat()},
        )
        _notify(
            _office_users(assignment.office_id),
            title=_("代表对答复不满意，请重新办理：%(title)s（期限%(date)s）")
            % {"title": suggestion.title, "date": round_.due_date},
            body=reason,
            url=assignment.get_absolute_url(),
            suggestion=suggestion,
        )
    return round_


@transaction.atomic
def suggestion_close(*, suggestion: Suggestion, actor: ActorUser, note: str = "") -> Suggestion:
    """Staff close a replied suggestion, e.g. when the rating window has passed."""
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.CLOSE, suggestion)
    suggestion.closed_at = timezone.now()
    _set_suggestion_status(suggestion, S.CLOSED, actor=actor, action=AuditAction.CLOSE, note=note)
    return suggestion


# --------------------------------------------------------------------------- follow-up (B class)


@transaction.atomic
def followup_post(*, reply: Reply, actor: ActorUser, text: str, solved: bool = False) -> FollowUp:
    """The office posts progress on a B-class reply, or reports it solved (staff confirm)."""
    suggestion, assignment = _lock_assignment(reply.assignment)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("result_class").get(pk=reply.pk)
    reply.assignment = assignment
    _require(actor, Action.FOLLOW_UP, reply)
    follow_up = FollowUp.objects.create(
        reply=reply,
        text=_text(text, _("进展情况"), max_length=5000),
        author=actor,
        status=FollowUp.Status.SOLVED_CLAIMED if solved else FollowUp.Status.PROGRESS,
    )
    _audit(
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
        _notify(
            _staff_users(),
            title=_("%(office)s报告已解决，请确认：%(title)s")
            % {"office": assignment.office.name, "title": suggestion.title},
            url=suggestion.get_absolute_url(),
            suggestion=suggestion,
        )
    _notify(
        _delegate_users(suggestion),
        title=_("建议“%(title)s”有新的办理进展") % {"title": suggestion.title},
        body=follow_up.text,
        url=suggestion.get_absolute_url(),
        suggestion=suggestion,
    )
    return follow_up


@transaction.atomic
def followup_confirm_solved(*, follow_up: FollowUp, actor: ActorUser, accept: bool, note: str = "") -> FollowUp:
    """Staff confirm a claimed solution: the reply's result becomes the adopted class (A)."""
    follow_up = FollowUp.objects.select_related("reply").get(pk=follow_up.pk)
    suggestion, assignment = _lock_assignment(follow_up.reply.assignment)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    _require(actor, Action.CONFIRM_SOLVED, follow_up)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("result_class").get(pk=follow_up.reply_id)
    follow_up.status = FollowUp.Status.SOLVED_CONFIRMED if accept else FollowUp.Status.SOLVED_REFUSED
    follow_up.confirmed_by, follow_up.confirmed_at = actor, timezone.now()
    follow_up.save()
    data = {"follow_up": follow_up.pk, "accept": accept}
    if accept:
        solved_class = ResultClass.objects.filter(counts_as_adopted=True).order_by("order").first()
        if solved_class is None:
            raise InvalidInput(_("尚未配置“已解决”的办理结果分类。"))
        data.update({"from": reply.result_class.code, "to": solved_class.code})
        reply.result_class = solved_class
        reply.save()
        integrity.seal(reply)  # issue 20: the confirmed result class is part of the sealed reply
    _audit(
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


# --------------------------------------------------------------------------- publication


def _record_not_personal(suggestion, actor, texts, not_personal, note, assignment=None):
    """Staff decided that flagged spans are not personal (e.g. a hotline): kept on the suggestion, audited."""
    flagged = {span.text for text in texts for span in pii.find(text)}
    new = [v for v in dict.fromkeys(v.strip() for v in not_personal or ()) if v in flagged]
    new = [v for v in new if v not in (suggestion.public_not_personal or [])]
    if not new:
        return
    suggestion.public_not_personal = [*(suggestion.public_not_personal or []), *new]
    _audit(
        action=AuditAction.PII_NOT_PERSONAL,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        note=(note or "").strip()[:2000],
        data={"spans": new},
    )


def _set_public_version(suggestion, actor, *, public_title, public_body, not_personal=(), note=""):
    title = _text(public_title, _("公开标题"), max_length=200)
    body = _text(public_body, _("公开内容"), max_length=20000)
    _record_not_personal(suggestion, actor, [title, body], not_personal, note)
    suggestion.public_title, suggestion.public_body = title, body
    suggestion.public_reviewed_at, suggestion.public_reviewed_by = timezone.now(), actor
    suggestion.save()
    _audit(
        action=AuditAction.REVIEW_PUBLIC_VERSION,
        actor=actor,
        suggestion=suggestion,
        data={"title_edited": title != suggestion.title, "body_edited": body != suggestion.body},
    )


def _set_reply_public_text(suggestion, reply, actor, *, public_text, not_personal=(), note=""):
    text = _text(public_text, _("答复公开版本"), max_length=20000)
    _record_not_personal(suggestion, actor, [text], not_personal, note, assignment=reply.assignment)
    suggestion.save()
    reply.public_text = text
    reply.public_reviewed_at, reply.public_reviewed_by = timezone.now(), actor
    reply.save()
    _audit(
        action=AuditAction.EDIT_PUBLIC_TEXT,
        actor=actor,
        suggestion=suggestion,
        assignment=reply.assignment,
        data={"reply": reply.pk, "edited": text != reply.text},
    )


@transaction.atomic
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
    suggestion = _lock_suggestion(suggestion)
    _require(actor, Action.SAVE_PUBLIC_VERSION, suggestion)
    _set_public_version(
        suggestion, actor, public_title=public_title, public_body=public_body, not_personal=not_personal, note=note
    )
    if suggestion.is_published:
        _public_changed()
    return suggestion


def _review_suggestion_version(suggestion, actor, public_title, public_body, *, not_personal, note):
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


@transaction.atomic
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
    suggestion = _lock_suggestion(reply.suggestion)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("assignment", "round").get(pk=reply.pk)
    reply.suggestion = suggestion
    _require(actor, Action.PUBLISH, reply)
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
    if not was and not publication.is_rated(reply, suggestion) and not early:
        raise TransitionNotAllowed(_("代表尚未评价这份答复，暂不能公开；确需提前公开的，请写明理由。"))
    reply.is_published, reply.published_by = True, actor
    reply.published_at = reply.published_at if was else timezone.now()
    reply.save()
    if not suggestion.is_published:
        suggestion.is_published, suggestion.published_at = True, timezone.now()
        suggestion.save()
    _audit(
        action=AuditAction.PUBLISH,
        actor=actor,
        suggestion=suggestion,
        assignment=reply.assignment,
        note=early,
        data={"reply": reply.pk, "republished": was, **({"before_rating": True} if early else {})},
    )
    _public_changed()
    return reply


@transaction.atomic
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
    suggestion = _lock_suggestion(reply.suggestion)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("assignment").get(pk=reply.pk)
    _require(actor, Action.SAVE_PUBLIC_VERSION, reply)
    _review_suggestion_version(suggestion, actor, public_title, public_body, not_personal=not_personal, note=note)
    _set_reply_public_text(suggestion, reply, actor, public_text=public_text, not_personal=not_personal, note=note)
    if reply.is_published or suggestion.is_published:
        _public_changed()
    return reply


@transaction.atomic
def reply_unpublish(*, reply: Reply, actor: ActorUser, note: str = "") -> Reply:
    """Staff take a reply off the public pages (the suggestion too, when no reply of it stays public)."""
    suggestion = _lock_suggestion(reply.suggestion)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if not reply.is_published and policy.may(actor, Action.SAVE_PUBLIC_VERSION, reply):
        return reply  # nothing to take back
    _require(actor, Action.UNPUBLISH, reply)
    reply.is_published = False
    reply.save()
    if not suggestion.replies.filter(is_published=True).exists():
        suggestion.is_published, suggestion.published_at = False, None
        suggestion.save()
    _audit(
        action=AuditAction.UNPUBLISH,
        actor=actor,
        suggestion=suggestion,
        assignment=reply.assignment,
        note=note,
        data={"reply": reply.pk},
    )
    _public_changed()
    return reply


def _public_changed():
    """Invalidate cached public pages once the publication change commits."""

    def bump():
        # A cache outage must not fail the publication.
        cache_incr("public:version", initial=2, message="Could not bump the public cache version")

    transaction.on_commit(bump)


# --------------------------------------------------------------------------- reminders


@transaction.atomic
def reminder_manual(*, assignment: Assignment, actor: ActorUser, message: str) -> Reminder:
    """催办 by staff: a reminder row now; delivery is queued after commit."""
    suggestion, assignment = _lock_assignment(assignment)
    _require(actor, Action.REMIND, assignment)
    message = _text(message, _("催办内容"), max_length=500)
    reminder = Reminder.objects.create(
        key=f"manual:{assignment.pk}:{timezone.now().isoformat()}",
        kind=Reminder.Kind.MANUAL,
        stage="manual",
        suggestion=suggestion,
        assignment=assignment,
        office=assignment.office,
        message=message,
        is_urgent=True,
        created_by=actor,
    )
    _audit(
        action=AuditAction.REMIND,
        actor=actor,
        suggestion=suggestion,
        assignment=assignment,
        from_status=assignment.status,
        to_status=assignment.status,
        note=message,
        data={"reminder": reminder.pk},
    )
    queue_after_commit("suggestions.tasks.deliver_reminder", reminder.pk)
    return reminder


# --------------------------------------------------------------------------- steps with their files
# A form that saves text and a file is one service: both are written, or neither.


def _add_file(*, suggestion, actor, upload, assignment=None):
    """``upload`` is ``(uploaded_file, content_type)`` or ``None``."""
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


def suggestion_save_draft_with_files(*, actor, title, body, category, series=None, suggestion=None, uploads=()):
    """Save a draft (``suggestion_save_draft``) and add its new files, in one transaction."""
    with transaction.atomic():
        saved = suggestion_save_draft(
            actor=actor, title=title, body=body, category=category, series=series, suggestion=suggestion
        )
        for upload in uploads:
            _add_file(suggestion=saved, actor=actor, upload=upload)
    return saved


def opinion_send_with_file(*, assignment, actor, text, upload=None):
    """A co-office's opinion (``opinion_send``) with its optional file, in one transaction."""
    with transaction.atomic():
        attachment = _add_file(suggestion=assignment.suggestion, actor=actor, upload=upload, assignment=assignment)
        return opinion_send(assignment=assignment, actor=actor, text=text, attachment=attachment)


def reply_save_draft_with_letter(*, assignment, actor, text, result_class=None, signed_off_by="", letter=None):
    """Save the reply draft (``reply_save_draft``) with its optional signed letter, in one transaction."""
    with transaction.atomic():
        attachment = _add_file(suggestion=assignment.suggestion, actor=actor, upload=letter, assignment=assignment)
        return reply_save_draft(
            assignment=assignment,
            actor=actor,
            text=text,
            result_class=result_class,
            signed_off_by=signed_off_by,
            attachment=attachment,
        )


def reply_attach_uploaded_letter(*, reply, actor, letter):
    """补传: store the signed letter and attach it to the submitted ``reply``, in one transaction."""
    assignment = reply.assignment
    with transaction.atomic():
        attachment = _add_file(suggestion=assignment.suggestion, actor=actor, upload=letter, assignment=assignment)
        return reply_attach_letter(reply=reply, actor=actor, attachment=attachment)


# --------------------------------------------------------------------------- notifications


def notification_mark_read(*, user, notification=None):
    """Mark ``notification`` read, or every unread notification of ``user``; only the user's own.

    Returns how many were marked."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())
