"""Phone numbers are shown masked to whoever does not need them; revealing one is an audited policy action."""

import pytest
from django.urls import reverse

from security.models import SecurityEvent, SecurityEventKind
from security.privacy import mask_address, mask_email, mask_phone
from suggestions import policy
from suggestions.policy import Action


def _masked(phone):
    return f"{phone[:3]}****{phone[-4:]}"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0851-83612345", "0851-****2345"),
        ("0851-83612345-801", "0851-****2345"),
        ("", ""),
    ],
)
def test_numbers_are_masked_to_recognise_not_to_call(value, masked):
    assert mask_phone(value) == masked


def test_emails_and_addresses_are_masked():
    assert mask_email("wang@example.cn") == "w***@example.cn"
    assert mask_address("贵阳市花溪区清溪路88号") == "贵阳市花溪区****"


def test_the_office_page_shows_the_lead_delegates_number_masked(client, lead_assignment, clerk):
    phone = lead_assignment.suggestion.lead_delegate.contact.phone
    client.force_login(clerk)
    page = client.get(reverse("offices:assignment", args=[lead_assignment.pk])).content.decode()
    assert phone not in page and _masked(phone) in page and 'id="reveal-phone"' in page


def test_revealing_the_number_shows_it_and_records_a_reveal_event(client, lead_assignment, clerk):
    delegate = lead_assignment.suggestion.lead_delegate
    client.force_login(clerk)
    response = client.post(reverse("privacy:reveal_contact", args=[lead_assignment.pk]))
    assert response.status_code == 200 and delegate.contact.phone in response.content.decode()
    event = SecurityEvent.objects.get(event=SecurityEventKind.REVEAL)
    assert (event.actor_id, event.target_type, event.target_id, event.outcome) == (
        clerk.pk,
        "delegates.delegate",
        str(delegate.pk),
        SecurityEvent.Outcome.SUCCESS,
    )
    assert delegate.contact.phone not in str(event.detail)  # audit records name people by id only
    assert response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]


def test_another_office_may_not_reveal_and_the_refusal_is_recorded(client, lead_assignment, other_clerk):
    client.force_login(other_clerk)
    response = client.post(reverse("privacy:reveal_contact", args=[lead_assignment.pk]))
    assert response.status_code == 403
    assert lead_assignment.suggestion.lead_delegate.contact.phone not in response.content.decode()
    assert SecurityEvent.objects.get(event=SecurityEventKind.REVEAL).outcome == SecurityEvent.Outcome.REFUSED


def test_the_policy_says_who_needs_the_full_number(lead_assignment, clerk, other_clerk, staff, delegate, leader):
    assert policy.may(clerk, Action.REVEAL_CONTACT, lead_assignment)
    assert policy.may(staff, Action.REVEAL_CONTACT, lead_assignment)
    for user in (other_clerk, delegate.user, leader.user):
        assert not policy.may(user, Action.REVEAL_CONTACT, lead_assignment)


def _returned(lead_assignment, clerk, staff, other_office):
    from suggestions import actions

    actions.assignment_request_return(assignment=lead_assignment, actor=clerk, reason="不属于本单位职责。")
    actions.return_request_approve(
        request=lead_assignment.requests.get(), actor=staff, note="同意。", new_office=other_office
    )
    lead_assignment.refresh_from_db()


def test_an_office_no_longer_handling_may_not_reveal(lead_assignment, clerk, staff, other_office):
    _returned(lead_assignment, clerk, staff, other_office)
    decision = policy.may(clerk, Action.REVEAL_CONTACT, lead_assignment)
    assert not decision and "不再承办" in decision.reason


def test_a_reveal_button_is_not_offered_where_the_policy_refuses(client, lead_assignment, clerk, staff, other_office):
    _returned(lead_assignment, clerk, staff, other_office)
    client.force_login(clerk)
    response = client.get(reverse("offices:assignment", args=[lead_assignment.pk]))
    assert response.status_code in (200, 404)
    assert 'id="reveal-phone"' not in response.content.decode()


def test_the_admin_shows_a_delegates_contacts_masked(client, delegate):
    from tests import factories

    admin = factories.UserFactory(username="admin-mask", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("admin:delegates_delegate_change", args=[delegate.pk])).content.decode()
    phone = delegate.contact.phone
    assert phone not in page and _masked(phone) in page


def test_public_pages_never_show_a_contact(client, replied, staff):
    from tests.conftest import publish

    publish(replied, staff)
    contact = replied.suggestion.lead_delegate.contact
    page = client.get(reverse("public:detail", args=[replied.suggestion_id])).content.decode()
    assert contact.phone not in page and _masked(contact.phone) not in page and contact.address not in page


def test_staff_find_a_delegate_by_name_with_the_number_masked(client, staff, delegate):
    client.force_login(staff)
    page = client.get(reverse("privacy:people") + "?q=" + delegate.name).content.decode()
    phone = delegate.contact.phone
    assert delegate.name in page and phone not in page and _masked(phone) in page
    assert reverse("privacy:person", args=[delegate.pk]) in page


def test_the_reminder_log_shows_where_a_reminder_went_masked(client, staff, lead_assignment, clerk):
    from suggestions.models import OfficeMember, Reminder, ReminderDelivery

    OfficeMember.objects.filter(user=clerk).update(phone="13900000001")
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.MANUAL, stage="1", message="请办理", suggestion=lead_assignment.suggestion
    )
    for channel, address in (("sms", "13900000001"), ("email", "clerk.wang@example.test")):
        ReminderDelivery.objects.create(reminder=reminder, recipient=clerk, channel=channel, address=address)
    client.force_login(staff)
    page = client.get(reverse("reminders:list")).content.decode()
    assert "139****0001" in page and "c***@example.test" in page
    assert "13900000001" not in page and "clerk.wang@" not in page
