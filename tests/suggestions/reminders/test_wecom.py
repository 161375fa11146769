"""企业微信 channels against a local stand-in: an office's group robot and application messages, per office."""

import pytest

from suggestions import actions, reminders
from suggestions.reminders.channels import registry
from tests.suggestions.reminders.sms_standins import SECRET, WeComStandIn


@pytest.fixture
def wecom(settings, office):
    with WeComStandIn(delay=1.2) as standin:
        base = f"http://{standin.endpoint}"
        settings.WECOM_API_BASE = base
        settings.WECOM_CORP_ID, settings.WECOM_SECRET, settings.WECOM_AGENT_ID = standin.corp_id, SECRET, "1000002"
        settings.WECOM_OFFICES = {
            office.name: {"robot": f"{base}/cgi-bin/webhook/send?key={standin.robot_key}", "to_party": "12"}
        }
        settings.SMS_TIMEOUT_SECONDS = 0.5
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        yield standin


def test_an_offices_group_and_department_get_one_message_per_reminder(wecom, lead_assignment, staff, clerk, office):
    from suggestions.models import OfficeMember
    from tests import factories

    factories.OfficeMemberFactory(office=office, role=OfficeMember.Role.HEAD)  # two people, one group message
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    reminders.reminder_deliver(reminder_id=reminder.pk)
    assert sorted(m["phone"] for m in wecom.messages) == ["12", "robot"]
    assert all("请尽快答复。" in m["params"]["content"] for m in wecom.messages)
    rows = reminder.deliveries.filter(channel__in=["wecom_robot", "wecom_app"])
    assert rows.count() == 2 and set(rows.values_list("status", flat=True)) == {"sent"}


def test_the_access_token_is_cached_and_fetched_again_when_it_expires(wecom, lead_assignment, staff, clerk):
    for text in ("一", "二"):
        reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message=text)
        reminders.reminder_deliver(reminder_id=reminder.pk)
    assert wecom.token_requests == 1
    wecom.expire_tokens()
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="三")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    assert wecom.token_requests == 2
    assert reminder.deliveries.get(channel="wecom_app").status == "sent"


def test_a_wrong_secret_or_robot_key_fails_for_good_and_throttling_retries(
    wecom, settings, lead_assignment, staff, clerk, office
):
    settings.WECOM_SECRET = "wrong"
    settings.WECOM_OFFICES = {
        office.name: {"robot": f"http://{wecom.endpoint}/cgi-bin/webhook/send?key=bad", "to_party": "12"}
    }
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    assert set(reminder.deliveries.filter(channel__startswith="wecom").values_list("status", flat=True)) == {"failed"}
    settings.WECOM_SECRET = SECRET
    settings.WECOM_OFFICES = {office.name: {"to_party": "12"}}
    wecom.faults = ["throttle"]
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="再次催办。")
    with pytest.raises(reminders.TransientDeliveryError):
        reminders.reminder_deliver(reminder_id=reminder.pk)
    delivery = reminder.deliveries.get(channel="wecom_app")
    reminders.reminder_deliver(reminder_id=reminder.pk, now=delivery.not_before)
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(wecom.messages) == 1


def test_offices_without_wecom_get_no_wecom_rows(lead_assignment, staff, clerk):
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    assert not reminder.deliveries.filter(channel__startswith="wecom").exists()
    assert [code for code, _label in registry.choices()][-2:] == ["wecom_robot", "wecom_app"]
