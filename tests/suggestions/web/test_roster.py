"""代表与单位: staff navigation, pending accounts, one-time activation links and the page that uses them."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from delegates.models import AccountActivation, DelegateContact
from suggestions.actions import accounts
from suggestions.models import AuditLog, OfficeMember
from suggestions.reminders import sms
from suggestions.reminders.sms import templates as sms_templates
from tests import factories

User = get_user_model()
GOOD_PASSWORD = "Huaxi-renda-2026"


def new_account(username, **kwargs):
    user = factories.UserFactory(username=username, **kwargs)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def pending_delegate(session):
    user = new_account("wangfang", first_name="王芳")
    delegate = factories.DelegateFactory(term=session.term, name="王芳", user=user)
    DelegateContact.objects.update_or_create(delegate=delegate, defaults={"phone": "13900000001", "email": ""})
    return user


@pytest.fixture
def pending_clerk(office):
    user = new_account("liming", first_name="李明", email="liming@example.com")
    OfficeMember.objects.create(office=office, user=user, phone="0851-83600001")
    return user


def activate_url(token):
    return reverse("activate", args=[token])


@pytest.mark.django_db
class TestActivationLinks:
    def test_only_a_hash_of_the_token_is_stored_and_issuing_is_audited(self, staff, pending_delegate):
        (link,) = accounts.activation_issue(actor=staff, users=[pending_delegate])
        stored = AccountActivation.objects.get(user=pending_delegate)
        assert link.token not in stored.token_hash and len(stored.token_hash) == 64
        assert not AccountActivation.objects.filter(token_hash=link.token).exists()
        assert AuditLog.objects.filter(action="activation_issue", actor=staff, note="wangfang").exists()
        assert stored.expires_at - timezone.now() > timedelta(days=13)

    def test_the_expiry_is_configurable_in_days(self, staff, pending_delegate, settings):
        settings.ACCOUNT_ACTIVATION_DAYS = 3
        (link,) = accounts.activation_issue(actor=staff, users=[pending_delegate])
        assert timedelta(days=2) < link.expires_at - timezone.now() <= timedelta(days=3)

    def test_the_link_sets_a_password_once_and_the_person_can_log_in(self, client, staff, pending_delegate):
        (link,) = accounts.activation_issue(actor=staff, users=[pending_delegate])
        page = client.get(activate_url(link.token))
        assert page.status_code == 200 and "wangfang" in page.content.decode()
        response = client.post(
            activate_url(link.token), {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
        )
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        pending_delegate.refresh_from_db()
        assert pending_delegate.check_password(GOOD_PASSWORD)
        activation = AccountActivation.objects.get(user=pending_delegate)
        assert activation.used_at is not None
        assert AuditLog.objects.filter(action="activation_use", actor=pending_delegate).exists()
        logged_in = client.post(reverse("login"), {"username": "wangfang", "password": GOOD_PASSWORD})
        assert logged_in.status_code == 302
        assert client.get(reverse("delegates:home")).status_code == 200
        client.logout()
        again = client.post(activate_url(link.token), {"new_password1": "x", "new_password2": "x"})
        assert again.status_code == 410 and "激活链接无效、已使用或已过期" in again.content.decode()

    def test_the_sites_password_rules_apply(self, client, staff, pending_delegate):
        (link,) = accounts.activation_issue(actor=staff, users=[pending_delegate])
        response = client.post(activate_url(link.token), {"new_password1": "12345678", "new_password2": "12345678"})
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"]
        pending_delegate.refresh_from_db()
        assert not pending_delegate.has_usable_password()
        assert AccountActivation.objects.get(user=pending_delegate).used_at is None

    def test_an_expired_link_is_refused(self, client, staff, pending_delegate):
        (link,) = accounts.activation_issue(actor=staff, users=[pending_delegate])
        AccountActivation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        response = client.get(activate_url(link.token))
        assert response.status_code == 410
        assert (
            client.post(
                activate_url(link.token), {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
            ).status_code
            == 410
        )
        pending_delegate.refresh_from_db()
        assert not pending_delegate.has_usable_password()

    def test_a_new_link_ends_the_earlier_one(self, client, staff, pending_delegate):
        (first,) = accounts.activation_issue(actor=staff, users=[pending_delegate])
        (second,) = accounts.activation_issue(actor=staff, users=[pending_delegate])
        assert client.get(activate_url(first.token)).status_code == 410
        assert client.get(activate_url(second.token)).status_code == 200

    def test_a_link_does_not_reopen_an_account_the_administrator_switched_off(self, client, staff, pending_delegate):
        (link,) = accounts.activation_issue(actor=staff, users=[pending_delegate])
        User.objects.filter(pk=pending_delegate.pk).update(is_active=False)
        assert client.get(activate_url(link.token)).status_code == 410

    def test_only_staff_issue_links(self, clerk, pending_delegate):
        with pytest.raises(accounts.NotPermitted):
            accounts.activation_issue(actor=clerk, users=[pending_delegate])


@pytest.mark.django_db
class TestRosterPages:
    def test_staff_reach_the_roster_area_from_the_navigation(self, client, staff):
        client.force_login(staff)
        response = client.get(reverse("staff:inbox"))
        labels = {item["label"]: item["url"] for item in response.context["nav_items"]}
        assert labels["代表与单位"] == reverse("roster:home")
        home = client.get(reverse("roster:home")).content.decode()
        assert reverse("roster:import", kwargs={"kind": "delegates"}) in home
        assert reverse("roster:import", kwargs={"kind": "offices"}) in home

    def test_pending_accounts_are_listed_with_masked_phones_and_links_issued_for_the_chosen(
        self, client, staff, pending_delegate, pending_clerk
    ):
        client.force_login(staff)
        page = client.get(reverse("roster:activations")).content.decode()
        assert "wangfang" in page and "liming" in page and staff.username not in page
        assert "139****0001" in page and "13900000001" not in page
        response = client.post(reverse("roster:activations"), {"user": [pending_delegate.pk]})
        assert response.url == reverse("roster:links")
        links = client.get(reverse("roster:links")).content.decode()
        assert links.count("data-activation-link") == 1 and "/accounts/activate/" in links
        assert AccountActivation.objects.filter(user=pending_clerk).count() == 0

    def test_the_links_export_to_excel(self, client, staff, pending_delegate, pending_clerk):
        client.force_login(staff)
        client.post(reverse("roster:activations"), {"user": [pending_delegate.pk, pending_clerk.pk]})
        response = client.get(reverse("roster:links"), {"format": "xlsx"})
        assert "no-store" in response["Cache-Control"]
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert [row[:3] for row in rows[1:]] == [
            ("王芳", "花溪街道代表团", "wangfang"),
            ("李明", "区住房和城乡建设局", "liming"),
        ]
        token = rows[1][3].rsplit("/activate/", 1)[1].strip("/")
        assert client.get(activate_url(token)).status_code == 200

    def test_links_are_sent_by_sms_to_a_mobile_and_by_email_otherwise(
        self, client, staff, pending_delegate, pending_clerk
    ):
        sms.outbox.clear()
        client.force_login(staff)
        client.post(reverse("roster:activations"), {"user": [pending_delegate.pk, pending_clerk.pk]})
        response = client.post(reverse("roster:links_send"), follow=True)
        assert "已发送2条激活通知。" in response.content.decode()
        ((phone, text),) = [(m.phone, m.text) for m in sms.outbox]
        assert phone == "13900000001" and "wangfang" in text and "/accounts/activate/" in text
        # The registered activation template's variables, the link whole (not cut to a variable's 35 characters).
        (sent,) = sms.outbox
        assert sent.kind == "activation" and set(sent.params) == {"name", "username", "expires", "url"}
        assert sent.params["username"] == "wangfang" and sent.params["name"] == "王芳"
        assert "/accounts/activate/" in sent.params["url"] and sent.params["url"] in text
        template = sms_templates.Template(kind="activation", id="T", params=sms_templates.DEFAULT_PARAMS["activation"])
        assert sms_templates.values(sent, template)["url"] == sent.params["url"]
        (message,) = mail.outbox
        assert message.to == ["liming@example.com"] and "/accounts/activate/" in message.body

    def test_nothing_issued_is_said_plainly(self, client, staff):
        client.force_login(staff)
        assert "没有刚生成的激活链接" in client.get(reverse("roster:links")).content.decode()
        response = client.post(reverse("roster:activations"), {"user": ["x", "99999"]}, follow=True)
        assert "请选择要生成激活链接的账号" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token", ["", "x" * 500, "<script>alert(1)</script>", "../../etc/passwd", "\u0000", "ａｂｃ", "%00"]
)
def test_a_hostile_activation_token_gets_a_clear_page_not_an_error(client, token):
    from urllib.parse import quote

    response = client.get(f"/accounts/activate/{quote(token, safe='')}/")
    assert response.status_code in (404, 410)
    response = client.post(f"/accounts/activate/{quote(token, safe='')}/", {"new_password1": token})
    assert response.status_code in (403, 404, 410)
