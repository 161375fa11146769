"""Channels: one class per way a reminder reaches a person (in-app, e-mail, SMS, …) behind one registry."""

from suggestions.reminders.channels.base import Channel, TransientDeliveryError  # noqa: F401
from suggestions.reminders.channels.registry import channels, choices, digest_codes, get, registered  # noqa: F401
