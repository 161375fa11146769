"""The privacy notice is accepted once per version; a person's data is exported for them and anonymised where allowed."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from delegates.models import Delegate, DelegateContact
from security import privacy
from security.models import SecurityEvent, SecurityEventKind
from security.models_privacy import PrivacyConsent, PrivacyNotice
from suggestions import actions
from suggestions.errors import NotPermitted, TransitionNotAllowed
from suggestions.models import Rating, Suggestion


@pytest.fixture
def notice_required(settings, db):
    settings.PRIVACY_NOTICE_REQUIRED = True
    PrivacyNotice.objects.update_or_create(version=1, defaults={"title": "个人信息处理告知", "body": "告知内容第一版"})


def _login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": "pw-123456"})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_a_delegate_is_asked_to_accept_the_notice_before_going_on(client, delegate, notice_required):
    _login(client, delegate.user)
    response = client.get(reverse("delegates:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("privacy:notice"))
    page = client.get(response["Location"]).content.decode()
    assert "告知内容第一版" in page and 'id="accept-privacy"' in page


def test_accepting_records_the_version_and_the_delegate_goes_on(client, delegate, notice_required):
    _login(client, delegate.user)
    response = client.post(reverse("privacy:notice"), {"next": reverse("delegates:home")})
    assert response.status_code == 302 and response["Location"] == reverse("delegates:home")
    consent = PrivacyConsent.objects.get(user=delegate.user)
    assert consent.notice.version == 1
    assert client.get(reverse("delegates:home")).status_code == 200


def test_the_notice_is_asked_once_and_again_when_its_version_changes(client, delegate, notice_required):
    privacy.notice_accept(user=delegate.user, notice=PrivacyNotice.objects.get(version=1))
    _login(client, delegate.user)
    assert client.get(reverse("delegates:home")).status_code == 200
    client.logout()
    PrivacyNotice.objects.create(version=2, title="个人信息处理告知", body="告知内容第二版")
    _login(client, delegate.user)
    response = client.get(reverse("delegates:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("privacy:notice"))
    client.post(reverse("privacy:notice"))
    assert sorted(PrivacyConsent.objects.filter(user=delegate.user).values_list("notice__version", flat=True)) == [
        1,
        2,
    ]


def test_a_delegate_who_has_not_accepted_can_still_log_out(client, delegate, notice_required):
    _login(client, delegate.user)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_and_offices_are_not_asked(client, staff, clerk, notice_required):
    for user in (staff, clerk):
        _login(client, user)
        assert client.get(reverse("home")).status_code in (200, 302)
        assert "privacy" not in client.get(reverse("home")).get("Location", "")
        client.logout()


def test_a_delegate_downloads_their_own_data_and_the_download_is_audited(client, delegate, replied):
    delegate.contact.email = "own@example.test"
    delegate.contact.save()
    actions.rating_submit(reply=replied, actor=delegate.user, value=Rating.Value.SATISFIED, comment="满意")
    client.force_login(delegate.user)
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["delegate"]["name"] == delegate.name
    assert data["contact"]["phone"] == delegate.contact.phone and data["contact"]["email"] == "own@example.test"
    assert [s["title"] for s in data["suggestions_led"]] == [replied.suggestion.title]
    assert data["ratings"][0]["comment"] == "满意"
    event = SecurityEvent.objects.get(event=SecurityEventKind.DOWNLOAD)
    assert (event.actor_id, event.target_id) == (delegate.user.pk, str(delegate.pk))


def test_the_own_data_download_is_offered_as_excel_too(client, delegate):
    client.force_login(delegate.user)
    response = client.get(reverse("privacy:my_data") + "?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert {"delegate", "contact", "account"} <= set(book.sheetnames)
    assert book["contact"]["A2"].value == delegate.contact.phone


def test_staff_export_a_persons_data_for_them_as_an_audited_export(client, staff, delegate):
    client.force_login(staff)
    page = client.get(reverse("privacy:person", args=[delegate.pk])).content.decode()
    assert delegate.contact.phone not in page  # masked on the staff page
    response = client.get(reverse("privacy:person_export", args=[delegate.pk]))
    assert json.loads(response.content)["contact"]["phone"] == delegate.contact.phone
    assert SecurityEvent.objects.filter(event=SecurityEventKind.EXPORT, actor_id=staff.pk).count() == 1


def test_a_delegate_may_not_export_another_persons_data(client, delegate, other_delegate):
    client.force_login(delegate.user)
    assert client.get(reverse("privacy:person_export", args=[other_delegate.pk])).status_code == 403
    with pytest.raises(NotPermitted):
        privacy.person_export(actor=delegate.user, delegate=other_delegate)


def test_a_delegate_in_office_is_not_anonymised(client, staff, delegate):
    with pytest.raises(TransitionNotAllowed):
        privacy.person_anonymise(actor=staff, delegate=delegate)
    client.force_login(staff)
    client.post(reverse("privacy:person_anonymise", args=[delegate.pk]))
    assert Delegate.objects.get(pk=delegate.pk).name == delegate.name


def test_anonymising_a_former_delegate_replaces_name_and_contacts_and_keeps_the_workflow(
    client, staff, delegate, replied
):
    Delegate.objects.filter(pk=delegate.pk).update(is_active=False)
    client.force_login(staff)
    response = client.post(reverse("privacy:person_anonymise", args=[delegate.pk]))
    assert response.status_code == 302
    anonymous = Delegate.objects.get(pk=delegate.pk)
    assert anonymous.name == f"已匿名代表{delegate.pk}" and anonymous.work_unit == ""
    contact = DelegateContact.objects.get(delegate=delegate)
    assert (contact.phone, contact.phone_hash, contact.address, contact.email) == ("", "", "", "")
    user = anonymous.user
    assert not user.is_active and not user.has_usable_password() and user.first_name == ""
    assert Suggestion.objects.filter(lead_delegate=delegate, pk=replied.suggestion_id).exists()
    event = SecurityEvent.objects.get(event=SecurityEventKind.ADMIN_CHANGE)
    assert event.detail == {"what": "anonymise_person"} and event.target_id == str(delegate.pk)


def test_only_staff_anonymise(delegate, other_delegate, clerk):
    Delegate.objects.filter(pk=other_delegate.pk).update(is_active=False)
    for user in (delegate.user, clerk):
        with pytest.raises(NotPermitted):
            privacy.person_anonymise(actor=user, delegate=other_delegate)


def test_staff_see_a_repeatedly_failing_number_flagged_on_the_persons_page_still_masked(client, staff, delegate):
    from django.utils import timezone

    from suggestions.models import PhoneHealth

    client.force_login(staff)
    assert "data-phone-flag" not in client.get(reverse("privacy:person", args=[delegate.pk])).content.decode()
    phone = delegate.contact.phone
    PhoneHealth.objects.create(phone=phone, failures=3, last_reason="空号", flagged_at=timezone.now())
    page = client.get(reverse("privacy:person", args=[delegate.pk])).content.decode()
    assert "data-phone-flag" in page and "已连续3次发送失败" in page and "空号" in page
    assert phone not in page and privacy.mask_phone(phone) in page
