"""Each SMS gateway against a local stand-in of its service: templates, signatures, ids, receipts, faults.

The stand-ins (``sms_standins``) check the SDK's real request signature; nothing is mocked.
"""

import datetime
import socket

import pytest
from django.utils import timezone

from suggestions import actions, reminders
from suggestions.models import OfficeMember, PhoneHealth, ReminderDelivery
from suggestions.reminders.receipts import pull_receipts
from tests.suggestions.reminders.sms_standins import (
    SECRET,
    SECRET_ID,
    AliyunStandIn,
    HTTPGatewayStandIn,
    TencentStandIn,
)

PHONE = "13900000001"
TEMPLATES = {"reminder": "T_REMIND", "manual": "T_MANUAL", "code": "T_CODE", "activation": "T_ACTIVATE"}


def configure(settings, name, standin, *, secret=SECRET):
    settings.SMS_TEMPLATES = TEMPLATES
    settings.SMS_SIGN_NAME = "花溪人大"
    settings.SMS_TIMEOUT_SECONDS = 0.5
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = SECRET_ID, secret
    settings.SMS_PROTOCOL = "http"
    settings.SMS_ENDPOINT = standin.endpoint if standin else f"127.0.0.1:{closed_port()}"
    settings.SMS_APP_ID = TencentStandIn.app_id
    base = f"http://{settings.SMS_ENDPOINT}"
    settings.SMS_HTTP = {"url": f"{base}/send", "report_url": f"{base}/report", "secret": secret}
    settings.SMS_BACKEND = {
        "aliyun": "suggestions.reminders.sms.aliyun.AliyunSMSBackend",
        "tencent": "suggestions.reminders.sms.tencent.TencentSMSBackend",
        "http": "suggestions.reminders.sms.http.HTTPGatewaySMSBackend",
    }[name]


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when we return: connections are refused


STANDINS = {"aliyun": AliyunStandIn, "tencent": TencentStandIn, "http": HTTPGatewayStandIn}


@pytest.fixture(params=sorted(STANDINS))
def gateway(request, settings):
    with STANDINS[request.param](delay=1.6) as standin:
        configure(settings, request.param, standin)
        standin.name = request.param
        yield standin


@pytest.fixture
def reachable_clerk(clerk):
    OfficeMember.objects.filter(user=clerk).update(phone=PHONE)
    return clerk


def sms_of(reminder):
    return reminder.deliveries.get(channel="sms")


def test_a_manual_reminder_goes_out_once_with_its_template_signature_and_gateway_id(
    gateway, lead_assignment, staff, reachable_clerk
):
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请于本周内答复代表。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    reminders.reminder_deliver(reminder_id=reminder.pk)  # again: nothing more
    (message,) = gateway.messages
    delivery = sms_of(reminder)
    assert (delivery.status, delivery.provider_id) == ("sent", message["id"])
    assert message["template"] == "T_MANUAL" and message["out_id"] == f"reminder-delivery-{delivery.pk}"
    values = message["params"] if isinstance(message["params"], list) else list(message["params"].values())
    assert values == [lead_assignment.suggestion.number_display, "请于本周内答复代表。"]
    assert gateway.send_requests == 1


def test_a_scan_sends_each_due_reminder_once_per_person_and_records_the_receipt(
    gateway, lead_assignment, reachable_clerk
):
    from suggestions.workdays import WorkCalendar as Calendar

    day = Calendar().next_workday(lead_assignment.effective_due + datetime.timedelta(days=1))
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    reminders.scan(now=now)
    reminders.dispatch_pending(now=now)
    reminders.dispatch_pending(now=now)
    rows = ReminderDelivery.objects.filter(channel="sms", recipient=reachable_clerk)
    assert rows.count() >= 1 and set(rows.values_list("status", flat=True)) == {"sent"}
    assert len(gateway.messages) == rows.count() == gateway.send_requests
    assert {m["template"] for m in gateway.messages} == {"T_REMIND"}
    assert pull_receipts() == {"delivered": rows.count(), "failed": 0, "waiting": 0}
    assert set(rows.values_list("receipt", flat=True)) == {"delivered"}
    assert reminders.label_deliveries(list(rows))[0].status_label == "已送达"


def test_a_wrong_secret_is_refused_by_the_gateway_and_fails_for_good(
    gateway, settings, lead_assignment, staff, reachable_clerk
):
    configure(settings, gateway.name, gateway, secret="not-the-secret")
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    delivery = sms_of(reminder)
    assert delivery.status == "failed" and gateway.messages == []
    assert any(word in delivery.last_error for word in ("Signature", "签名"))


def test_throttling_and_server_errors_back_off_and_send_once(gateway, lead_assignment, staff, reachable_clerk):
    gateway.faults = ["throttle", "5xx"]
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    now = timezone.now()
    for attempt in (1, 2):
        with pytest.raises(reminders.TransientDeliveryError):
            reminders.reminder_deliver(reminder_id=reminder.pk, now=now)
        delivery = sms_of(reminder)
        assert (delivery.status, delivery.attempts) == ("pending", attempt)
        assert delivery.not_before - now >= datetime.timedelta(seconds=60 * 2 ** (attempt - 1)) - datetime.timedelta(
            seconds=5
        )
        now = delivery.not_before
    reminders.reminder_deliver(reminder_id=reminder.pk, now=now)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert len(gateway.messages) == 1 and gateway.send_requests == 3


