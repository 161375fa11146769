"""Text messages (短信) through the configured SMS backend (a cloud gateway, a provincial platform, or the log)."""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions.reminders import sms, texts
from suggestions.reminders.channels.base import Channel


def sms_message(delivery) -> sms.SMSMessage:
    """The delivery as a template message: the reminder's kind, its variables and the delivery's out-id."""
    reminder = delivery.reminder
    number = reminder.suggestion.number_display if reminder.suggestion_id else ""
    return sms.SMSMessage(
        phone=delivery.address,
        text=sms.fit_sms(texts.short_text(reminder)),
        kind=reminder.kind,
        params={"number": number or "-", "message": reminder.text[:60], "kind": str(reminder.get_kind_display())},
        out_id=delivery.out_id,
    )


class SMSChannel(Channel):
    code = "sms"
    label = gettext_lazy("短信")
    receipts = True
    quiet = True

    def address(self, recipient) -> str | None:
        """The mobile known for the person in this role (office membership or delegate contact)."""
        return recipient.phone or None

    def send(self, delivery) -> str:
        """Send through the backend; a backend with only ``send(phone, text, message_id)`` still works."""
        message = sms_message(delivery)
        backend = sms.get_sms_backend()
        if isinstance(backend, sms.BaseSMSBackend):
            return backend.send_message(message) or ""
        backend.send(message.phone, message.text, message_id=message.out_id)
        return ""

    def _report(self, delivery, sent_at):
        backend = sms.get_sms_backend()
        if not isinstance(backend, sms.BaseSMSBackend):
            return None
        return backend.report(sms_message(delivery), provider_id=delivery.provider_id, sent_at=sent_at)

    def recover(self, delivery):
        """Before a retry: the gateway's report for this delivery's out-id, if it got the message after all.

        The earlier attempt was at most one backoff (an hour) ago: today's and yesterday's reports hold it.
        """
        return self._report(delivery, timezone.now())

    def receipt(self, delivery):
        """The gateway's delivery report for a sent message (None while it has none)."""
        return self._report(delivery, delivery.sent_at or delivery.claimed_at or delivery.created_at)

    def is_transient(self, exc: Exception) -> bool:
        """Busy, throttled or unreachable gateways pass; a refusal (bad number, content) does not."""
        if isinstance(exc, sms.TransientSMSError):
            return True
        if isinstance(exc, sms.SMSError):
            return False
        return super().is_transient(exc)

    def display_address(self, address: str) -> str:
        """138****0001."""
        from delegates.phones import mask

        return mask(address)

    def sent_label(self) -> str:
        """The logging and in-memory backends only record."""
        try:
            backend = import_string(settings.SMS_BACKEND)
        except ImportError:
            backend = None
        if isinstance(backend, type) and issubclass(backend, sms.LoggingSMSBackend | sms.MemorySMSBackend):
            return _("仅记录")
        return _("已交给短信服务")
