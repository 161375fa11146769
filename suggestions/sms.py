"""Pluggable SMS channel. Set SMS_BACKEND to a dotted path of a class with ``send(phone, text)``."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("huaxi.sms")

SMS_MAX_CHARS = 70  # one Chinese SMS (UCS-2) holds 70 characters


class BaseSMSBackend:
    def send(self, phone, text):
        raise NotImplementedError


class LoggingSMSBackend(BaseSMSBackend):
    """Default: writes the message to the log instead of sending it."""

    sent = []

    def send(self, phone, text):
        logger.info("SMS to %s: %s", phone, text)
        self.sent.append((phone, text))


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()


def fit_sms(text):
    text = " ".join((text or "").split())
    return text if len(text) <= SMS_MAX_CHARS else text[: SMS_MAX_CHARS - 1] + "…"
