"""Progress reminders (催办): the scan that finds what is due, and the idempotent senders.

The database is the source of truth. ``scan`` records each due reminder once,
under a unique key (what, for which object, which stage), with one delivery row
per recipient and channel; ``dispatch_pending`` hands every delivery that is not
sent yet to a sender. Senders claim a delivery (status ``sending``, attempts + 1,
committed) before sending and mark it sent afterwards; a claim older than the
lease is taken over, so a sender killed mid-send is retried. E-mails carry a
deterministic Message-ID and in-app notifications a dedupe key, so a retry does
not make a second message.

Schedule (offsets from each session's ``DeadlinePolicy.reminder_offsets``):
office-facing reminders are created on working days only (China's calendar,
make-up workdays included); delegate-facing ones (co-signer invitations,
ratings) count calendar days and run every day. A stage that was missed (the
scan did not run) is still sent until the next stage takes over.
"""

import datetime
import json
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from delegates.models import Session
from suggestions import roles
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    CoSigner,
    DeadlinePolicy,
    FollowUp,
    Notification,
    OfficeMember,
    Reminder,
    ReminderDelivery,
    Reply,
    Suggestion,
)
from suggestions.reminders import sms
from suggestions.workdays import WorkCalendar

logger = logging.getLogger(__name__)

A = Assignment.Status
K = Reminder.Kind
D = ReminderDelivery
# Rows per batch: a scan's query count stays the same up to this many due rows of a kind (a whole
# session of a real district is a few hundred suggestions), and memory stays bounded beyond it.
BATCH_SIZE = 5000
DISPATCH_LIMIT = 2000
IMMEDIATE_KINDS = (K.MANUAL, K.OVERDUE)


class TransientDeliveryError(Exception):
    """A send failed for a reason that may pass (network, broker, 4xx); the task retries with backoff."""


def lease_seconds():
    return int(getattr(settings, "REMINDER_SEND_LEASE_SECONDS", 300))


def max_attempts():
    return int(getattr(settings, "REMINDER_MAX_ATTEMPTS", 5))


# --------------------------------------------------------------------------- calendar arithmetic


def day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def workday_cutoff(cal, today, count):
    """The latest date with at least ``count`` working days after it up to ``today``."""
    day = today
    while cal.workdays_between(day, today) < count:
        day -= datetime.timedelta(days=1)
    return day


def _trigger(cal, due, before):
    return cal.add_workdays(due, -before) if before else due


def before_stage_dates(cal, today, offsets):
    """{offset: [due dates]} whose reminder ``offset`` working days before is the current stage today.

    A stage is current from its trigger day until the next (smaller) stage's
    trigger day; the last one lasts until the due date itself.
    """
    offsets = sorted({int(o) for o in offsets}, reverse=True)
    if not offsets:
        return {}
    horizon = today + datetime.timedelta(days=offsets[0] * 2 + 40)
    result = {o: [] for o in offsets}
    day = today
    while day <= horizon:
        for index, offset in enumerate(offsets):
            if _trigger(cal, day, offset) > today:
                continue
            later = offsets[index + 1] if index + 1 < len(offsets) else None
            if later is not None and _trigger(cal, day, later) <= today:
                continue
            result[offset].append(day)
        day += datetime.timedelta(days=1)
    return {o: days for o, days in result.items() if days}


def every_stage(days_since, every):
    """1 for the first period after a date, 2 for the next …; 0 before."""
    return days_since // every if days_since >= every else 0


# --------------------------------------------------------------------------- planning


@dataclass
class Recipient:
    user: object
    phone: str = ""


@dataclass
class Plan:
    key: str
    kind: str
    stage: str
    message: str
    suggestion_id: int | None = None
    assignment_id: int | None = None
    office_id: int | None = None
    is_urgent: bool = False
    recipients: list = field(default_factory=list)


class _People:
    """Recipients looked up once per scan (offices by batch, staff once)."""

    def __init__(self):
        self.offices = {}
        self._staff = None

    def load_offices(self, office_ids):
        missing = set(office_ids) - set(self.offices)
        if not missing:
            return
        for office_id in missing:
            self.offices[office_id] = []
        members = OfficeMember.objects.filter(office_id__in=missing, user__is_active=True).select_related("user")
        for member in members.order_by("pk"):
            self.offices[member.office_id].append(member)

    def clerks(self, office_id):
        members = self.offices.get(office_id, [])
        clerks = [m for m in members if m.role == OfficeMember.Role.CLERK] or members
        return [Recipient(m.user, m.phone) for m in clerks]

    def office_all(self, office_id):
        return [Recipient(m.user, m.phone) for m in self.offices.get(office_id, [])]

    def staff(self):
        if self._staff is None:
            User = get_user_model()
            self._staff = [
                Recipient(u) for u in User.objects.filter(groups__name=roles.STAFF_GROUP, is_active=True).order_by("pk")
            ]
        return self._staff