def test_a_timed_out_send_that_reached_the_gateway_is_not_sent_again(gateway, lead_assignment, staff, reachable_clerk):
    gateway.faults = ["timeout"]
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    with pytest.raises(reminders.TransientDeliveryError):
        reminders.reminder_deliver(reminder_id=reminder.pk)
    delivery = sms_of(reminder)
    assert delivery.status == "pending" and "UnknownOutcome" in delivery.last_error
    reminders.reminder_deliver(reminder_id=reminder.pk, now=delivery.not_before)
    delivery.refresh_from_db()
    (message,) = gateway.messages
    assert gateway.send_requests == 1 and gateway.report_requests >= 1
    # Alibaba's send details carry our OutId but not the BizId.
    provider_id = "" if gateway.name == "aliyun" else message["id"]
    assert (delivery.status, delivery.provider_id, delivery.receipt) == ("sent", provider_id, "delivered")


def test_an_outage_delays_reminders_without_loss_then_they_go_out_once(
    settings, lead_assignment, staff, reachable_clerk
):
    configure(settings, "aliyun", None)  # nothing listens: the gateway is down
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    now = timezone.now()
    for _attempt in range(4):
        reminders.run_inline("suggestions.tasks.deliver_reminder", reminder.pk)  # as the scan would
        delivery = sms_of(reminder)
        assert delivery.status == "pending"
        now = delivery.not_before
        with pytest.raises(reminders.TransientDeliveryError):
            reminders.reminder_deliver(reminder_id=reminder.pk, now=now)
    with AliyunStandIn() as standin:
        configure(settings, "aliyun", standin)
        reminders.reminder_deliver(reminder_id=reminder.pk, now=sms_of(reminder).not_before)
    delivery = sms_of(reminder)
    assert delivery.status == "sent" and len(standin.messages) == 1


def test_an_outage_longer_than_the_window_is_reported_failed_to_staff(
    settings, lead_assignment, staff, reachable_clerk
):
    configure(settings, "tencent", None)
    settings.REMINDER_RETRY_WINDOW_HOURS = 2
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    now = timezone.now()
    reminders.run_inline("suggestions.tasks.deliver_reminder", reminder.pk)
    tries = 1
    while sms_of(reminder).status == "pending":
        try:
            reminders.reminder_deliver(reminder_id=reminder.pk, now=now)
        except reminders.TransientDeliveryError:
            pass
        tries += 1
        now = sms_of(reminder).not_before or now
        assert now - timezone.now() <= datetime.timedelta(hours=3)
    assert sms_of(reminder).status == "failed" and tries > 3
    assert reminders.failed_count() == 1


def test_a_number_failing_repeatedly_is_flagged_and_shown_undelivered(
    settings, lead_assignment, staff, reachable_clerk
):
    with AliyunStandIn() as standin:
        configure(settings, "aliyun", standin)
        settings.SMS_FLAG_AFTER_FAILURES = 2
        standin.failing_numbers[PHONE] = "MOBILE_NOT_ON_SERVICE"
        for text in ("第一次催办。", "第二次催办。"):
            reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message=text)
            reminders.reminder_deliver(reminder_id=reminder.pk)
            assert not PhoneHealth.objects.filter(flagged_at__isnull=False).exists()
            pull_receipts()
    health = PhoneHealth.objects.get(phone=PHONE)
    assert (health.failures, health.last_reason) == (2, "MOBILE_NOT_ON_SERVICE") and health.flagged_at
    delivery = sms_of(reminder)
    assert reminders.label_deliveries([delivery])[0].status_label == "未送达：MOBILE_NOT_ON_SERVICE"


def test_without_a_registered_template_a_message_is_refused_before_it_is_sent(settings):
    from suggestions.reminders.sms import SMSError, SMSMessage
    from suggestions.reminders.sms.aliyun import AliyunSMSBackend

    settings.SMS_TEMPLATES = {"manual": "T_MANUAL"}
    with pytest.raises(SMSError, match="no SMS template"):
        AliyunSMSBackend().send_message(SMSMessage(phone=PHONE, text="-", kind="code"))


def test_send_test_message_sends_through_the_configured_gateway_and_shows_the_receipt(settings):
    from io import StringIO

    from django.core.management import call_command

    with TencentStandIn() as standin:
        configure(settings, "tencent", standin)
        out = StringIO()
        call_command("send_test_message", "--channel", "sms", "--to", PHONE, "--wait", "1", stdout=out)
    (message,) = standin.messages
    assert message["phone"] == PHONE and message["template"] == "T_REMIND"
    assert f"gateway id {message['id']}" in out.getvalue() and "receipt: delivered" in out.getvalue()


def test_send_test_message_says_plainly_when_the_gateway_refuses(settings):
    from django.core.management import CommandError, call_command

    with AliyunStandIn() as standin:
        configure(settings, "aliyun", standin, secret="wrong")
        with pytest.raises(CommandError, match="refused"):
            call_command("send_test_message", "--channel", "sms", "--to", PHONE)
