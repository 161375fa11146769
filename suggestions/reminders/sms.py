"""Pluggable SMS channel. Set SMS_BACKEND to a dotted path of a class with ``send(phone, text, message_id=None)``.

``message_id`` is stable for one delivery: a gateway that accepts a client
message id can use it to drop a repeat after a retry.
"""

import logging
from collections import deque

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("huaxi.sms")

SMS_MAX_CHARS = 70  # one Chinese SMS (UCS-2) holds 70 characters


class SMSError(Exception):
    """The gateway refused the message for good (bad number, blocked content)."""


class TransientSMSError(SMSError):
    """The gateway is unreachable or busy; sending again later may work."""


class BaseSMSBackend:
    def send(self, phone, text, message_id=None):
        raise NotImplementedError


class LoggingSMSBackend(BaseSMSBackend):
    """Default: writes the message to the log instead of sending it.

    ``sent`` keeps the last SENT_KEPT messages for tests to read; bounded, so that a long-running
    worker using this backend does not grow it forever.
    """

    SENT_KEPT = 100
    sent = deque(maxlen=SENT_KEPT)

    def send(self, phone, text, message_id=None):
        logger.info("SMS to %s [%s]: %s", phone, message_id or "-", text)
        self.sent.append((phone, text))


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()


def fit_sms(text):
    text = " ".join((text or "").split())
    return text if len(text) <= SMS_MAX_CHARS else text[: SMS_MAX_CHARS - 1] + "…"