def _policy_groups():
    """[(policy, [session ids])]: sessions sharing the same reminder settings are scanned together."""
    policies = {p.session_id: p for p in DeadlinePolicy.objects.all()}
    groups = {}
    for session_id in Session.objects.order_by("pk").values_list("pk", flat=True):
        policy = policies.get(session_id) or DeadlinePolicy(session_id=session_id)
        signature = json.dumps([{**_defaults(), **(policy.reminder_offsets or {})}, policy.rating_days], sort_keys=True)
        groups.setdefault(signature, (policy, []))[1].append(session_id)
    return list(groups.values())


def _defaults():
    from suggestions.models import default_reminder_offsets

    return default_reminder_offsets()


def _batches(queryset, size=BATCH_SIZE):
    """Keyset pagination by primary key: never loads the whole table."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = rows[-1].pk


def _effective_due_in(days):
    return Assignment.effective_due_q("in", days)


def _effective_due_lte(day):
    return Assignment.effective_due_q("lte", day)


def _assignment_plan(assignment, kind, stage, message, recipients, *, urgent=False):
    return Plan(
        key=f"{kind}:{assignment.pk}:{stage}",
        kind=kind,
        stage=stage,
        message=message,
        suggestion_id=assignment.suggestion_id,
        assignment_id=assignment.pk,
        office_id=assignment.office_id,
        is_urgent=urgent,
        recipients=recipients,
    )


class Scanner:
    """One scan: one calendar, one look at the policies, batched queries per reminder row of the table."""

    def __init__(self, *, now, cal=None):
        self.now = now
        self.today = timezone.localdate(now)
        self.cal = cal or WorkCalendar()
        self.people = _People()
        self.is_workday = self.cal.is_workday(self.today)

    # Each generator yields lists of plans (one list per batch).

    def _assignments(self, session_ids, condition):
        return Assignment.objects.filter(condition, suggestion__session_id__in=session_ids).select_related(
            "suggestion__leader__user"
        )

    def sign(self, policy, session_ids):
        after, every = policy.offset("sign_after_workdays"), max(1, policy.offset("sign_every_workdays"))
        cutoff = workday_cutoff(self.cal, self.today, after)
        qs = self._assignments(
            session_ids, Q(status=A.PENDING, assigned_at__lt=day_start(cutoff + datetime.timedelta(days=1)))
        )
        for batch in _batches(qs):
            self.people.load_offices({a.office_id for a in batch})
            plans = []
            for a in batch:
                days = self.cal.workdays_between(timezone.localdate(a.assigned_at), self.today)
                if days < after:
                    continue
                stage = 1 + (days - after) // every
                message = _("请签收交办的建议“%(title)s”（已交办%(days)s个工作日）。") % {
                    "title": a.suggestion.title,
                    "days": days,
                }
                plans.append(_assignment_plan(a, K.SIGN, f"n{stage}", message, self.people.clerks(a.office_id)))
            yield plans

    def _before_and_late(self, *, kind, session_ids, before, every, base, message_before, message_late):
        """Reminders N working days before the effective deadline, on the day, then every ``every`` days after it."""
        stage_days = before_stage_dates(self.cal, self.today, before)
        for offset, days in stage_days.items():
            condition = base & _effective_due_in(days)
            for batch in _batches(self._assignments(session_ids, condition)):
                self.people.load_offices({a.office_id for a in batch})
                plans = []
                for a in batch:
                    due = a.effective_due
                    message = message_before % {"title": a.suggestion.title, "date": due}
                    stage = f"before{offset}"
                    plans.append(_assignment_plan(a, kind, stage, message, self.people.clerks(a.office_id)))
                yield plans
        if not every:
            return
        last = self.today - datetime.timedelta(days=every)
        condition = base & _effective_due_lte(last)
        for batch in _batches(self._assignments(session_ids, condition)):
            self.people.load_offices({a.office_id for a in batch})
            plans = []
            for a in batch:
                due = a.effective_due
                stage = every_stage((self.today - due).days, every)
                message = message_late % {"title": a.suggestion.title, "date": due, "n": stage}
                plans.append(_assignment_plan(a, kind, f"late{stage}", message, self.people.clerks(a.office_id)))
            yield plans

    def opinion(self, policy, session_ids):
        yield from self._before_and_late(
            kind=K.OPINION,
            session_ids=session_ids,
            before=policy.offset("opinion_before_workdays"),
            every=policy.offset("opinion_overdue_every_days"),
            base=Q(role=Assignment.Role.CO, status__in=[A.PENDING, A.SIGNED]),
            message_before=_("协办意见须于%(date)s前送主办单位：建议“%(title)s”。"),
            message_late=_("协办意见已逾期（期限%(date)s），请尽快送主办单位：建议“%(title)s”。"),
        )

    def reply_due(self, policy, session_ids):
        yield from self._before_and_late(
            kind=K.REPLY_DUE,
            session_ids=session_ids,
            before=policy.offset("reply_before_workdays"),
            every=0,
            base=Q(
                role__in=[Assignment.Role.LEAD, Assignment.Role.SEPARATE],
                status__in=Assignment.UNANSWERED,
            ),
            message_before=_("建议“%(title)s”须于%(date)s前答复代表。"),
            message_late="",
        )

    def rehandle(self, policy, session_ids):
        yield from self._before_and_late(
            kind=K.REHANDLE,
            session_ids=session_ids,
            before=policy.offset("rehandle_before_workdays"),
            every=policy.offset("overdue_every_days"),
            base=Q(status=A.REHANDLING),
            message_before=_("重新办理的建议“%(title)s”须于%(date)s前再次答复代表。"),
            message_late=_("重新办理的建议“%(title)s”已超过期限%(date)s，请尽快答复（第%(n)s次催办）。"),
        )

    def overdue(self, policy, session_ids):
        """The day after the due date, then weekly; the first time to the office and staff, then the leader too."""
        every = max(1, policy.offset("overdue_every_days"))
        yesterday = self.today - datetime.timedelta(days=1)
        base = Q(
            role__in=[Assignment.Role.LEAD, Assignment.Role.SEPARATE],
            status__in=Assignment.UNANSWERED,
        )
        for batch in _batches(self._assignments(session_ids, base & _effective_due_lte(yesterday))):
            self.people.load_offices({a.office_id for a in batch})
            plans = []
            for a in batch:
                due = a.effective_due
                # The first working day after the due date, then every ``every`` days (catching up a holiday).
                first = self.cal.next_workday(due + datetime.timedelta(days=1))
                stage = 1 + max(0, (self.today - first).days) // every
                recipients = self.people.office_all(a.office_id) + self.people.staff()
                if stage >= 2 and a.suggestion.is_key and a.suggestion.leader and a.suggestion.leader.user:
                    recipients.append(Recipient(a.suggestion.leader.user))
                message = _("建议“%(title)s”已超过答复期限（%(date)s），请尽快答复（第%(n)s次催办）。") % {
                    "title": a.suggestion.title,
                    "date": due,
                    "n": stage,
                }
                plans.append(_assignment_plan(a, K.OVERDUE, f"n{stage}", message, recipients, urgent=True))
            yield plans

    def follow_up(self, policy, session_ids):
        months = max(1, policy.offset("followup_every_months"))
        # add_months(day, n) is never earlier than day + 28·n days: older replies only can be due.
        cutoff = self.today - datetime.timedelta(days=28 * months)
        solved = FollowUp.objects.filter(reply=OuterRef("pk"), status=FollowUp.Status.SOLVED_CONFIRMED)
        qs = (
            Reply.objects.filter(
                status=Reply.Status.SUBMITTED,
                result_class__needs_follow_up=True,
                suggestion__session_id__in=session_ids,
            )
            .exclude(Exists(solved))
            .select_related("assignment", "suggestion")
        )
        for batch in _batches(qs.filter(submitted_at__lt=day_start(cutoff + datetime.timedelta(days=1)))):
            self.people.load_offices({r.assignment.office_id for r in batch})
            plans = []
            for reply in batch:
                submitted = timezone.localdate(reply.submitted_at)
                stage = 0
                while self.cal.add_months(submitted, months * (stage + 1)) <= self.today:
                    stage += 1
                if not stage:
                    continue
                a = reply.assignment
                plans.append(
                    Plan(
                        key=f"{K.FOLLOW_UP}:{reply.pk}:n{stage}",
                        kind=K.FOLLOW_UP,
                        stage=f"n{stage}",
                        message=_("建议“%(title)s”正在解决（B类），请报送最新办理进展。")
                        % {"title": reply.suggestion.title},
                        suggestion_id=reply.suggestion_id,
                        assignment_id=a.pk,
                        office_id=a.office_id,
                        recipients=self.people.clerks(a.office_id),
                    )
                )
            yield plans

    def invitation(self, policy, session_ids):
        after = datetime.timedelta(days=policy.offset("invitation_after_days"))
        before = datetime.timedelta(days=policy.offset("invitation_before_days"))
        base = CoSigner.objects.filter(
            status=CoSigner.Status.INVITED,
            suggestion__session_id__in=session_ids,
        ).select_related("suggestion", "delegate__user", "delegate__contact")
        stages = (
            ("after", Q(invited_at__lte=self.now - after) & (Q(deadline__isnull=True) | Q(deadline__gt=self.now))),
            ("before", Q(deadline__gt=self.now, deadline__lte=self.now + before)),
        )
        for stage, condition in stages:
            for batch in _batches(base.filter(condition)):
                plans = []
                for c in batch:
                    if not c.delegate.user_id or not c.delegate.user.is_active:
                        continue
                    deadline = timezone.localtime(c.deadline).date() if c.deadline else ""
                    message = (
                        _("代表邀请您联名建议“%(title)s”，请在%(date)s前确认。")
                        if deadline
                        else _("代表邀请您联名建议“%(title)s”，请确认。")
                    ) % {"title": c.suggestion.title, "date": deadline}
                    plans.append(
                        Plan(
                            key=f"{K.INVITATION}:{c.pk}:{stage}",
                            kind=K.INVITATION,
                            stage=stage,
                            message=message,
                            suggestion_id=c.suggestion_id,
                            recipients=[Recipient(c.delegate.user, _phone(c.delegate))],
                        )
                    )
                yield plans

    def rating(self, policy, session_ids):
        after = policy.offset("rating_after_workdays")
        before_close = policy.offset("rating_before_close_days")
        window = policy.rating_days
        cutoff = workday_cutoff(self.cal, self.today, after)
        opened = self.today - datetime.timedelta(days=window)  # replies of that day or earlier are closed
        base = Reply.objects.filter(
            status=Reply.Status.SUBMITTED,
            suggestion__session_id__in=session_ids,
            suggestion__status=Suggestion.Status.REPLIED,
            round__number=F("suggestion__current_round"),
        ).select_related("assignment__office", "suggestion__lead_delegate__user", "suggestion__lead_delegate__contact")
        stages = (
            (
                "after",
                Q(
                    submitted_at__gte=day_start(opened + datetime.timedelta(days=1)),
                    submitted_at__lt=day_start(cutoff + datetime.timedelta(days=1)),
                ),
            ),
            (
                "before_close",
                Q(
                    submitted_at__gte=day_start(opened + datetime.timedelta(days=1)),
                    submitted_at__lt=day_start(opened + datetime.timedelta(days=before_close + 1)),
                ),
            ),
        )
        for stage, condition in stages:
            for batch in _batches(base.filter(condition)):
                raters = _raters(batch)
                plans = []
                for reply in batch:
                    waiting = [
                        d
                        for d in raters["delegates"][reply.suggestion_id]
                        if d.pk not in raters["rated"][reply.pk] and d.user_id and d.user.is_active
                    ]
                    if not waiting:
                        continue
                    close = timezone.localdate(reply.submitted_at) + datetime.timedelta(days=window)
                    plans.append(
                        Plan(
                            key=f"{K.RATING}:{reply.pk}:{stage}",
                            kind=K.RATING,
                            stage=stage,
                            message=_("请在%(date)s前评价%(office)s对建议“%(title)s”的答复。")
                            % {
                                "date": close,
                                "office": reply.assignment.office.name,
                                "title": reply.suggestion.title,
                            },
                            suggestion_id=reply.suggestion_id,
                            assignment_id=reply.assignment_id,
                            recipients=[Recipient(d.user, _phone(d)) for d in waiting],
                        )
                    )
                yield plans

    def requests(self):
        """Return and extension requests waiting for staff (not per session: one global setting would do)."""
        groups = _policy_groups()
        for policy, session_ids in groups:
            cutoff = workday_cutoff(self.cal, self.today, policy.offset("request_waiting_workdays"))
            qs = AssignmentRequest.objects.filter(
                status=AssignmentRequest.Status.PENDING,
                requested_at__lt=day_start(cutoff + datetime.timedelta(days=1)),
                assignment__suggestion__session_id__in=session_ids,
            ).select_related("assignment__office", "assignment__suggestion")
            for batch in _batches(qs):
                plans = []
                for r in batch:
                    a = r.assignment
                    plans.append(
                        Plan(
                            key=f"{K.REQUEST}:{r.pk}:waiting",
                            kind=K.REQUEST,
                            stage="waiting",
                            message=_("%(office)s的%(kind)s待审核：建议“%(title)s”。")
                            % {
                                "office": a.office.name,
                                "kind": r.get_kind_display(),
                                "title": a.suggestion.title,
                            },
                            suggestion_id=a.suggestion_id,
                            assignment_id=a.pk,
                            office_id=a.office_id,
                            recipients=self.people.staff(),
                        )
                    )
                yield plans

    def plans(self):
        groups = _policy_groups()
        for policy, session_ids in groups:
            if self.is_workday:
                yield from self.sign(policy, session_ids)
                yield from self.opinion(policy, session_ids)
                yield from self.reply_due(policy, session_ids)
                yield from self.overdue(policy, session_ids)
                yield from self.rehandle(policy, session_ids)
                yield from self.follow_up(policy, session_ids)
            yield from self.invitation(policy, session_ids)
            yield from self.rating(policy, session_ids)
        if self.is_workday:
            yield from self.requests()


def _phone(delegate):
    try:
        return delegate.contact.phone
    except delegate.__class__.contact.RelatedObjectDoesNotExist:
        return ""


def _raters(replies):
    """Delegates (lead and confirmed co-signers) of the replies' suggestions and who has rated which reply."""
    from suggestions.models import Rating

    delegates = defaultdict(list)
    for reply in replies:
        if reply.suggestion_id not in delegates:
            delegates[reply.suggestion_id].append(reply.suggestion.lead_delegate)
    cosigners = (
        CoSigner.objects.filter(suggestion_id__in=list(delegates), status=CoSigner.Status.CONFIRMED)
        .select_related("delegate__user", "delegate__contact")
        .order_by("pk")
    )
    for c in cosigners:
        delegates[c.suggestion_id].append(c.delegate)
    rated = defaultdict(set)
    for reply_id, delegate_id in Rating.objects.filter(reply__in=replies).values_list("reply_id", "delegate_id"):
        rated[reply_id].add(delegate_id)
    return {"delegates": delegates, "rated": rated}


