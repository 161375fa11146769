"""The channel registry: a new channel is one class and one registry line, and gets reminders the normal way."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from suggestions import reminders
from suggestions.models import ReminderDelivery
from suggestions.reminders.channels import Channel, registry
from suggestions.workdays import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")


class PagerChannel(Channel):
    """A test channel: reaches every clerk by their username, keeps what it sent."""

    code = "pager"
    label = "寻呼机"
    sent = []

    def address(self, recipient):
        return recipient.user.username

    def send(self, delivery):
        self.sent.append((delivery.address, delivery.reminder.text))
        return f"pager-{delivery.pk}"


def test_a_new_channel_registered_alone_receives_scanned_reminders_once(lead_assignment, clerk):
    PagerChannel.sent = []
    with registry.registered(PagerChannel):
        assert ("pager", "寻呼机") in ReminderDelivery._meta.get_field("channel").choices
        # Overdue: the day after the due date, sent on every channel at once.
        day = WorkCalendar().next_workday(lead_assignment.effective_due + datetime.timedelta(days=1))
        when = datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ)
        with time_machine.travel(when, tick=False):
            assert reminders.scan(now=timezone.now()) >= 1
            reminders.dispatch_pending(now=timezone.now())
            reminders.dispatch_pending(now=timezone.now())  # again: nothing more
        pager = ReminderDelivery.objects.get(channel="pager", recipient=clerk, reminder__kind="overdue")
        assert pager.status == "sent" and pager.address == clerk.username
        rows = ReminderDelivery.objects.filter(channel="pager")
        assert set(rows.values_list("status", flat=True)) == {"sent"}
        assert len(PagerChannel.sent) == rows.count()  # each reminder once per person
        assert reminders.sent_label("pager") == "已送达"
    assert "pager" not in [code for code, _label in registry.choices()]


def test_the_builtin_channels_are_in_the_registry_in_order():
    assert [code for code, _label in registry.choices()] == ["inapp", "email", "sms", "wecom_robot", "wecom_app"]
    assert registry.digest_codes() == ["email"]
