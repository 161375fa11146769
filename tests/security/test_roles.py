"""三员分立: three administrators with mutually exclusive rights, and each one's refusals."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse

from security.models import AccountSecurity, AdminRole, SecurityEvent, SecurityEventKind
from security.roles import RoleError, admin_role_grant, admin_role_revoke
from tests import factories

pytestmark = pytest.mark.django_db


def test_no_account_holds_two_administrator_roles(security_admin, system_admin):
    with pytest.raises(RoleError, match="只能担任一种管理员角色"):
        admin_role_grant(user=system_admin, role=AdminRole.AUDIT, actor=security_admin)
    assert AccountSecurity.objects.get(user=system_admin).admin_role == AdminRole.SYSTEM
    assert set(system_admin.groups.values_list("name", flat=True)) == {"admin_system"}


def test_the_database_holds_one_known_administrator_role_per_account(system_admin):
    # One column per account: two roles cannot even be written; an unknown one is refused by a check.
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountSecurity.objects.filter(user=system_admin).update(admin_role="system,audit")


def test_a_superuser_cannot_take_an_administrator_role(security_admin):
    root = factories.UserFactory(username="root", is_superuser=True)
    with pytest.raises(RoleError):
        admin_role_grant(user=root, role=AdminRole.AUDIT, actor=security_admin)


def test_only_the_security_administrator_grants_roles_and_the_grant_is_audited(
    system_admin, audit_admin, security_admin
):
    user = factories.UserFactory(username="newaudit")
    for actor in (system_admin, audit_admin):
        with pytest.raises(PermissionDenied, match="安全管理员"):
            admin_role_grant(user=user, role=AdminRole.AUDIT, actor=actor)
    admin_role_grant(user=user, role=AdminRole.AUDIT, actor=security_admin)
    row = SecurityEvent.objects.filter(event=SecurityEventKind.ROLE_CHANGE, actor_id=security_admin.pk).get()
    assert row.target_id == str(user.pk) and row.detail == {"grant": "audit"}
    admin_role_revoke(user=user, actor=security_admin)
    assert AccountSecurity.objects.get(user=user).admin_role == ""


def get(client, user, name, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, **kwargs))


def test_system_administrator_manages_accounts_but_not_the_audit_lockouts_or_roles(client, system_admin):
    client.force_login(system_admin)
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/delegates/term/").status_code == 200
    assert client.get("/admin/suggestions/office/").status_code == 200
    # The account form has no rights on it: those are the security administrator's.
    page = client.get(f"/admin/auth/user/{system_admin.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page
    for name in ("security:audit", "security:audit_export", "security:lockouts", "security:roles"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("security:unlock"), {"username": "x"}).status_code == 403
    assert client.get("/admin/suggestions/suggestion/").status_code == 403  # business data
    assert client.get(reverse("staff:inbox")).status_code in {302, 403}


def test_security_administrator_manages_roles_and_lockouts_but_sees_no_business_data_or_audit(client, security_admin):
    client.force_login(security_admin)
    assert client.get(reverse("security:roles")).status_code == 200
    assert client.get(reverse("security:lockouts")).status_code == 200
    for name in ("security:audit", "security:audit_export"):
        assert client.get(reverse(name)).status_code == 403
    for path in ("/admin/suggestions/suggestion/", "/admin/delegates/delegate/", "/admin/auth/user/"):
        assert client.get(path).status_code == 403, path
    assert client.get(reverse("staff:inbox")).status_code in {302, 403}


def test_audit_administrator_reads_and_exports_the_audit_and_changes_nothing(client, audit_admin, system_admin):
    client.force_login(audit_admin)
    assert client.get(reverse("security:audit")).status_code == 200
    assert client.get(reverse("security:audit_export")).status_code == 200
    assert client.post(reverse("security:unlock"), {"username": "x"}).status_code == 403
    response = client.post(reverse("security:roles"), {"username": system_admin.username, "role": ""})
    assert response.status_code == 403
    assert AccountSecurity.objects.get(user=system_admin).admin_role == AdminRole.SYSTEM
    admin = client.get("/admin/auth/user/")
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]
    assert client.get(reverse("staff:inbox")).status_code in {302, 403}


def test_the_security_administrator_grants_a_role_on_the_roles_page(client, security_admin):
    user = factories.UserFactory(username="newsys")
    client.force_login(security_admin)
    client.post(reverse("security:roles"), {"username": "newsys", "role": "system"})
    assert AccountSecurity.objects.get(user=user).admin_role == AdminRole.SYSTEM
    page = client.post(reverse("security:roles"), {"username": "newsys", "role": "audit"}).content.decode()
    assert "只能担任一种管理员角色" in page


def test_createsuperuser_is_refused_under_the_production_settings(settings):
    settings.SECURITY_ALLOW_SUPERUSER = False
    with pytest.raises(CommandError, match="create_admins"):
        call_command("createsuperuser", "--noinput", username="root", email="root@example.test")


def test_create_admins_makes_three_separated_accounts_that_must_change_their_password(capsys):
    call_command("create_admins", system="sys1", security="sec1", audit="aud1")
    roles = dict(AccountSecurity.objects.values_list("user__username", "admin_role"))
    assert roles == {"sys1": "system", "sec1": "security", "aud1": "audit"}
    assert all(AccountSecurity.objects.values_list("must_change_password", flat=True))
    assert not factories.UserFactory._meta.model.objects.filter(is_superuser=True).exists()
    with pytest.raises(CommandError):
        call_command("create_admins", system="sys2", security="sys2", audit="aud2")


def test_only_the_security_administrator_resets_a_lost_authenticator(client, security_admin, system_admin, staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    client.force_login(system_admin)
    assert client.post(reverse("security:otp_reset"), {"username": staff.username}).status_code == 403
    assert TOTPDevice.objects.filter(user=staff).exists()
    client.force_login(security_admin)
    client.post(reverse("security:otp_reset"), {"username": staff.username})
    assert not TOTPDevice.objects.filter(user=staff).exists()
    row = SecurityEvent.objects.get(event=SecurityEventKind.OTP_ENROL, actor_id=security_admin.pk)
    assert row.detail == {"action": "reset"} and row.target_id == str(staff.pk)


def test_manage_py_createsuperuser_exits_with_an_error_under_the_real_production_settings():
    from tests.test_deploy import manage, production_env

    result = manage(
        "createsuperuser", "--noinput", "--username", "root", "--email", "r@example.test", env=production_env()
    )
    assert result.returncode != 0 and "create_admins" in result.stderr


def test_the_system_administrator_cannot_change_another_administrators_account(client, system_admin, audit_admin):
    client.force_login(system_admin)
    assert client.get(f"/admin/auth/user/{audit_admin.pk}/password/").status_code == 403
    response = client.post(
        f"/admin/auth/user/{audit_admin.pk}/password/",
        {"password1": "Takeover#2026", "password2": "Takeover#2026", "usable_password": "true"},
    )
    assert response.status_code == 403
    audit_admin.refresh_from_db()
    assert audit_admin.check_password("pw-123456")


def test_each_administrator_finds_the_pages_of_their_role_on_the_home_page(client, system_admin, audit_admin):
    client.force_login(audit_admin)
    page = client.get(reverse("home")).content.decode()
    assert reverse("security:audit") in page and "/admin/" not in page
    client.force_login(system_admin)
    page = client.get(reverse("home")).content.decode()
    assert "/admin/" in page and reverse("security:audit") not in page
