"""Sessions come from the cache but live in the database: a cache outage logs nobody out."""

import pytest
from django.core.cache.backends.base import BaseCache
from django.test import override_settings
from django.urls import reverse

from huaxi_renda.sessions import CACHE_SECONDS, SessionStore

pytestmark = pytest.mark.django_db


class DownCache(BaseCache):
    """A cache whose server cannot be reached: every call raises, as RedisCache does then."""

    def __init__(self, *args, **kwargs):
        super().__init__({})

    def _down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    get = set = add = delete = has_key = touch = clear = get_many = set_many = delete_many = _down


DOWN = {"default": {"BACKEND": "tests.test_sessions.DownCache"}}


def test_a_logged_in_page_reads_the_session_from_the_cache_not_the_database(client, staff):
    client.force_login(staff)
    client.get(reverse("staff:inbox"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("staff:inbox")).status_code == 200
    assert not [q for q in captured.captured_queries if "django_session" in q["sql"]]


def test_with_the_cache_down_users_stay_logged_in_and_can_log_in_and_out(client, staff, caplog):
    client.force_login(staff)
    with override_settings(CACHES=DOWN):
        assert client.get(reverse("staff:inbox")).status_code == 200  # found in the database
        client.logout()
        response = client.get(reverse("staff:inbox"))
        assert response.status_code == 302 and "login" in response["Location"]
        client.force_login(staff)
        assert client.get(reverse("staff:inbox")).status_code == 200
    assert "Session cache unavailable" in caplog.text


def test_a_session_is_cached_for_a_bounded_time(staff):
    store = SessionStore()
    store["x"] = 1
    store.save()
    from django.core.cache import cache

    assert cache.get(store.cache_key) == {"x": 1}
    assert CACHE_SECONDS <= 15 * 60


def test_a_deleted_session_is_gone_from_the_cache_and_the_database(staff):
    store = SessionStore()
    store["x"] = 1
    store.save()
    key = store.session_key
    store.delete()
    assert SessionStore(session_key=key).load() == {}
