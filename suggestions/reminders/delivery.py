"""Sending: claim a delivery, hand it to its channel, mark it; digests; retries; dispatch of what is waiting.

Senders claim a delivery (status ``sending``, attempts + 1, committed) before
sending and mark it sent afterwards; a claim older than the lease is taken over,
so a sender killed mid-send is retried. E-mails carry a deterministic
Message-ID and in-app notifications a dedupe key, so a retry does not make a
second message.
"""

import datetime
import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.models import Reminder, ReminderDelivery
from suggestions.reminders import texts
from suggestions.reminders.channels import TransientDeliveryError, registry
from suggestions.reminders.preferences import hold_until, sent_today_counts
from suggestions.reminders.record import reminder_ensure_deliveries

logger = logging.getLogger("suggestions.reminders")

K = Reminder.Kind
D = ReminderDelivery
# Reminders handed out per dispatch (a storm's worth: a week without a scan), in tasks of SEND_BATCH each;
# users given a digest task per dispatch.
DISPATCH_LIMIT = 250_000
DIGEST_LIMIT = 2000
SEND_BATCH = 200
# Deliveries marked sent together: a sender killed in between leaves at most this many to recover.
MARK_EVERY = 50
IMMEDIATE_KINDS = (K.MANUAL, K.OVERDUE)


def lease_seconds() -> int:
    """How long a claim holds before another sender may take the delivery over."""
    return int(getattr(settings, "REMINDER_SEND_LEASE_SECONDS", 300))


def max_attempts() -> int:
    """An optional bound on tries (0: none); without it, transient errors are retried over the window."""
    return int(getattr(settings, "REMINDER_MAX_ATTEMPTS", 0) or 0)


def retry_window() -> datetime.timedelta:
    """How long transient failures (a gateway outage) are retried before the delivery is reported failed."""
    return datetime.timedelta(hours=float(getattr(settings, "REMINDER_RETRY_WINDOW_HOURS", 24)))


def backoff(attempts: int) -> datetime.timedelta:
    """The wait before the next try: doubling from ``REMINDER_RETRY_BACKOFF_SECONDS`` up to its maximum."""
    first = float(getattr(settings, "REMINDER_RETRY_BACKOFF_SECONDS", 60))
    most = float(getattr(settings, "REMINDER_RETRY_BACKOFF_MAX_SECONDS", 3600))
    return datetime.timedelta(seconds=min(most, first * 2 ** max(0, attempts - 1)))


def _claimable(now):
    stale = now - datetime.timedelta(seconds=lease_seconds())
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    return (Q(status=D.Status.PENDING) & due) | Q(status=D.Status.SENDING, claimed_at__lt=stale)


def _digest_q():
    return Q(channel__in=registry.digest_codes(), reminder__is_urgent=False)


def is_immediate(reminder: Reminder) -> bool:
    """Urgent, overdue and manual reminders go out on every channel at once; others wait for digests."""
    return reminder.is_urgent or reminder.kind in IMMEDIATE_KINDS


def claim(queryset, *, now: datetime.datetime, **extra) -> list[int]:
    """Take rows for sending: lock (skipping rows another sender holds), mark sending, count the attempt, commit."""
    with transaction.atomic():
        rows = list(queryset.filter(_claimable(now)).select_for_update(skip_locked=True, of=("self",)).order_by("pk"))
        ids = [r.pk for r in rows]
        if ids:
            D.objects.filter(pk__in=ids).update(
                status=D.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now, **extra
            )
    return ids


def _mark_sent(ids, *, provider_id="", report=None):
    fields = {
        "status": D.Status.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
        "not_before": None,
        "retry_since": None,
    }
    if provider_id:
        fields["provider_id"] = provider_id[:100]
    D.objects.filter(pk__in=ids, status=D.Status.SENDING).update(**fields)
    if report is not None and report.status in ("delivered", "failed"):
        from suggestions.reminders.receipts import apply_report

        for delivery in D.objects.filter(pk__in=ids):
            apply_report(delivery, report)


def _mark_failed(ids, exc, *, channel, now=None):
    """Back to pending, after a backoff, for a transient error within the retry window; else failed for good."""
    now = now or timezone.now()
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    rows = D.objects.filter(pk__in=ids, status=D.Status.SENDING)
    retrying = 0
    if channel.is_transient(exc):
        rows.filter(retry_since__isnull=True).update(retry_since=now)
        retry = rows.filter(retry_since__gt=now - retry_window())
        if max_attempts():
            retry = retry.filter(attempts__lt=max_attempts())
        for attempts in set(retry.values_list("attempts", flat=True)):
            retrying += retry.filter(attempts=attempts).update(
                status=D.Status.PENDING, last_error=error, claimed_at=None, not_before=now + backoff(attempts)
            )
    failed = rows.update(status=D.Status.FAILED, last_error=error)
    logger.warning("Reminder delivery %s: %s (%s retry, %s failed for good)", ids, error, retrying, failed)
    return retrying > 0