# --------------------------------------------------------------------------- recording


def _deliveries_for(reminder_id, recipients, *, now=None):
    now = now or timezone.now()
    rows = {}
    for recipient in recipients:
        user = recipient.user
        common = {"reminder_id": reminder_id, "recipient": user, "created_at": now}
        rows[(user.pk, D.Channel.INAPP)] = D(channel=D.Channel.INAPP, **common)
        if user.email:
            rows[(user.pk, D.Channel.EMAIL)] = D(channel=D.Channel.EMAIL, address=user.email, **common)
        if recipient.phone:
            rows[(user.pk, D.Channel.SMS)] = D(channel=D.Channel.SMS, address=recipient.phone, **common)
    return list(rows.values())


@transaction.atomic
def record(plans, *, now):
    """Create the reminders (once per key) and, for the ones that have none yet, their deliveries.

    Returns the number of reminders created. Rows are inserted in key order so two
    scans at once wait for each other instead of deadlocking.
    """
    if not plans:
        return 0
    by_key = {p.key: p for p in plans}
    keys = sorted(by_key)
    Reminder.objects.bulk_create(
        [
            Reminder(
                key=key,
                kind=by_key[key].kind,
                stage=by_key[key].stage,
                message=by_key[key].message,
                suggestion_id=by_key[key].suggestion_id,
                assignment_id=by_key[key].assignment_id,
                office_id=by_key[key].office_id,
                is_urgent=by_key[key].is_urgent,
                created_at=now,
            )
            for key in keys
        ],
        ignore_conflicts=True,
    )
    fresh = dict(
        Reminder.objects.filter(key__in=keys, created_at=now)
        .filter(~Exists(ReminderDelivery.objects.filter(reminder=OuterRef("pk"))))
        .values_list("key", "pk")
    )
    rows = []
    for key in sorted(fresh):
        rows += _deliveries_for(fresh[key], by_key[key].recipients, now=now)
    rows.sort(key=lambda d: (d.reminder_id, d.recipient_id, d.channel))
    ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(fresh)


