"""The channel registry: every way a reminder can reach a person. A new channel is one class and one line here."""

import contextlib
from collections.abc import Iterator

from suggestions.reminders.channels.base import Channel
from suggestions.reminders.channels.email import EmailChannel
from suggestions.reminders.channels.inapp import InAppChannel
from suggestions.reminders.channels.sms import SMSChannel
from suggestions.reminders.channels.wecom import WeComAppChannel, WeComRobotChannel

CHANNELS: list[type[Channel]] = [
    InAppChannel,
    EmailChannel,
    SMSChannel,
    WeComRobotChannel,
    WeComAppChannel,
]


def channels() -> list[Channel]:
    """One instance of each registered channel, in registry order."""
    return [cls() for cls in CHANNELS]


def get(code: str) -> Channel:
    """The channel with this code; KeyError if none is registered."""
    for cls in CHANNELS:
        if cls.code == code:
            return cls()
    raise KeyError(code)


def choices() -> list[tuple[str, str]]:
    """(code, label) of every channel, for the delivery row's field and filters."""
    return [(cls.code, cls.label) for cls in CHANNELS]


def digest_codes() -> list[str]:
    """Channels whose non-urgent reminders wait for the daily digest."""
    return [cls.code for cls in CHANNELS if cls.digest]


def receipt_codes() -> list[str]:
    """Channels whose gateway keeps send reports."""
    return [cls.code for cls in CHANNELS if cls.receipts]


@contextlib.contextmanager
def registered(channel_class: type[Channel]) -> Iterator[type[Channel]]:
    """Register a channel for the duration of a block (tests)."""
    CHANNELS.append(channel_class)
    try:
        yield channel_class
    finally:
        CHANNELS.remove(channel_class)
