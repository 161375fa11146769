"""SMS backends behind the SMS channel. ``SMS_BACKEND`` names the class; each gateway is one backend class.

A backend sends an ``SMSMessage``: the full text (for gateways that take free
text, and the log), its kind (a reminder kind, ``manual``, ``code``,
``activation``) and the variables of the kind's registered template, and the
``out_id`` — stable for one delivery — under which the gateway's send report
is found again. ``send(phone, text, message_id=None)`` stays for callers that
send a plain notice.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("huaxi.sms")

SMS_MAX_CHARS = 70  # one Chinese SMS (UCS-2) holds 70 characters


class SMSError(Exception):
    """The gateway refused the message for good (bad number, blocked content)."""


class TransientSMSError(SMSError):
    """The gateway is unreachable, busy or throttling; sending again later may work."""


class UnknownOutcomeSMSError(TransientSMSError):
    """The request may have reached the gateway (a timeout after sending): ask for its report before sending again."""


@dataclass
class SMSMessage:
    """One text message to one number, with its template kind and variables."""

    phone: str
    text: str
    kind: str = "notice"
    params: dict = field(default_factory=dict)
    out_id: str = ""


@dataclass
class Report:
    """What the gateway says became of a message: ``delivered``, ``failed`` (with its reason) or ``pending``."""

    status: str
    provider_id: str = ""
    reason: str = ""
    out_id: str = ""


class BaseSMSBackend:
    """A gateway. Subclasses implement ``send_message``; ``report`` when the gateway keeps send reports."""

    def send(self, phone: str, text: str, message_id: str | None = None, *, kind: str = "", params=None) -> str:
        """Send a notice; returns the gateway's message id. Activation links are known by their message id."""
        if not kind:
            kind = "activation" if (message_id or "").startswith("activation-") else "notice"
        message = SMSMessage(phone=phone, text=text, kind=kind, params=dict(params or {}), out_id=message_id or "")
        return self.send_message(message)

    def send_message(self, message: SMSMessage) -> str:
        """Send one message; return the gateway's message id. Raise ``SMSError`` or ``TransientSMSError``."""
        raise NotImplementedError

    def report(self, message: SMSMessage, *, provider_id: str = "", sent_at=None) -> Report | None:
        """The gateway's send report for ``message`` (found by its out-id or message id); None: no such send."""
        return None


class LoggingSMSBackend(BaseSMSBackend):
    """Default: writes the message to the log instead of sending it (it keeps nothing)."""

    def send_message(self, message: SMSMessage) -> str:
        """Log the message."""
        logger.info("SMS to %s [%s %s]: %s", message.phone, message.kind, message.out_id or "-", message.text)
        return ""


# Messages the in-memory backend "sent" in this process: for tests, like django.core.mail.outbox.
outbox: list[SMSMessage] = []


class MemorySMSBackend(BaseSMSBackend):
    """Test settings' backend: keeps each message in ``sms.outbox`` (the test clears it)."""

    def send_message(self, message: SMSMessage) -> str:
        """Append the message to ``outbox``."""
        outbox.append(message)
        return f"memory-{len(outbox)}"


def get_sms_backend() -> BaseSMSBackend:
    """The configured backend (``SMS_BACKEND``)."""
    return import_string(settings.SMS_BACKEND)()


def fit_sms(text: str) -> str:
    """One SMS: spaces collapsed, cut to 70 characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= SMS_MAX_CHARS else text[: SMS_MAX_CHARS - 1] + "…"