def scan(*, now=None, dry_run=False):
    """Record every reminder that is due at ``now``. Returns the number of reminders created (or planned)."""
    now = now or timezone.now()
    created = 0
    scanner = Scanner(now=now)
    for plans in scanner.plans():
        if dry_run:
            existing = set(Reminder.objects.filter(key__in=[p.key for p in plans]).values_list("key", flat=True))
            created += sum(1 for p in plans if p.key not in existing)
        else:
            created += record(plans, now=now)
    return created


def reminder_ensure_deliveries(*, reminder):
    """A manual reminder gets its deliveries when it is first delivered: the office's clerks and head."""
    if reminder.deliveries.exists() or not reminder.office_id:
        return
    people = _People()
    people.load_offices([reminder.office_id])
    rows = _deliveries_for(reminder.pk, people.office_all(reminder.office_id))
    ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)


# --------------------------------------------------------------------------- sending


def _claimable(now):
    stale = now - datetime.timedelta(seconds=lease_seconds())
    return Q(status=D.Status.PENDING) | Q(status=D.Status.SENDING, claimed_at__lt=stale)


def _digest_q():
    return Q(channel=D.Channel.EMAIL, reminder__is_urgent=False)


def is_immediate(reminder):
    return reminder.is_urgent or reminder.kind in IMMEDIATE_KINDS