def send_one(delivery: ReminderDelivery):
    """Hand one claimed delivery to its channel: (gateway message id, report or None).

    A retry first asks the channel what became of the earlier attempt: a send
    whose outcome is unknown (a timeout, a sender that died) may have gone out,
    and is never simply repeated.
    """
    channel = registry.get(delivery.channel)
    if delivery.attempts > 1:
        report = channel.recover(delivery)
        if report is not None:
            return report.provider_id or delivery.provider_id, report
    return channel.send(delivery) or "", None


def reminder_deliver(*, reminder_id: int, now: datetime.datetime | None = None) -> int:
    """Send a reminder's deliveries that are not sent yet; non-urgent ones on digest channels wait.

    Returns the number sent; raises ``TransientDeliveryError`` when something should be retried.
    """
    return reminders_deliver(reminder_ids=[reminder_id], now=now)


def reminders_deliver(*, reminder_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Send the deliveries not sent yet of several reminders (a dispatch batch): one claim, one read.

    Urgent reminders go out on every channel; the others' digest channels wait for the
    digest. Sent rows are marked every ``MARK_EVERY``; a sender killed in between leaves
    them claimed, and the retry asks the channel what became of them (``send_one``).
    Returns the number sent; raises ``TransientDeliveryError`` when something should be retried.
    """
    now = now or timezone.now()
    found = list(Reminder.objects.filter(pk__in=reminder_ids).only("pk", "kind", "is_urgent", "office_id"))
    if not found:
        return 0
    # Manual reminders get their deliveries when first delivered.
    for reminder in found:
        if reminder.kind == K.MANUAL:
            reminder_ensure_deliveries(reminder=reminder)
    immediate = [r.pk for r in found if is_immediate(r)]
    others = [r.pk for r in found if not is_immediate(r)]
    # One list for the index on the reminder; the others' digest channels left out after it.
    queryset = D.objects.filter(reminder_id__in=immediate + others).exclude(
        reminder_id__in=others, channel__in=registry.digest_codes()
    )
    ids = claim(queryset, now=now)
    deliveries = list(
        D.objects.filter(pk__in=ids)
        .select_related("reminder__suggestion", "reminder__assignment", "recipient")
        .order_by("pk")
    )
    counts = sent_today_counts(deliveries, now=now)
    channels, bulk, held, sent, done, retry = {}, {}, {}, [], 0, None
    for delivery in deliveries:
        channel = channels.get(delivery.channel) or channels.setdefault(
            delivery.channel, registry.get(delivery.channel)
        )
        until = hold_until(delivery, channel, now=now, sent_today=counts)
        if until is not None:  # quiet hours or the daily cap: later, not lost
            held.setdefault(until, []).append(delivery.pk)
            continue
        if channel.bulk and delivery.attempts == 1:  # sent below, the batch at once
            bulk.setdefault(delivery.channel, []).append(delivery)
            continue
        try:
            provider_id, report = send_one(delivery)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
            if _mark_failed([delivery.pk], exc, channel=channel, now=now):
                retry = exc
            continue
        done += 1
        if channel.quiet:
            counts[(delivery.recipient_id, delivery.channel)] = (
                counts.get((delivery.recipient_id, delivery.channel), 0) + 1
            )
        if provider_id or report is not None:
            _mark_sent([delivery.pk], provider_id=provider_id, report=report)
            continue
        sent.append(delivery.pk)
        if len(sent) >= MARK_EVERY:
            _mark_sent(sent)
            sent = []
    if sent:
        _mark_sent(sent)
    for until, ids in held.items():
        D.objects.filter(pk__in=ids, status=D.Status.SENDING).update(
            status=D.Status.PENDING, claimed_at=None, not_before=until, attempts=F("attempts") - 1
        )
    for code, group in bulk.items():
        ids = [d.pk for d in group]
        try:
            channels[code].send_many(group)
        except Exception as exc:  # noqa: BLE001 - recorded on the rows
            if _mark_failed(ids, exc, channel=channels[code], now=now):
                retry = exc
            continue
        _mark_sent(ids)
        done += len(ids)
    if retry is not None:
        raise TransientDeliveryError(str(retry))
    return done


def digest_send(*, user_id: int, date, now: datetime.datetime | None = None, channel: str = "email") -> int:
    """Today's digest for one recipient: every pending non-urgent reminder of a digest channel in one message."""
    now = now or timezone.now()
    if isinstance(date, str):
        date = datetime.date.fromisoformat(date)
    # A digest belongs to the day it goes out: a run for a later day (send_reminders --date) sends
    # today's, and never spends that day's.
    date = min(date, timezone.localdate(now))
    mine = D.objects.filter(recipient_id=user_id, channel=channel)
    if mine.filter(digest_date=date, status=D.Status.SENT).exists():
        return 0
    ids = claim(mine.filter(reminder__is_urgent=False), now=now, digest_date=date)
    if not ids:
        return 0
    deliveries = list(D.objects.filter(pk__in=ids).select_related("reminder__suggestion", "recipient").order_by("pk"))
    sender = registry.get(channel)
    try:
        # The first delivery names the digest: a retry of the same claim keeps its Message-ID, and a
        # second digest sent while this one is still in flight gets its own.
        sender.send_digest(
            deliveries[0].recipient,
            deliveries,
            message_id=texts.message_id("digest", user_id, date.isoformat(), ids[0]),
        )
    except Exception as exc:  # noqa: BLE001 - recorded on the rows
        if _mark_failed(ids, exc, channel=sender, now=now):
            raise TransientDeliveryError(str(exc))
        return 0
    _mark_sent(ids)
    return len(ids)


def dispatch_pending(*, now=None, today=None, run: Callable | None = None) -> dict[str, int]:
    """Hand every delivery that is not sent yet to a sender: ``run(task_name, *args)`` queues or runs it.

    Called at the end of each scan, so whatever could not be queued when Redis was
    down, or whose sender died, goes out with the next scan. ``today`` is the
    digest day (a scan run by hand for another day passes it); leases are
    measured against ``now``, the real time.
    """
    now = now or timezone.now()
    today = min(today or timezone.localdate(now), timezone.localdate(now))  # see digest_send
    # Sent here, the deliveries are judged at the same ``now`` (quiet hours, the daily cap) as they were found.
    run = run or functools.partial(run_inline, now=now)
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
    for start in range(0, len(immediate), SEND_BATCH):
        batch = immediate[start : start + SEND_BATCH]
        if len(batch) == 1:
            run("suggestions.tasks.deliver_reminder", batch[0])
        else:
            run("suggestions.tasks.deliver_reminders", batch)
    digests = 0
    for code in registry.digest_codes():
        sent_today = D.objects.filter(channel=code, digest_date=today, status=D.Status.SENT)
        users = list(
            waiting.filter(_digest_q(), channel=code)
            .exclude(recipient_id__in=sent_today.values("recipient_id"))
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
            .distinct()[:DIGEST_LIMIT]
        )
        for user_id in users:
            if code == "email":
                run("suggestions.tasks.send_digest", user_id, today.isoformat())
            else:
                run("suggestions.tasks.send_digest", user_id, today.isoformat(), code)
        digests += len(users)
    return {"reminders": len(immediate), "digests": digests}


def run_inline(task_name: str, *args, now: datetime.datetime | None = None) -> int:
    """Run a delivery in this process (management command, or when the broker is down), at ``now``."""
    try:
        if task_name.endswith("deliver_reminders"):
            return reminders_deliver(reminder_ids=args[0], now=now)
        if task_name.endswith("deliver_reminder"):
            return reminder_deliver(reminder_id=args[0], now=now)
        return digest_send(user_id=args[0], date=args[1], now=now, **({"channel": args[2]} if len(args) > 2 else {}))
    except TransientDeliveryError:
        logger.warning("Transient failure in %s%r; the next scan retries", task_name, args)
        return 0


def run_queued(task_name: str, *args) -> None:
    """Queue a delivery task; when the broker is down, send it from here instead."""
    from celery import current_app

    try:
        current_app.send_task(task_name, args=args)
    except Exception:  # noqa: BLE001 - broker down: deliver inline, the rows make it idempotent
        logger.warning("Could not queue %s%r; delivering inline", task_name, args, exc_info=True)
        run_inline(task_name, *args)


def failed_count(congress_id: int | None = None) -> int:
    """Deliveries that failed for good: about one congress's suggestions (its staff's navigation), or every one
    (``None``: the command line's total)."""
    failed = D.objects.filter(status=D.Status.FAILED)
    if congress_id is not None:
        failed = failed.filter(reminder__suggestion__congress_id=congress_id)
    return failed.count()


def sent_label(channel: str) -> str:
    """What a sent delivery of ``channel`` really became with the configured backends."""
    try:
        return registry.get(channel).sent_label()
    except KeyError:  # a channel no longer registered
        return D.Status.SENT.label


def label_deliveries(deliveries: list[ReminderDelivery]) -> list[ReminderDelivery]:
    """Set ``status_label`` on each delivery: the status, with "sent" said as what really happened."""
    labels = {}
    for delivery in deliveries:
        try:
            delivery.address_label = registry.get(delivery.channel).display_address(delivery.address)
        except KeyError:
            delivery.address_label = ""
        if delivery.receipt == D.Receipt.FAILED:
            delivery.status_label = _("未送达：%(reason)s") % {"reason": delivery.receipt_reason or "-"}
        elif delivery.receipt == D.Receipt.DELIVERED:
            delivery.status_label = delivery.get_receipt_display()
        elif delivery.status == D.Status.SENT:
            if delivery.channel not in labels:
                labels[delivery.channel] = sent_label(delivery.channel)
            delivery.status_label = labels[delivery.channel]
        else:
            delivery.status_label = delivery.get_status_display()
    return deliveries
