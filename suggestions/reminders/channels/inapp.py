"""In-app notifications: the bell in the navigation. Everyone can be reached; a dedupe key makes a retry harmless."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suggestions import roles
from suggestions.models import Notification, OfficeMember
from suggestions.reminders import texts
from suggestions.reminders.channels.base import Channel


class InAppChannel(Channel):
    code = "inapp"
    label = _("站内通知")

    def address(self, recipient) -> str | None:
        """Every user has an inbox."""
        return ""

    bulk = True

    def send(self, delivery) -> str:
        """Create the notification once (its dedupe key is the delivery's)."""
        self.send_many([delivery])
        return ""

    def send_many(self, deliveries) -> None:
        """One notification per delivery, in one insert; the dedupe keys make a retry harmless.

        Who works for an office (their reminders link to the office's page) and who is staff is
        read once for the batch, not once per person.
        """
        users = {d.recipient_id for d in deliveries}
        in_office = set(
            OfficeMember.objects.filter(user_id__in=users, office__is_active=True).values_list("user_id", flat=True)
        )
        staff = set(
            get_user_model()
            .objects.filter(pk__in=users)
            .filter(Q(is_superuser=True) | Q(groups__name=roles.STAFF_GROUP))
            .values_list("pk", flat=True)
        )
        rows = []
        for delivery in deliveries:
            reminder = delivery.reminder
            url = reminder.suggestion.get_absolute_url() if reminder.suggestion_id else ""
            if reminder.assignment_id and delivery.recipient_id in in_office and delivery.recipient_id not in staff:
                url = reminder.assignment.get_absolute_url()
            rows.append(
                Notification(
                    user_id=delivery.recipient_id,
                    suggestion_id=reminder.suggestion_id,
                    url=url,
                    title=texts.title(reminder)[:200],
                    body=texts.about(reminder),
                    dedupe_key=f"reminder-delivery:{delivery.pk}",
                )
            )
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
