"""Login: lockout without revealing accounts, unlock by the security administrator, TOTP, administrator networks."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.models import SecurityEvent, SecurityEventKind
from tests import factories

pytestmark = pytest.mark.django_db


def login(client, username, password="pw-123456", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_the_lockout_looks_the_same_for_an_account_that_does_not_exist(client, staff, settings):
    answers = {}
    for username in (staff.username, "nobody-here"):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            first = login(client, username, "wrong")
        answers[username] = (first.status_code, first.content.decode().count("请输入一个正确的"))
        locked = login(client, username, "wrong")
        assert locked.status_code == 429 and "密码错误次数过多" in locked.content.decode()
    assert answers[staff.username] == answers["nobody-here"]


def test_failed_logins_and_the_lockout_are_audited_by_account_id_never_by_login_name(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.username, "wrong", REMOTE_ADDR="10.1.2.3")
    failed = SecurityEvent.objects.filter(event=SecurityEventKind.LOGIN_FAILED)
    assert failed.count() >= settings.AXES_FAILURE_LIMIT - 1
    assert {row.target_id for row in failed} == {str(staff.pk)}
    assert {row.address for row in failed} == {"10.1.2.3"}
    lockout = SecurityEvent.objects.get(event=SecurityEventKind.LOCKOUT)
    assert lockout.target_id == str(staff.pk)
    assert not SecurityEvent.objects.filter(detail__icontains=staff.username).exists()


def test_the_lockout_counts_the_real_client_behind_the_trusted_proxy(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.username, "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    # Another client of the same proxy is not locked out.
    assert login(client, staff.username, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.10").status_code == 302


def test_the_security_administrator_lifts_a_lockout(client, staff, security_admin, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.username, "wrong")
    assert login(client, staff.username).status_code == 429
    admin_client = type(client)()
    admin_client.force_login(security_admin)
    page = admin_client.get(reverse("security:lockouts")).content.decode()
    assert staff.username in page
    admin_client.post(reverse("security:unlock"), {"username": staff.username})
    assert login(client, staff.username).status_code == 302
    assert SecurityEvent.objects.filter(event=SecurityEventKind.UNLOCK, actor_id=security_admin.pk).exists()


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_staff_enrol_an_authenticator_by_qr_code_and_then_need_a_code_to_log_in(client, staff, settings):
    settings.OTP_REQUIRED_ROLES = ["staff"]
    response = login(client, staff.username)
    assert response["Location"] == reverse("security:otp_verify")
    assert "_auth_user_id" not in client.session  # not logged in before the second factor
    assert client.get(reverse("security:otp_verify"))["Location"] == reverse("security:otp_setup")
    page = client.get(reverse("security:otp_setup")).content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert "验证码不正确" in client.post(reverse("security:otp_setup"), {"token": "000000"}).content.decode()
    # A wrong code slows the next try down (django-otp throttling): wait it out.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        device.refresh_from_db()
        response = client.post(reverse("security:otp_setup"), {"token": code_for(device)})
    assert response.status_code == 200 and "恢复码" in response.content.decode()
    recovery = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(recovery) == settings.SECURITY_RECOVERY_CODES
    assert client.get(reverse("staff:inbox")).status_code == 200
    assert SecurityEvent.objects.filter(
        event=SecurityEventKind.OTP_ENROL, actor_id=staff.pk, outcome="success"
    ).exists()

    client.post(reverse("logout"))
    login(client, staff.username)
    wrong = client.post(reverse("security:otp_verify"), {"token": "123456"})
    assert "验证码不正确" in wrong.content.decode() and "_auth_user_id" not in client.session
    # A recovery code works once (after the throttling delay of the wrong code).
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        assert client.post(reverse("security:otp_verify"), {"token": recovery[0]}).status_code == 302
    assert client.get(reverse("staff:inbox")).status_code == 200
    client.post(reverse("logout"))
    login(client, staff.username)
    assert "验证码不正确" in client.post(reverse("security:otp_verify"), {"token": recovery[0]}).content.decode()


def test_a_session_that_owes_the_second_factor_reaches_no_page(client, staff, settings):
    settings.OTP_REQUIRED_ROLES = ["staff"]
    client.force_login(staff)  # the password alone, as a session restored without the code
    assert client.get(reverse("staff:inbox"))["Location"] == reverse("security:otp_verify")


def test_delegates_and_clerks_need_no_second_factor_unless_configured(client, delegate, office, settings):
    settings.OTP_REQUIRED_ROLES = ["staff", "leader", "office_head", "admin"]
    clerk = factories.OfficeMemberFactory(office=office).user
    assert login(client, delegate.user.username)["Location"] != reverse("security:otp_verify")
    client.post(reverse("logout"))
    assert login(client, clerk.username)["Location"] != reverse("security:otp_verify")
    client.post(reverse("logout"))
    settings.OTP_REQUIRED_ROLES = ["delegate"]
    assert login(client, delegate.user.username)["Location"] == reverse("security:otp_verify")


def test_an_office_head_needs_the_second_factor(client, office, settings):
    settings.OTP_REQUIRED_ROLES = ["office_head"]
    head = factories.OfficeMemberFactory(office=office, role="head").user
    assert login(client, head.username)["Location"] == reverse("security:otp_verify")


def test_an_administrator_is_refused_from_outside_the_allowed_network(client, system_admin, settings):
    settings.ADMIN_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    response = login(client, system_admin.username, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200 and "不允许从当前网络登录" in response.content.decode()
    assert "_auth_user_id" not in client.session
    refused = SecurityEvent.objects.get(event=SecurityEventKind.LOGIN, outcome="refused")
    assert refused.target_id == str(system_admin.pk) and refused.address == "198.51.100.7"
    assert login(client, system_admin.username, REMOTE_ADDR="10.3.4.5").status_code == 302


def test_logins_and_logouts_are_audited(client, staff):
    login(client, staff.username, REMOTE_ADDR="10.9.9.9")
    client.post(reverse("logout"))
    events = list(SecurityEvent.objects.filter(actor_id=staff.pk).values_list("event", flat=True))
    assert events[-2:] == [SecurityEventKind.LOGIN, SecurityEventKind.LOGOUT]
