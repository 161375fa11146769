"""Sessions: 30 idle minutes, 12 hours at most, logout ends them, activity written at most once a minute."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from security.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.post(reverse("login"), {"username": user.username, "password": "pw-123456"}).status_code == 302


def later(**delta):
    return time_machine.travel(timezone.now() + datetime.timedelta(**delta))


def test_a_session_ends_after_thirty_idle_minutes(client, staff):
    login(client, staff)
    with later(minutes=29):
        assert client.get(reverse("staff:inbox")).status_code == 200
    with later(minutes=29 + 31):
        response = client.get(reverse("staff:inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(event=SecurityEventKind.LOGOUT, detail__reason="idle").exists()


def test_a_session_ends_after_twelve_hours_even_when_in_use(client, staff):
    login(client, staff)
    for minutes in range(20, 12 * 60, 20):
        with later(minutes=minutes):
            assert client.get(reverse("staff:inbox")).status_code == 200
    with later(hours=12, minutes=1):
        assert client.get(reverse("staff:inbox")).status_code == 302
    assert SecurityEvent.objects.filter(event=SecurityEventKind.LOGOUT, detail__reason="absolute").exists()


def test_an_idle_request_from_a_script_gets_401_not_a_login_page(client, staff):
    login(client, staff)
    with later(minutes=31):
        response = client.post(reverse("security:stay"), HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 401


def test_the_stay_button_counts_as_activity(client, staff):
    login(client, staff)
    with later(minutes=26):
        assert client.post(reverse("security:stay")).status_code == 200
    with later(minutes=26 + 29):
        assert client.get(reverse("staff:inbox")).status_code == 200


def test_logged_in_pages_carry_the_idle_warning_with_a_stay_button_and_no_inline_script(client, staff):
    login(client, staff)
    page = client.get(reverse("staff:inbox")).content.decode()
    assert 'id="idle-warning"' in page and 'data-warn-seconds="1500"' in page and 'data-end-seconds="1800"' in page
    assert "data-idle-stay" in page and "/static/js/session.js" in page
    assert "<script>" not in page


def test_activity_is_written_to_the_session_at_most_once_a_minute(client, staff):
    login(client, staff)
    client.get(reverse("staff:inbox"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("staff:inbox")).status_code == 200
    assert not [q for q in captured.captured_queries if "django_session" in q["sql"]]
    with later(seconds=61), CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("staff:inbox")).status_code == 200
    assert [q for q in captured.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]


def test_logout_ends_the_session(client, staff):
    login(client, staff)
    key = client.session.session_key
    client.post(reverse("logout"))
    from huaxi_renda.sessions import SessionStore

    assert SessionStore(session_key=key).load() == {}
    assert client.get(reverse("staff:inbox")).status_code == 302


def test_one_session_per_staff_account_when_configured(client, staff, settings):
    settings.SESSION_SINGLE_FOR_STAFF = True
    login(client, staff)
    other = type(client)()
    login(other, staff)
    assert other.get(reverse("staff:inbox")).status_code == 200
    assert client.get(reverse("staff:inbox")).status_code == 302  # the older session has ended


def test_staff_may_hold_two_sessions_by_default(client, staff):
    login(client, staff)
    other = type(client)()
    login(other, staff)
    assert client.get(reverse("staff:inbox")).status_code == 200


def test_the_session_cookie_lives_no_longer_than_twelve_hours(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