def message_id(kind, *parts):
    domain = getattr(settings, "REMINDER_MESSAGE_ID_DOMAIN", "huaxi-renda.local")
    return f"<{kind}-{'-'.join(str(p) for p in parts)}@{domain}>"


def suggestion_label(suggestion):
    """Which suggestion a message is about: its number once registered, and its title."""
    if suggestion.number:
        return _("%(number)s《%(title)s》") % {"number": suggestion.number_display, "title": suggestion.title}
    return _("《%(title)s》") % {"title": suggestion.title}


def _about(reminder):
    """The reminder's text with the suggestion it concerns named first."""
    if not reminder.suggestion_id:
        return reminder.message
    return _("建议：%(suggestion)s") % {"suggestion": suggestion_label(reminder.suggestion)} + "\n" + reminder.message


def _claim(queryset, *, now, **extra):
    """Take rows for sending: lock (skipping rows another sender holds), mark sending, count the attempt, commit."""
    with transaction.atomic():
        rows = list(queryset.filter(_claimable(now)).select_for_update(skip_locked=True, of=("self",)).order_by("pk"))
        ids = [r.pk for r in rows]
        if ids:
            D.objects.filter(pk__in=ids).update(
                status=D.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now, **extra
            )
    return ids


def _is_transient(exc):
    if isinstance(exc, TransientDeliveryError | sms.TransientSMSError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused | sms.SMSError):
        return False
    return isinstance(exc, OSError | TimeoutError | ConnectionError)


