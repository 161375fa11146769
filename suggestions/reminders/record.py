"""Recording: each due reminder once (unique key), with one delivery row per recipient and reachable channel."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from suggestions.models import Reminder, ReminderDelivery
from suggestions.reminders import keys
from suggestions.reminders.channels import registry
from suggestions.reminders.plans import People, Plan, Recipient
from suggestions.reminders.preferences import chosen


def deliveries_for(
    reminder_id: int, recipients: list[Recipient], *, now=None, choices: dict | None = None
) -> list[ReminderDelivery]:
    """Unsaved delivery rows: one per recipient and channel that can reach them.

    ``choices`` ({user id: channel codes}) narrows a non-urgent reminder to the
    personal channels each person chose; urgent reminders pass None: every channel.
    """
    now = now or timezone.now()
    rows = {}
    shared = set()  # (channel, address) of group channels already given a row
    channels = registry.channels()
    for recipient in recipients:
        user = recipient.user
        for channel in channels:
            address = channel.address(recipient)
            if address is None or (user.pk, channel.code) in rows:
                continue
            if choices and user.pk in choices and not channel.shared and channel.code not in choices[user.pk]:
                continue
            if channel.shared:
                if (channel.code, address) in shared:
                    continue
                shared.add((channel.code, address))
            rows[(user.pk, channel.code)] = ReminderDelivery(
                reminder_id=reminder_id, recipient=user, channel=channel.code, address=address, created_at=now
            )
    return list(rows.values())


@transaction.atomic
def record(plans: list[Plan], *, now: datetime.datetime) -> int:
    """Create the reminders (once per key) and, for the ones that have none yet, their deliveries.

    Returns the number of reminders created. Rows are inserted in the unique key's order so two
    scans at once wait for each other instead of deadlocking.
    """
    if not plans:
        return 0
    by_key = {keys.code_of(p.key): p for p in plans}
    codes = sorted(by_key, key=lambda c: (by_key[c].suggestion_id, c))
    Reminder.objects.bulk_create(
        [
            Reminder(
                code=key,
                kind=by_key[key].kind,
                stage=by_key[key].stage,
                message=by_key[key].message,
                suggestion_id=by_key[key].suggestion_id,
                assignment_id=by_key[key].assignment_id,
                office_id=by_key[key].office_id,
                is_urgent=by_key[key].is_urgent,
                created_at=now,
            )
            for key in codes
        ],
        ignore_conflicts=True,
    )
    suggestions = {p.suggestion_id for p in by_key.values()}
    fresh = dict(  # a code names one row of one suggestion: the suggestion narrows the look-up to its index
        Reminder.objects.filter(suggestion_id__in=suggestions, code__in=codes, created_at=now)
        .filter(~Exists(ReminderDelivery.objects.filter(reminder=OuterRef("pk"))))
        .values_list("code", "pk")
    )
    choices = chosen({r.user.pk for key in fresh for r in by_key[key].recipients})
    rows = []
    for key in sorted(fresh):
        plan = by_key[key]
        urgent = plan.is_urgent or plan.kind in (Reminder.Kind.MANUAL, Reminder.Kind.OVERDUE)
        rows += deliveries_for(fresh[key], plan.recipients, now=now, choices=None if urgent else choices)
    rows.sort(key=lambda d: (d.reminder_id, d.recipient_id, d.channel))
    ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(fresh)


def reminder_ensure_deliveries(*, reminder: Reminder) -> None:
    """A manual reminder gets its deliveries when it is first delivered: the office's clerks and head."""
    if reminder.deliveries.exists() or not reminder.office_id:
        return
    people = People()
    people.load_offices([reminder.office_id])
    rows = deliveries_for(reminder.pk, people.office_all(reminder.office_id))
    ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)
