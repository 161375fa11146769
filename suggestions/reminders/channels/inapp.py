"""In-app notifications: the bell in the navigation. Everyone can be reached; a dedupe key makes a retry harmless."""

from django.utils.translation import gettext_lazy as _

from suggestions import roles
from suggestions.models import Notification
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
        """One notification per delivery, in one insert; the dedupe keys make a retry harmless."""
        office_people = {}  # user id: whether their reminders link to the office's page
        rows = []
        for delivery in deliveries:
            reminder, user = delivery.reminder, delivery.recipient
            if user.pk not in office_people:
                office_people[user.pk] = bool(roles.office_ids_of(user)) and not roles.is_staff_member(user)
            url = reminder.suggestion.get_absolute_url() if reminder.suggestion_id else ""
            if reminder.assignment_id and office_people[user.pk]:
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