def _mark_sent(ids):
    D.objects.filter(pk__in=ids, status=D.Status.SENDING).update(
        status=D.Status.SENT, sent_at=timezone.now(), last_error=""
    )


def _mark_failed(ids, exc):
    """Back to pending for a transient error (until the bound), else failed for good."""
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    transient = _is_transient(exc)
    rows = D.objects.filter(pk__in=ids, status=D.Status.SENDING)
    retrying = 0
    if transient:
        retrying = rows.filter(attempts__lt=max_attempts()).update(
            status=D.Status.PENDING, last_error=error, claimed_at=None
        )
    failed = rows.update(status=D.Status.FAILED, last_error=error)
    logger.warning("Reminder delivery %s: %s (%s retry, %s failed for good)", ids, error, retrying, failed)
    return retrying > 0


def _send_one(delivery):
    reminder = delivery.reminder
    if delivery.channel == D.Channel.INAPP:
        url = reminder.suggestion.get_absolute_url() if reminder.suggestion_id else ""
        if (
            reminder.assignment_id
            and roles.office_ids_of(delivery.recipient)
            and not roles.is_staff_member(delivery.recipient)
        ):
            url = reminder.assignment.get_absolute_url()
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=delivery.recipient_id,
                    suggestion_id=reminder.suggestion_id,
                    url=url,
                    title=(_("【催办】%(kind)s") % {"kind": reminder.get_kind_display()})[:200],
                    body=_about(reminder),
                    dedupe_key=f"reminder-delivery:{delivery.pk}",
                )
            ],
            ignore_conflicts=True,
        )
    elif delivery.channel == D.Channel.EMAIL:
        EmailMessage(
            subject=_("【催办】%(kind)s") % {"kind": reminder.get_kind_display()},
            body=_email_body([reminder]),
            to=[delivery.address or delivery.recipient.email],
            headers={"Message-ID": message_id("reminder", delivery.pk)},
        ).send()
    elif delivery.channel == D.Channel.SMS:
        number = reminder.suggestion.number_display if reminder.suggestion_id else ""
        if number:  # one SMS has no room for a title: the number says which suggestion
            text = _("【花溪人大】%(number)s：%(message)s") % {"number": number, "message": reminder.message}
        else:
            text = _("【花溪人大】%(message)s") % {"message": reminder.message}
        text = sms.fit_sms(text)
        sms.get_sms_backend().send(delivery.address, text, message_id=f"reminder-delivery-{delivery.pk}")


