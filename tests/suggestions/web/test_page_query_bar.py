"""Issue 25's bar of at most twelve SQL statements per page, counted as the bench counts them: every statement
the page sends on a cache miss, the row scope's included (``make bench``: "SQL queries per page")."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huaxi_renda import rowscope

pytestmark = pytest.mark.django_db
MAX_QUERIES = 12


def _cold_statements(client, url):
    client.get(url)  # the process's one-time reads (content types, translations, compiled queries)
    cache.clear()  # the worst case: nothing cached, as after a restart of Redis
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _scope_statements(statements):
    return [sql for sql in statements if "set_config('huaxi.congresses'" in sql]


def test_the_dashboard_recount_stays_within_the_bar(client, staff, report_data):
    client.force_login(staff)
    statements = _cold_statements(client, reverse("reports:dashboard"))
    assert len(statements) <= MAX_QUERIES, "\n".join(statements)


@pytest.mark.parametrize("role", ["staff", "delegate", "clerk"])
def test_the_suggestion_detail_stays_within_the_bar(client, role, staff, delegate, clerk, replied):
    """A replied suggestion: its replies come with their ratings and follow-ups (two more statements)."""
    client.force_login({"staff": staff, "delegate": delegate.user, "clerk": clerk}[role])
    statements = _cold_statements(client, reverse("suggestions:detail", args=[replied.suggestion_id]))
    assert len(statements) <= MAX_QUERIES, "\n".join(statements)


def test_a_person_of_one_congress_gets_one_scope_statement(client, staff, assigned):
    """The congresses they hold a role in are the one they act in: narrowing to it would change nothing."""
    if not rowscope.active():
        pytest.skip("row-level security is PostgreSQL's")
    client.force_login(staff)
    statements = _cold_statements(client, reverse("suggestions:detail", args=[assigned.pk]))
    assert len(_scope_statements(statements)) == 1
