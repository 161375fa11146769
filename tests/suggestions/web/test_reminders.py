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
    assert "待签收" in html and "1条未送达" in html
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

    client.get(reverse("reminders:list"))  # the navigation's counts, cached a minute per congress, are warm now
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


def test_staff_see_undelivered_reminders_and_resend_one_as_a_new_message(client, staff, clerk, lead_assignment):
    from suggestions.models import AuditLog, OfficeMember
    from suggestions.reminders import sms

    OfficeMember.objects.filter(user=clerk).update(phone="13900000001")
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    delivery = reminder.deliveries.get(channel="sms")
    ReminderDelivery.objects.filter(pk=delivery.pk).update(receipt="failed", receipt_reason="MOBILE_NOT_ON_SERVICE")
    login(client, staff)
    response = client.get(reverse("reminders:list"), {"status": "undelivered"})
    (row,) = response.context["page"].object_list
    assert row == delivery and row.can_resend and row.address_label == "139****0001"
    html = response.content.decode()
    assert "未送达：MOBILE_NOT_ON_SERVICE" in html and "13900000001" not in html
    sms.outbox.clear()
    response = client.post(reverse("reminders:resend", args=[delivery.pk]), follow=True)
    assert "已重新发送。" in response.content.decode()
    reminders.reminder_deliver(reminder_id=reminder.pk)  # as the worker does with the queued task
    delivery.refresh_from_db()
    assert (delivery.status, delivery.resends, delivery.receipt) == ("sent", 1, "")
    (message,) = sms.outbox
    assert message.out_id == f"reminder-delivery-{delivery.pk}-r1"
    assert AuditLog.objects.filter(data__delivery=delivery.pk).count() == 1
    # Delivered now: nothing to resend, said plainly.
    response = client.post(reverse("reminders:resend", args=[delivery.pk]), follow=True)
    assert "无需重发" in response.content.decode()


def test_only_staff_may_resend(client, staff, clerk, lead_assignment):
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    delivery = reminder.deliveries.get(channel="inapp")
    ReminderDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    login(client, clerk)
    assert client.post(reverse("reminders:resend", args=[delivery.pk])).status_code in (302, 403)
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_a_person_chooses_their_channels_and_sees_the_rules(client, clerk, settings):
    settings.REMINDER_QUIET_HOURS, settings.REMINDER_DAILY_CAP = "22:00-07:00", 5
    login(client, clerk)
    html = client.get(reverse("reminders:mine")).content.decode()
    assert "22:00至07:00不发短信" in html and "每天最多5条" in html
    response = client.post(reverse("reminders:mine"), {"channels": []})
    assert "请至少选择一种提醒方式。" in response.content.decode()
    response = client.post(reverse("reminders:mine"), {"channels": ["inapp", "sms"]}, follow=True)
    assert "提醒方式已保存。" in response.content.decode()
    assert clerk.channel_preference.channels == ["inapp", "sms"]
