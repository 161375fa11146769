"""Celery tasks: thin, take ids, call a service, safe to run twice."""

from celery import shared_task

from . import reminders


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def deliver_reminder(reminder_id):
    return reminders.reminder_deliver(reminder_id=reminder_id)


@shared_task
def scan_reminders():
    """Periodic scan; see suggestions.reminders."""
    from .models import Reminder, ReminderDelivery

    pending = Reminder.objects.filter(deliveries__status=ReminderDelivery.Status.PENDING).distinct()
    for reminder_id in pending.values_list("pk", flat=True)[:1000]:
        reminders.reminder_deliver(reminder_id=reminder_id)
