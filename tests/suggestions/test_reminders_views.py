"""Reminder logs (staff list, per suggestion, an office's own) and the send_reminders command."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from suggestions import actions, reminders
from suggestions.models import Reminder, ReminderDelivery
from tests import factories

TZ = ZoneInfo("Asia/Shanghai")


def at(day, hour=9):
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ)


@pytest.fixture
def make_due(session, delegate, staff, office, co_office, clerk, co_clerk):
    """n suggestions assigned on 2026-09-30 (lead + co office), scanned on 2026-10-09: 2n sign reminders."""

    def make(n):
        for _i in range(n):
            suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
            with time_machine.travel(at("2026-09-30", 10), tick=False):
                actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
                actions.suggestion_register(suggestion=suggestion, actor=staff)
                actions.suggestion_assign(
                    suggestion=suggestion, actor=staff, lead_office=office, co_offices=[co_office]
                )
        reminders.scan(now=at("2026-10-09"))

    return make


def login(client, user):
    client.force_login(user)
    return client


def test_staff_reminder_log_shows_deliveries_and_filters_failed(client, staff, clerk, make_due):
    make_due(1)
    failed = ReminderDelivery.objects.filter(recipient=clerk, channel="email").first()
    ReminderDelivery.objects.filter(pk=failed.pk).update(status="failed", last_error="SMTPRecipientsRefused: 退信")
    login(client, staff)
    response = client.get(reverse("reminders:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "待签收" in html and "1条发送失败" in html
    response = client.get(reverse("reminders:list"), {"status": "failed"})
    assert list(response.context["page"].object_list) == [failed]
    assert "退信" in response.content.decode()
    response = client.get(reverse("reminders:list"), {"channel": "inapp", "q": clerk.username})
    assert {d.channel for d in response.context["page"].object_list} == {"inapp"}
    assert {d.recipient_id for d in response.context["page"].object_list} == {clerk.pk}


def test_staff_reminder_log_bad_filter_shows_an_error_not_a_500(client, staff, make_due):
    make_due(1)
    login(client, staff)
    response = client.get(reverse("reminders:list"), {"date_from": "2026-10-10", "date_to": "2026-10-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    response = client.get(reverse("reminders:list"), {"date_from": "not-a-date", "status": "<script>"})
    assert response.status_code == 200


def test_staff_reminder_log_query_count_is_fixed(client, staff, make_due, django_assert_num_queries):
    login(client, staff)
    make_due(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reminders:list"))
    make_due(6)
    assert ReminderDelivery.objects.count() >= 20
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("reminders:list"))


def test_reminder_log_of_one_suggestion(client, staff, clerk, make_due):
    make_due(2)
    suggestion = Reminder.objects.order_by("pk").first().suggestion
    login(client, staff)
    response = client.get(reverse("reminders:suggestion", args=[suggestion.pk]))
    assert response.status_code == 200
    assert {d.reminder.suggestion_id for d in response.context["page"].object_list} == {suggestion.pk}
    assert client.get(reverse("reminders:suggestion", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ["clerk", "delegate", "anonymous"])
def test_only_staff_see_the_reminder_logs(client, who, clerk, delegate, make_due):
    make_due(1)
    suggestion = Reminder.objects.first().suggestion
    if who == "clerk":
        login(client, clerk)
    elif who == "delegate":
        login(client, delegate.user)
    for url in (reverse("reminders:list"), reverse("reminders:suggestion", args=[suggestion.pk])):
        response = client.get(url)
        assert response.status_code == (302 if who == "anonymous" else 403)


def test_an_office_sees_only_the_reminders_it_got(client, clerk, co_clerk, other_clerk, make_due):
    make_due(1)
    login(client, clerk)
    response = client.get(reverse("reminders:office"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.office.name for r, _mine in rows] == ["区住房和城乡建设局"]
    assert {d.channel for d in rows[0][1]} == {"inapp", "email"}
    login(client, other_clerk)
    assert client.get(reverse("reminders:office")).context["rows"] == []
    client.logout()
    assert client.get(reverse("reminders:office")).status_code == 302


def test_send_reminders_command(session, delegate, staff, office, clerk):
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    with time_machine.travel(at("2026-09-30", 10), tick=False):
        actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
        actions.suggestion_register(suggestion=suggestion, actor=staff)
        actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--date", "2026-10-09", stdout=out)
    assert "1 reminder(s) would be created" in out.getvalue()
    assert not Reminder.objects.exists()
    call_command("send_reminders", "--date", "2026-10-09", stdout=out)
    assert Reminder.objects.count() == 1
    assert not ReminderDelivery.objects.exclude(status="sent").exists()
    assert [m.to for m in mail.outbox] == [[clerk.email]]  # the day's digest
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "9 Oct")


def test_send_reminders_for_a_future_day_does_not_spend_that_days_digest(session, delegate, staff, office, clerk):
    def assign(day):
        suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
        with time_machine.travel(at(day, 10), tick=False):
            actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
            actions.suggestion_register(suggestion=suggestion, actor=staff)
            actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)

    assign("2026-09-30")
    with time_machine.travel(at("2026-10-09", 8), tick=False):
        call_command("send_reminders", "--date", "2026-10-12", stdout=StringIO())  # a run for next Monday
    assert [m.to for m in mail.outbox] == [[clerk.email]]  # sent today, as today's digest
    assert set(ReminderDelivery.objects.filter(channel="email").values_list("digest_date", flat=True)) == {
        datetime.date(2026, 10, 9)
    }
    assign("2026-10-08")  # due to be signed by Monday: a new reminder that day
    with time_machine.travel(at("2026-10-12", 9), tick=False):
        call_command("send_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [[clerk.email], [clerk.email]]  # Monday's digest still went out


@pytest.mark.parametrize(
    ("email_backend", "sms_backend", "email_label", "sms_label"),
    [
        (
            "django.core.mail.backends.console.EmailBackend",
            "suggestions.reminders.sms.LoggingSMSBackend",
            "仅记录",
            "仅记录",
        ),
        (
            "django.core.mail.backends.locmem.EmailBackend",
            "suggestions.reminders.sms.LoggingSMSBackend",
            "仅记录",
            "仅记录",
        ),
        (
            "django.core.mail.backends.filebased.EmailBackend",
            "suggestions.reminders.sms.LoggingSMSBackend",
            "仅记录",
            "仅记录",
        ),
        (
            "django.core.mail.backends.dummy.EmailBackend",
            "suggestions.reminders.sms.LoggingSMSBackend",
            "仅记录",
            "仅记录",
        ),
        (
            "django.core.mail.backends.smtp.EmailBackend",
            "suggestions.reminders.sms.BaseSMSBackend",
            "已交给邮件服务",
            "已交给短信服务",
        ),
    ],
)
def test_the_reminder_log_says_what_a_sent_delivery_really_became(
    client, settings, staff, clerk, make_due, email_backend, sms_backend, email_label, sms_label
):
    make_due(1)
    ReminderDelivery.objects.update(status="sent")
    settings.EMAIL_BACKEND, settings.SMS_BACKEND = email_backend, sms_backend
    login(client, staff)
    response = client.get(reverse("reminders:list"))
    labels = {d.channel: d.status_label for d in response.context["page"].object_list}
    assert labels == {"email": email_label, "inapp": "已送达"}
    assert email_label in response.content.decode()
    from suggestions.reminders import sent_label

    assert sent_label("sms") == sms_label
    login(client, clerk)
    rows = client.get(reverse("reminders:office")).context["rows"]
    assert {d.channel: d.status_label for d in rows[0][1]} == {"email": email_label, "inapp": "已送达"}
