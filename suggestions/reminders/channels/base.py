"""What every channel is: a code, a label, who it can reach, how it sends one delivery."""

from django.utils.translation import gettext as _


class TransientDeliveryError(Exception):
    """A send failed for a reason that may pass (network, broker, 4xx); the task retries with backoff."""


class Channel:
    """One way a reminder reaches a person. A new channel is a subclass and one line in ``registry.CHANNELS``.

    ``digest``: non-urgent reminders on this channel wait for the recipient's daily digest
    (``send_digest``) instead of going out one by one. ``receipts``: the gateway keeps
    send reports, pulled into the delivery row by ``receipts.pull_receipts``.
    """

    code = ""
    label = ""
    digest = False
    receipts = False  # its gateway keeps send reports (``receipt``)
    shared = False  # one message per address (an office's group), not one per person
    quiet = False  # reaches a phone: quiet hours and the daily cap apply
    bulk = False  # ``send_many`` sends a batch at once (first tries only; a retry goes through ``send``)

    def address(self, recipient) -> str | None:
        """Where ``recipient`` (a ``plans.Recipient``) gets this channel ("" if no address is needed); None: not at all."""
        raise NotImplementedError

    def send(self, delivery) -> str:
        """Send one delivery; return the gateway's message id, or "". Raise to fail it (see ``is_transient``)."""
        raise NotImplementedError

    def send_many(self, deliveries) -> None:
        """Send several first-try deliveries at once (channels with ``bulk``); raise to fail them all."""
        for delivery in deliveries:
            self.send(delivery)

    def recover(self, delivery):
        """Before a retry, what became of an earlier attempt whose outcome is unknown: a report, or None (send)."""
        return None

    def receipt(self, delivery):
        """The delivery receipt of a sent delivery, for channels whose gateway keeps send reports; None otherwise."""
        return None

    def send_digest(self, user, deliveries, *, message_id: str) -> None:
        """Send several deliveries to one person as one message (channels with ``digest`` only)."""
        raise NotImplementedError

    def is_transient(self, exc: Exception) -> bool:
        """Whether a failure may pass, so the delivery is tried again later."""
        if isinstance(exc, TransientDeliveryError):
            return True
        return isinstance(exc, OSError | TimeoutError | ConnectionError)

    def display_address(self, address: str) -> str:
        """The address as shown on pages (masked where the full value is not needed)."""
        return address

    def sent_label(self) -> str:
        """What a sent delivery of this channel really became with the configured backend."""
        return _("已送达")
