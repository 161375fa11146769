"""What the reminder log shows staff: the deliveries of reminders about their own congress's suggestions.

Every reminder is about a suggestion (the scan's and the manual ones alike), and a suggestion belongs to one
congress: the log, its failed count and its flagged numbers are scoped through it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from suggestions.models import ReminderDelivery
from suggestions.models.reminders import PhoneHealth


def deliveries_for(congress_id: int | None) -> QuerySet[ReminderDelivery]:
    """The deliveries of one congress's reminders, newest first (none without a congress)."""
    if congress_id is None:
        return ReminderDelivery.objects.none()
    return (
        ReminderDelivery.objects.filter(reminder__suggestion__congress_id=congress_id)
        .select_related("reminder__suggestion", "reminder__office", "recipient")
        .order_by("-created_at", "-id")
    )


def delivery_for(congress_id: int | None, pk: int) -> ReminderDelivery | None:
    """One delivery of the congress's reminders, or ``None`` (another congress's is as unknown as a missing one)."""
    if congress_id is None:
        return None
    return ReminderDelivery.objects.filter(pk=pk, reminder__suggestion__congress_id=congress_id).first()


def flagged_for(congress_id: int | None) -> QuerySet[PhoneHealth]:
    """Flagged numbers that this congress's reminders were sent to, newest first."""
    from suggestions.reminders.receipts import flagged_numbers

    if congress_id is None:
        return PhoneHealth.objects.none()
    addresses = ReminderDelivery.objects.filter(
        channel=ReminderDelivery.Channel.SMS, reminder__suggestion__congress_id=congress_id
    ).values("address")
    return flagged_numbers().filter(phone__in=addresses)
