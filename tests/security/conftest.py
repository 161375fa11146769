import pytest

from security.models import AdminRole
from security.roles import admin_role_grant
from tests import factories


def make_admin(role: AdminRole, username: str):
    user = factories.UserFactory(username=username)
    admin_role_grant(user=user, role=role, actor=None, bootstrap=True)
    user.refresh_from_db()
    return user


@pytest.fixture
def system_admin(db):
    return make_admin(AdminRole.SYSTEM, "sysadmin")


@pytest.fixture
def security_admin(db):
    return make_admin(AdminRole.SECURITY, "secadmin")


@pytest.fixture
def audit_admin(db):
    return make_admin(AdminRole.AUDIT, "auditadmin")


@pytest.fixture
def enforce(settings):
    """The production rules: forced password change and expiry on."""
    settings.SECURITY_ENFORCE_PASSWORD_CHANGE = True
    settings.PASSWORD_EXPIRY_DAYS = 90
    return settings
