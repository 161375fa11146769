"""Delivery receipts: pulled from the gateway (an intranet receives no callbacks), kept on the delivery row.

A failed receipt counts against the number; after ``SMS_FLAG_AFTER_FAILURES``
failures in a row the number is flagged, a delivered one clears the count.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from suggestions.models import PhoneHealth, ReminderDelivery
from suggestions.reminders.channels import registry
from suggestions.reminders.sms import Report, SMSError

logger = logging.getLogger("suggestions.reminders")
D = ReminderDelivery
PULL_LIMIT = 500


def flag_after() -> int:
    """Failed receipts in a row after which a number is flagged."""
    return int(getattr(settings, "SMS_FLAG_AFTER_FAILURES", 3))


def _count(phone, report, now):
    if not phone:
        return
    health, _created = PhoneHealth.objects.select_for_update().get_or_create(phone=phone)
    if report.status == "delivered":
        PhoneHealth.objects.filter(pk=health.pk).update(failures=0, flagged_at=None, updated_at=now)
        return
    PhoneHealth.objects.filter(pk=health.pk).update(
        failures=F("failures") + 1, last_reason=report.reason[:200], updated_at=now
    )
    health.refresh_from_db()
    if health.failures >= flag_after() and not health.flagged_at:
        PhoneHealth.objects.filter(pk=health.pk).update(flagged_at=now)


def apply_report(delivery: ReminderDelivery, report: Report, *, now: datetime.datetime | None = None) -> bool:
    """Record a final report (delivered or failed) on the delivery once; count it for the number."""
    if report.status not in ("delivered", "failed"):
        return False
    now = now or timezone.now()
    receipt = D.Receipt.DELIVERED if report.status == "delivered" else D.Receipt.FAILED
    with transaction.atomic():
        fields = {"receipt": receipt, "receipt_reason": report.reason[:200], "receipt_at": now}
        if report.provider_id:
            fields["provider_id"] = report.provider_id[:100]
        if not D.objects.filter(pk=delivery.pk, receipt="").update(**fields):
            return False
        if delivery.channel == "sms":
            _count(delivery.address, report, now)
    return True


def pull_receipts(*, now: datetime.datetime | None = None, limit: int = PULL_LIMIT) -> dict[str, int]:
    """Ask the gateways about sent deliveries that have no receipt yet (the last ``REMINDER_RECEIPT_DAYS`` days)."""
    now = now or timezone.now()
    days = float(getattr(settings, "REMINDER_RECEIPT_DAYS", 3))
    waiting = D.objects.filter(
        status=D.Status.SENT,
        receipt="",
        channel__in=registry.receipt_codes(),
        sent_at__gte=now - datetime.timedelta(days=days),
    ).select_related("reminder__suggestion")
    counts = {"delivered": 0, "failed": 0, "waiting": 0}
    channels = {}
    for delivery in waiting.order_by("sent_at", "pk")[:limit]:
        if delivery.channel not in channels:
            try:
                channels[delivery.channel] = registry.get(delivery.channel)
            except KeyError:
                channels[delivery.channel] = None
        channel = channels[delivery.channel]
        if channel is None:
            continue
        try:
            report = channel.receipt(delivery)
        except (SMSError, OSError) as exc:
            logger.warning("Could not pull the receipt of delivery %s: %s", delivery.pk, exc)
            counts["waiting"] += 1
            continue
        if report is not None and apply_report(delivery, report, now=now):
            counts[report.status] += 1
        else:
            counts["waiting"] += 1
    return counts


def flagged_numbers():
    """Numbers whose text messages keep failing, newest first (for staff)."""
    return PhoneHealth.objects.filter(flagged_at__isnull=False).order_by("-flagged_at")


def flag_of(phone: str) -> PhoneHealth | None:
    """The flag on one number whose text messages keep failing, or None (not flagged, or no number)."""
    if not phone:
        return None
    return flagged_numbers().filter(phone=phone).first()
