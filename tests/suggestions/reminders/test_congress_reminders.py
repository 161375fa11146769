"""Reminders per congress: a scan covers every congress, and each congress's reminders and staff notifications
reach that congress's people only; the reminder log and its failed count are the congress's own."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from suggestions import actions, reminders
from suggestions.models import Notification, Reminder, ReminderDelivery
from suggestions.reminders.keys import code_of
from tests.congress_worlds import carry, world

TZ = ZoneInfo("Asia/Shanghai")
DUE = datetime.date(2026, 10, 16)


def at(day, hour=9):
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ)


def scan_on(day):
    with time_machine.travel(at(day), tick=False):
        return reminders.scan(now=timezone.now())


def recipients(key):
    deliveries = Reminder.objects.get(code=code_of(key)).deliveries.filter(channel="inapp")
    return set(deliveries.values_list("recipient__username", flat=True))


@pytest.fixture
def two(db):
    a, b = world("甲", first=True), world("乙")
    with time_machine.travel(at("2026-09-11", 10), tick=False):
        for w in (a, b):
            w.suggestion = carry(w, f"关于{w.tag}地道路维修的建议", due_date=DUE)
            w.lead = w.suggestion.assignments.get(office=w.office)
    return a, b


def test_one_scan_reminds_each_congress_overdue_office_and_its_own_staff_only(two):
    a, b = two
    scan_on("2026-10-19")  # the first working day after the deadline: overdue, to the office and the staff
    for w, other in ((a, b), (b, a)):
        got = recipients(f"overdue:{w.lead.pk}:n1")
        assert w.staff.username in got and w.clerk.username in got
        assert other.staff.username not in got and other.clerk.username not in got


def test_waiting_requests_remind_the_staff_of_the_requests_congress(two):
    a, b = two
    with time_machine.travel(at("2026-09-14"), tick=False):
        request_a = actions.assignment_request_return(assignment=a.lead, actor=a.clerk, reason="不属于本单位职责。")
        request_b = actions.assignment_request_return(assignment=b.lead, actor=b.clerk, reason="不属于本单位职责。")
    scan_on("2026-09-17")
    assert recipients(f"request:{request_a.pk}:waiting") == {a.staff.username}
    assert recipients(f"request:{request_b.pk}:waiting") == {b.staff.username}


def test_staff_notifications_reach_only_the_staff_of_the_suggestions_congress(two):
    a, b = two
    # Submitting (carry) and asking for a return tell the staff: each congress's staff hear of their own.
    with time_machine.travel(at("2026-09-14"), tick=False):
        actions.assignment_request_return(assignment=b.lead, actor=b.clerk, reason="不属于本单位职责。")
    for w, other in ((a, b), (b, a)):
        told = set(Notification.objects.filter(user=w.staff).values_list("suggestion_id", flat=True))
        assert w.suggestion.pk in told
        assert other.suggestion.pk not in told
    assert Notification.objects.filter(user=b.staff, title__contains="申请退回").count() == 1
    assert not Notification.objects.filter(user=a.staff, title__contains="申请退回").exists()


def test_the_reminder_log_and_its_failed_count_are_the_congress_own(client, two):
    a, b = two
    scan_on("2026-10-19")
    failed = ReminderDelivery.objects.filter(reminder__suggestion=a.suggestion, channel="email").first()
    ReminderDelivery.objects.filter(pk=failed.pk).update(status="failed", last_error="退信")
    cache.clear()  # the navigation keeps its counts a minute
    client.force_login(b.staff)
    page = client.get(reverse("reminders:list"))
    assert page.status_code == 200
    shown = {d.reminder.suggestion_id for d in page.context["page"].object_list}
    assert shown == {b.suggestion.pk}
    assert page.context["failed"] == 0 and page.context["failed_reminders"] == 0
    assert "甲地" not in page.content.decode()
    # A's suggestion's log is not found for B; A's delivery cannot be resent by B.
    assert client.get(reverse("reminders:suggestion", args=[a.suggestion.pk])).status_code == 404
    client.post(reverse("reminders:resend", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.status == "failed" and failed.resends == 0
    client.force_login(a.staff)
    page = client.get(reverse("reminders:list"))
    assert {d.reminder.suggestion_id for d in page.context["page"].object_list} == {a.suggestion.pk}
    assert page.context["failed"] == 1 and page.context["failed_reminders"] == 1
    assert reminders.failed_count(b.congress.pk) == 0 and reminders.failed_count() == 1


def test_reminder_emails_and_texts_name_the_congress_of_the_suggestion(two):
    from suggestions.reminders import texts

    a, b = two
    scan_on("2026-10-19")
    reminder = Reminder.objects.get(code=code_of(f"overdue:{b.lead.pk}:n1"))
    assert "乙人大" in texts.email_body([reminder])
    assert texts.short_text(reminder).startswith("【乙人大】")
    # The first congress keeps the signature its gateway account registered.
    assert texts.short_text(Reminder.objects.get(code=code_of(f"overdue:{a.lead.pk}:n1"))).startswith("【花溪人大】")
