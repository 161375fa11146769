"""A reminder storm: many reminders due at once (a week without a scan) are recorded once, set-based,
and sent with the digest rules intact: one digest per person per day, urgent ones at once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from suggestions import actions, reminders
from suggestions.models import Notification, OfficeMember, Reminder, ReminderDelivery
from suggestions.reminders import delivery
from suggestions.workdays import work_calendar
from tests import factories

TZ = ZoneInfo("Asia/Shanghai")
MANY = 12


def at(day, hour=9):
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ)


def scan_on(day, hour=9):
    with time_machine.travel(at(day, hour), tick=False):
        return reminders.scan(now=timezone.now())


def dispatch_on(day, hour=9, run=None):
    with time_machine.travel(at(day, hour), tick=False):
        return reminders.dispatch_pending(now=timezone.now(), run=run)


@pytest.fixture
def storm(session, delegate, staff, office, co_office, clerk, co_clerk):
    """MANY suggestions assigned on 2026-09-01 (lead and co office), due 2026-10-16, none signed."""
    made = []
    with time_machine.travel(at("2026-09-01", 10), tick=False):
        for _i in range(MANY):
            suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
            actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
            actions.suggestion_register(suggestion=suggestion, actor=staff)
            actions.suggestion_assign(
                suggestion=suggestion,
                actor=staff,
                lead_office=office,
                co_offices=[co_office],
                due_date=datetime.date(2026, 10, 16),
            )
            made.append(suggestion)
    return made


def counts():
    return Reminder.objects.count(), ReminderDelivery.objects.count()


def test_a_storm_is_recorded_once_and_a_second_scan_records_nothing_twice(storm, clerk, co_clerk):
    created = scan_on("2026-09-28")  # weeks without a scan: every sign and reply reminder is due at once
    by_kind = {k: Reminder.objects.filter(kind=k).count() for k in ("sign", "reply_due", "opinion")}
    assert by_kind["sign"] == 2 * MANY and by_kind["reply_due"] == MANY and created == sum(by_kind.values())
    # Each assignment's stage and text are the ones the calendar gives for its own day.
    days = work_calendar().workdays_between(datetime.date(2026, 9, 1), datetime.date(2026, 9, 28))
    sign = Reminder.objects.get(kind="sign", assignment=storm[0].assignments.get(role="lead"))
    assert sign.stage == f"n{1 + (days - 2) // 2}"
    assert sign.text == f"请签收交办的建议“{storm[0].title}”（已交办{days}个工作日）。"
    assert sign.key == f"sign:{sign.assignment_id}:{sign.stage}" and sign.office_id and sign.suggestion_id
    assert ReminderDelivery.objects.filter(reminder__kind="sign", recipient=clerk, channel="inapp").count() == MANY
    before = counts()
    assert scan_on("2026-09-28", 15) == 0  # the same day again
    assert counts() == before
    keys = [r.key for r in Reminder.objects.all()]
    assert len(keys) == len(set(keys))
    pairs = list(ReminderDelivery.objects.values_list("reminder_id", "recipient_id", "channel"))
    assert len(pairs) == len(set(pairs))
    # Two working days later the next sign stage is new, and recorded once too.
    scan_on("2026-09-30")
    assert Reminder.objects.filter(kind="sign").count() == 4 * MANY
    assert scan_on("2026-09-30", 15) == 0


def test_a_storm_goes_out_as_one_digest_per_person_per_day(storm, clerk, co_clerk):
    scan_on("2026-09-28")
    waiting = Reminder.objects.count()
    tasks = []

    def run(name, *args):
        tasks.append(name)
        return reminders.run_inline(name, *args)

    sent = dispatch_on("2026-09-28", run=run)
    assert sent["reminders"] == waiting
    # The non-urgent reminders went out in batches, not one task each.
    assert tasks.count("suggestions.tasks.deliver_reminders") == -(-waiting // delivery.SEND_BATCH)
    for person in (clerk, co_clerk):
        to_them = [m for m in mail.outbox if m.to == [person.email]]
        assert len(to_them) == 1, person  # whatever the count: one digest
        mine = ReminderDelivery.objects.filter(recipient=person, channel="email")
        assert mine.count() >= MANY
        assert to_them[0].subject == f"【催办】今日待办提醒（{mine.count()}项）"
        assert set(mine.values_list("status", flat=True)) == {"sent"}
        in_app = Notification.objects.filter(user=person, dedupe_key__startswith="reminder-delivery:")
        assert in_app.count() == mine.count()  # in-app: each one
    # Later the same day: no second digest.
    assert dispatch_on("2026-09-28", 16)["digests"] == 0
    assert len(mail.outbox) == 2


def test_urgent_reminders_of_a_storm_go_out_at_once_not_in_the_digest(storm, clerk, staff, office):
    head = factories.OfficeMemberFactory(office=office, role=OfficeMember.Role.HEAD).user
    created = scan_on("2026-10-19")  # overdue since 10-16: urgent, to the office (head too) and staff
    overdue = Reminder.objects.filter(kind="overdue")
    assert overdue.count() == MANY and created > MANY and all(r.is_urgent for r in overdue)
    dispatch_on("2026-10-19")
    for person in (clerk, head, staff):
        mails = [m for m in mail.outbox if m.to == [person.email]]
        digests = [m for m in mails if m.subject.startswith("【催办】今日待办提醒")]
        assert len(mails) - len(digests) == MANY, person  # each overdue one at once, on its own
        assert len(digests) <= 1
    assert len([m for m in mail.outbox if m.to == [clerk.email] and "今日待办" in m.subject]) == 1
    assert not ReminderDelivery.objects.filter(reminder__kind="overdue").exclude(status="sent").exists()


def test_a_dry_run_of_a_storm_counts_without_recording(storm):
    with time_machine.travel(at("2026-09-28"), tick=False):
        planned = reminders.scan(now=timezone.now(), dry_run=True)
    assert planned >= 2 * MANY and not Reminder.objects.exists()
    assert scan_on("2026-09-28") == planned
