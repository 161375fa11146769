"""The security administrator sets the password and session policy; nobody else may; it applies from the next login."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from security.models import SecurityEvent, SecurityEventKind, SecurityPolicy

pytestmark = pytest.mark.django_db

STRICT = {"password_expiry_days": 30, "idle_minutes": 10, "absolute_hours": 8, "single_session_for_staff": "on"}


def test_only_the_security_administrator_sets_the_policy(client, system_admin, audit_admin, security_admin):
    for other in (system_admin, audit_admin):
        client.force_login(other)
        assert client.post(reverse("security:policy"), STRICT).status_code == 403
    assert not SecurityPolicy.objects.exists()
    client.force_login(security_admin)
    assert client.post(reverse("security:policy"), STRICT).status_code == 302
    row = SecurityPolicy.objects.get()
    assert (row.password_expiry_days, row.idle_minutes, row.absolute_hours, row.single_session_for_staff) == (
        30,
        10,
        8,
        True,
    )
    change = SecurityEvent.objects.get(event=SecurityEventKind.CONFIG_CHANGE, actor_id=security_admin.pk)
    assert change.detail["after"]["idle_minutes"] == 10


def test_the_policy_cannot_go_below_level_3(client, security_admin):
    client.force_login(security_admin)
    response = client.post(reverse("security:policy"), {**STRICT, "idle_minutes": 60, "absolute_hours": 24})
    assert response.status_code == 400
    assert not SecurityPolicy.objects.exists()


def test_a_stricter_idle_limit_applies_from_the_next_login(client, security_admin, staff):
    client.force_login(security_admin)
    client.post(reverse("security:policy"), STRICT)
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": staff.username, "password": "pw-123456"})
    page = client.get(reverse("staff:inbox")).content.decode()
    assert 'data-end-seconds="600"' in page and 'data-warn-seconds="300"' in page
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert client.get(reverse("staff:inbox")).status_code == 302