def _email_body(reminders):
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    lines = []
    for index, reminder in enumerate(reminders, start=1):
        lines.append(f"{index}. {reminder.get_kind_display()}：{reminder.message}")
        if reminder.suggestion_id:
            lines.append("   " + _("建议：%(suggestion)s") % {"suggestion": suggestion_label(reminder.suggestion)})
        if reminder.suggestion_id and base:
            lines.append(f"   {base}{reminder.suggestion.get_absolute_url()}")
    lines.append("")
    lines.append(_("请登录花溪人大代表建议办理系统办理。"))
    return "\n".join(lines)


def reminder_deliver(*, reminder_id, now=None):
    """Send a reminder's in-app, SMS and (for urgent reminders) e-mail deliveries that are not sent yet.

    Non-urgent e-mails wait for the recipient's daily digest. Returns the number
    sent; raises ``TransientDeliveryError`` when something should be retried.
    """
    now = now or timezone.now()
    reminder = Reminder.objects.filter(pk=reminder_id).first()
    if reminder is None:
        return 0
    reminder_ensure_deliveries(reminder=reminder)
    queryset = D.objects.filter(reminder_id=reminder_id)
    if not is_immediate(reminder):
        queryset = queryset.exclude(channel=D.Channel.EMAIL)
    sent, retry = 0, None
    for delivery_id in _claim(queryset, now=now):
        delivery = D.objects.select_related("reminder__suggestion", "reminder__assignment", "recipient").get(
            pk=delivery_id
        )
        try:
            _send_one(delivery)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
            if _mark_failed([delivery_id], exc):
                retry = exc
            continue
        _mark_sent([delivery_id])
        sent += 1
    if retry is not None:
        raise TransientDeliveryError(str(retry))
    return sent


def digest_send(*, user_id, date, now=None):
    """Today's digest for one recipient: every pending non-urgent e-mail reminder in one message, once a day."""
    now = now or timezone.now()
    if isinstance(date, str):
        date = datetime.date.fromisoformat(date)
    # A digest belongs to the day it goes out: a run for a later day (send_reminders --date) sends
    # today's, and never spends that day's.
    date = min(date, timezone.localdate(now))
    mine = D.objects.filter(recipient_id=user_id, channel=D.Channel.EMAIL)
    if mine.filter(digest_date=date, status=D.Status.SENT).exists():
        return 0
    ids = _claim(mine.filter(reminder__is_urgent=False), now=now, digest_date=date)
    if not ids:
        return 0
    deliveries = list(D.objects.filter(pk__in=ids).select_related("reminder__suggestion", "recipient").order_by("pk"))
    user = deliveries[0].recipient
    reminders = [d.reminder for d in deliveries]
    try:
        EmailMessage(
            subject=_("【催办】今日待办提醒（%(count)s项）") % {"count": len(reminders)},
            body=_email_body(reminders),
            to=[user.email],
            # The first delivery names the digest: a retry of the same claim keeps its Message-ID, and a
            # second digest sent while this one is still in flight gets its own.
            headers={"Message-ID": message_id("digest", user_id, date.isoformat(), ids[0])},
        ).send()
    except Exception as exc:  # noqa: BLE001 - recorded on the rows
        if _mark_failed(ids, exc):
            raise TransientDeliveryError(str(exc))
        return 0
    _mark_sent(ids)
    return len(ids)


