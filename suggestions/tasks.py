"""Celery tasks: thin, take ids, call a service, safe to run twice.

Delivery rows make every task idempotent: a task that runs twice (redelivered
after a worker died, or queued by the scan and by a service) finds the rows
already sent and does nothing.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from suggestions import reminders

RETRY = {
    "autoretry_for": (reminders.TransientDeliveryError, ConnectionError, TimeoutError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(**RETRY)
def deliver_reminder(reminder_id):
    return reminders.reminder_deliver(reminder_id=reminder_id)


@shared_task(**RETRY)
def deliver_reminders(reminder_ids):
    """A batch of the reminders a dispatch found waiting (a storm goes out in tasks of a few hundred)."""
    return reminders.reminders_deliver(reminder_ids=reminder_ids)


@shared_task(**RETRY)
def send_digest(user_id, date, channel="email"):
    return reminders.digest_send(user_id=user_id, date=date, channel=channel)


@shared_task
def scan_reminders(date=None):
    """Periodic scan (beat): record what is due, then queue every delivery not sent yet.

    ``date`` (YYYY-MM-DD) runs the scan as of that day, for catching up by hand.
    """
    now = timezone.now()
    as_of = now
    if date:
        as_of = reminders.day_start(datetime.date.fromisoformat(date)) + datetime.timedelta(hours=9)
    created = reminders.scan(now=as_of)
    dispatched = reminders.dispatch_pending(now=now, today=timezone.localdate(as_of), run=reminders.run_queued)
    return {"created": created, **dispatched}


@shared_task
def pull_receipts():
    """Periodic (beat): ask the SMS gateway what became of recent messages (delivered, or failed and why)."""
    from suggestions.reminders.receipts import pull_receipts as pull

    return pull()


@shared_task
def catch_up_statistics():
    """Periodic (beat): take the latest audit rows into the dashboard's tallies.

    The dashboard catches up by itself before it reads; doing it every minute as well means a
    page view rarely has anything left to re-derive.
    """
    from suggestions.reporting import stats

    result = stats.catch_up()
    return {"version": result.version, "rederived": result.rederived}
