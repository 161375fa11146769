"""People's choices within the rules: chosen channels, urgent on every channel, quiet hours, a daily cap — never dropped."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from suggestions import actions, reminders
from suggestions.models import OfficeMember, Reminder
from suggestions.reminders import sms
from suggestions.reminders.keys import code_of
from suggestions.reminders.plans import Plan, Recipient
from suggestions.reminders.preferences import preferences_set
from suggestions.reminders.record import record

TZ = ZoneInfo("Asia/Shanghai")


def at(hour, minute=0, day="2026-10-19"):
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def phone_clerk(clerk):
    OfficeMember.objects.filter(user=clerk).update(phone="13900000001")
    sms.outbox.clear()
    return clerk


def plan(lead_assignment, clerk, key, *, kind=Reminder.Kind.SIGN, urgent=False):
    return Plan(
        key=key,
        kind=kind,
        stage="n1",
        message="请签收。",
        suggestion_id=lead_assignment.suggestion_id,
        assignment_id=lead_assignment.pk,
        office_id=lead_assignment.office_id,
        is_urgent=urgent,
        recipients=[Recipient(clerk, "13900000001", lead_assignment.office_id)],
    )


def channels_of(key):
    return set(Reminder.objects.get(code=code_of(key)).deliveries.values_list("channel", flat=True))


def test_chosen_channels_narrow_non_urgent_reminders_and_urgent_ones_use_every_channel(lead_assignment, phone_clerk):
    preferences_set(user=phone_clerk, channels=["inapp"])
    record([plan(lead_assignment, phone_clerk, "sign:1:n1")], now=at(9))
    record([plan(lead_assignment, phone_clerk, "overdue:1:n1", kind=Reminder.Kind.OVERDUE, urgent=True)], now=at(9))
    assert channels_of("sign:1:n1") == {"inapp"}
    assert channels_of("overdue:1:n1") == {"inapp", "email", "sms"}


def test_at_least_one_channel_must_be_chosen(phone_clerk):
    with pytest.raises(ValidationError):
        preferences_set(user=phone_clerk, channels=[])
    with pytest.raises(ValidationError):
        preferences_set(user=phone_clerk, channels=["wecom_robot"])  # an office's group is not a personal choice


def test_quiet_hours_hold_text_messages_until_morning_except_manual_reminders(
    settings, lead_assignment, staff, phone_clerk
):
    settings.REMINDER_QUIET_HOURS = "22:00-07:00"
    record([plan(lead_assignment, phone_clerk, "overdue:2:n1", kind=Reminder.Kind.OVERDUE, urgent=True)], now=at(23))
    overdue = Reminder.objects.get(code=code_of("overdue:2:n1"))
    reminders.reminder_deliver(reminder_id=overdue.pk, now=at(23))
    delivery = overdue.deliveries.get(channel="sms")
    assert (delivery.status, delivery.attempts, delivery.not_before) == ("pending", 0, at(7, day="2026-10-20"))
    assert overdue.deliveries.get(channel="inapp").status == "sent"  # only the phone waits
    manual = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请立即答复。")
    reminders.reminder_deliver(reminder_id=manual.pk, now=at(23, 30))
    assert [m.kind for m in sms.outbox] == ["manual"]  # 催办 by staff is exempt
    reminders.reminder_deliver(reminder_id=overdue.pk, now=at(7, day="2026-10-20"))
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(sms.outbox) == 2


def test_a_daily_cap_delays_the_rest_to_the_next_morning_and_drops_none(settings, lead_assignment, phone_clerk):
    settings.REMINDER_DAILY_CAP = 2
    settings.REMINDER_QUIET_HOURS = "22:00-07:00"
    ids = []
    for n in range(3):
        record([plan(lead_assignment, phone_clerk, f"sign:{10 + n}:n1")], now=at(10))
        ids.append(Reminder.objects.get(code=code_of(f"sign:{10 + n}:n1")).pk)
    for reminder_id in ids:
        reminders.reminder_deliver(reminder_id=reminder_id, now=at(10))
    assert len(sms.outbox) == 2
    held = Reminder.objects.get(pk=ids[2]).deliveries.get(channel="sms")
    assert (held.status, held.not_before) == ("pending", at(7, day="2026-10-20"))
    reminders.dispatch_pending(now=at(7, day="2026-10-20"))
    held.refresh_from_db()
    assert held.status == "sent" and len(sms.outbox) == 3
