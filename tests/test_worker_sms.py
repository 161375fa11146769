"""Text messages through a real Celery worker and a local stand-in of Alibaba Cloud SMS.

The worker's first send times out after the gateway accepted the message; the
next scan's delivery asks the gateway's report first and records the message as
sent — one text message, whatever the worker retries. Helpers and fixtures come
from tests/test_worker_reminders.py.
"""

import json

import pytest

from suggestions.models import OfficeMember, ReminderDelivery
from tests.suggestions.reminders.sms_standins import SECRET, SECRET_ID, AliyunStandIn
from tests.test_worker_reminders import (  # noqa: F401 - fixtures
    infra,
    overdue,
    scan,
    use_broker,
    wait_for,
    worker_log,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_timed_out_send_is_not_sent_twice_by_the_worker(infra, overdue, clerk):  # noqa: F811 - fixtures imported above
    OfficeMember.objects.filter(user=clerk).update(phone="13900000001")
    with AliyunStandIn(delay=3) as standin:
        standin.faults = ["timeout"]
        infra["server"].start()
        app = use_broker(infra["server"].url)
        infra["start_worker"](
            TEST_SMS_BACKEND="suggestions.reminders.sms.aliyun.AliyunSMSBackend",
            SMS_ENDPOINT=standin.endpoint,
            SMS_PROTOCOL="http",
            SMS_ACCESS_KEY_ID=SECRET_ID,
            SMS_ACCESS_KEY_SECRET=SECRET,
            SMS_TEMPLATES=json.dumps({"reminder": "SMS_REMIND"}),
            SMS_TIMEOUT_SECONDS="1",
            REMINDER_RETRY_BACKOFF_SECONDS="1",
        )

        def sms_row():
            return ReminderDelivery.objects.filter(recipient=clerk, channel="sms").first()

        scan(app, "2026-10-19")
        try:
            # The worker may retry at once and recover before a poll sees the error: either state will do.
            wait_for(
                lambda: sms_row() and ("UnknownOutcome" in sms_row().last_error or sms_row().status == "sent"),
                what="the timed-out send",
            )
            if sms_row().status != "sent":
                scan(app, "2026-10-19")  # the next scan hands the waiting delivery to the worker again
            wait_for(lambda: sms_row().status == "sent", what="the delivery recovered from the report")
        except AssertionError:
            raise AssertionError(worker_log(infra)) from None
        delivery = sms_row()
        (message,) = standin.messages
        assert standin.send_requests == 1 and standin.report_requests >= 1
        assert message["out_id"] == f"reminder-delivery-{delivery.pk}" and message["template"] == "SMS_REMIND"
        assert (delivery.receipt, delivery.attempts) == ("delivered", 2)
