"""Reminder delivery (the scan that creates reminders is built on top of this)."""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification, Reminder, ReminderDelivery

logger = logging.getLogger(__name__)


def reminder_recipients(reminder):
    User = get_user_model()
    if reminder.office_id:
        return list(User.objects.filter(office_memberships__office_id=reminder.office_id, is_active=True))
    return []


def reminder_create_deliveries(*, reminder):
    rows = []
    for user in reminder_recipients(reminder):
        channels = [ReminderDelivery.Channel.INAPP]
        if user.email:
            channels.append(ReminderDelivery.Channel.EMAIL)
        rows += [ReminderDelivery(reminder=reminder, recipient=user, channel=c) for c in channels]
    ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)


def delivery_send(*, delivery_id):
    """Send one delivery at most once: the row is claimed under a lock and marked sent in the same transaction."""
    with transaction.atomic():
        delivery = (
            ReminderDelivery.objects.select_for_update(skip_locked=True)
            .select_related("reminder", "recipient")
            .filter(pk=delivery_id, status__in=[ReminderDelivery.Status.PENDING, ReminderDelivery.Status.SENDING])
            .first()
        )
        if delivery is None:
            return False
        reminder = delivery.reminder
        delivery.attempts += 1
        if delivery.channel == ReminderDelivery.Channel.INAPP:
            Notification.objects.get_or_create(
                dedupe_key=f"reminder:{delivery.pk}",
                defaults={
                    "user": delivery.recipient,
                    "title": reminder.get_kind_display(),
                    "body": reminder.message,
                    "suggestion": reminder.suggestion,
                    "url": reminder.suggestion.get_absolute_url() if reminder.suggestion_id else "",
                },
            )
        elif delivery.channel == ReminderDelivery.Channel.EMAIL:
            send_mail(
                subject=f"【催办】{reminder.get_kind_display()}",
                message=reminder.message,
                from_email=None,
                recipient_list=[delivery.recipient.email],
            )
        delivery.status, delivery.sent_at = ReminderDelivery.Status.SENT, timezone.now()
        delivery.save()
        return True


def reminder_deliver(*, reminder_id):
    reminder = Reminder.objects.get(pk=reminder_id)
    reminder_create_deliveries(reminder=reminder)
    sent = 0
    for delivery_id in reminder.deliveries.filter(status=ReminderDelivery.Status.PENDING).values_list("pk", flat=True):
        sent += delivery_send(delivery_id=delivery_id)
    return sent