def dispatch_pending(*, now=None, today=None, run=None):
    """Hand every delivery that is not sent yet to a sender: ``run(task_name, *args)`` queues or runs it.

    Called at the end of each scan, so whatever could not be queued when Redis was
    down, or whose sender died, goes out with the next scan. ``today`` is the
    digest day (a scan run by hand for another day passes it); leases are
    measured against ``now``, the real time.
    """
    now = now or timezone.now()
    today = min(today or timezone.localdate(now), timezone.localdate(now))  # see digest_send
    run = run or run_inline
    waiting = D.objects.filter(_claimable(now))
    immediate = list(
        waiting.exclude(_digest_q())
        .order_by("reminder_id")
        .values_list("reminder_id", flat=True)
        .distinct()[:DISPATCH_LIMIT]
    )
    # Manual reminders whose delivery could not be queued have no delivery rows yet.
    immediate += list(
        Reminder.objects.filter(kind=K.MANUAL, created_at__gte=now - datetime.timedelta(days=30))
        .filter(~Exists(D.objects.filter(reminder=OuterRef("pk"))))
        .values_list("pk", flat=True)[:DISPATCH_LIMIT]
    )
    sent_today = D.objects.filter(channel=D.Channel.EMAIL, digest_date=today, status=D.Status.SENT)
    digest_users = list(
        waiting.filter(_digest_q())
        .exclude(recipient_id__in=sent_today.values("recipient_id"))
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[:DISPATCH_LIMIT]
    )
    for reminder_id in immediate:
        run("suggestions.tasks.deliver_reminder", reminder_id)
    for user_id in digest_users:
        run("suggestions.tasks.send_digest", user_id, today.isoformat())
    return {"reminders": len(immediate), "digests": len(digest_users)}


def run_inline(task_name, *args):
    """Run a delivery in this process (management command, or when the broker is down)."""
    try:
        if task_name.endswith("deliver_reminder"):
            return reminder_deliver(reminder_id=args[0])
        return digest_send(user_id=args[0], date=args[1])
    except TransientDeliveryError:
        logger.warning("Transient failure in %s%r; the next scan retries", task_name, args)
        return 0


def run_queued(task_name, *args):
    """Queue a delivery task; when the broker is down, send it from here instead."""
    from celery import current_app

    try:
        current_app.send_task(task_name, args=args)
    except Exception:  # noqa: BLE001 - broker down: deliver inline, the rows make it idempotent
        logger.warning("Could not queue %s%r; delivering inline", task_name, args, exc_info=True)
        run_inline(task_name, *args)


def failed_count():
    """Deliveries that failed for good, for the staff home page."""
    return D.objects.filter(status=D.Status.FAILED).count()


# --------------------------------------------------------------------------- what "sent" means


def _records_only(backend_path, recording_classes):
    try:
        backend = import_string(backend_path)
    except ImportError:
        return False
    return isinstance(backend, type) and issubclass(backend, recording_classes)


def sent_label(channel):
    """What a sent delivery of ``channel`` really became with the configured backends.

    The console, in-memory, dummy and file e-mail backends and the logging SMS backend deliver
    nothing: their messages are only recorded. SMTP (or any other backend) hands them over.
    """
    from django.core.mail.backends import console, dummy, filebased, locmem

    if channel == D.Channel.EMAIL:
        recording = (console.EmailBackend, dummy.EmailBackend, filebased.EmailBackend, locmem.EmailBackend)
        if _records_only(settings.EMAIL_BACKEND, recording):
            return _("仅记录")
        return _("已交给邮件服务")
    if channel == D.Channel.SMS:
        if _records_only(settings.SMS_BACKEND, sms.LoggingSMSBackend):
            return _("仅记录")
        return _("已交给短信服务")
    return _("已送达")


def label_deliveries(deliveries):
    """Set ``status_label`` on each delivery: the status, with "sent" said as what really happened."""
    labels = {}
    for delivery in deliveries:
        if delivery.status == D.Status.SENT:
            if delivery.channel not in labels:
                labels[delivery.channel] = sent_label(delivery.channel)
            delivery.status_label = labels[delivery.channel]
        else:
            delivery.status_label = delivery.get_status_display()
    return deliveries
