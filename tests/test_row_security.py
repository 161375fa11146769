"""Row-level security, the second guard between congresses (README "Row-level security").

Everything here runs as a role like the production one: LOGIN, NOSUPERUSER, NOBYPASSRLS, with table rights
only. The data is made first as the test database's owner (a superuser, whom the policies let through), then
Django's connection is pointed at the role. The role is dropped afterwards, also when a test fails.
"""

from __future__ import annotations

import datetime
import json
import os
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import ProgrammingError, connection, transaction
from django.test import Client
from django.urls import reverse

from congresses.models import Congress, first_congress, forget_kept
from huaxi_renda import rowscope
from security.models import SecurityEvent, SecurityEventKind
from suggestions import reminders
from suggestions.models import Assignment, Office, Reminder, Suggestion
from suggestions.reminders.keys import code_of
from suggestions.tasks import scan_reminders
from tests import factories
from tests.congress_worlds import carry, world

pytestmark = pytest.mark.django_db(transaction=True)

TZ = ZoneInfo("Asia/Shanghai")
DUE = datetime.date(2026, 10, 16)


def _role_name() -> str:
    # Roles belong to the whole server: one per test database, so that parallel runs never share one.
    return f"huaxi_rls_{connection.settings_dict['NAME']}"[:60]


@contextmanager
def as_restricted_role(*, pool: bool = False):
    """Django's default connection logs in as a NOSUPERUSER NOBYPASSRLS role until the block ends."""
    role = _role_name()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
        cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    settings_dict = connection.settings_dict
    saved_user, saved_options = settings_dict["USER"], dict(settings_dict.get("OPTIONS", {}))
    connection.close()
    settings_dict["USER"] = role
    if pool:
        settings_dict["OPTIONS"] = {**saved_options, "pool": {"min_size": 1, "max_size": 1, "timeout": 5}}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (False, False)
        yield role
    finally:
        connection.close()
        if pool:
            connection.close_pool()
        settings_dict["USER"], settings_dict["OPTIONS"] = saved_user, saved_options
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def titles(sql: str = "SELECT title FROM suggestions_suggestion", params=()) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def two():
    a, b = world("甲", first=True), world("乙")
    with time_machine.travel(datetime.datetime(2026, 9, 11, 10, tzinfo=TZ), tick=False):
        for w in (a, b):
            w.suggestion = carry(w, f"关于{w.tag}地道路维修的建议", due_date=DUE)
    return a, b


def test_raw_sql_without_a_congress_filter_sees_only_the_scope_and_nothing_without_one(two):
    a, b = two
    with as_restricted_role(), transaction.atomic():
        assert titles() == set()  # no scope: nothing (fail closed)
        assert titles("SELECT name FROM suggestions_office") == set()
        rowscope.use([a.congress.pk])
        assert titles() == {a.suggestion.title}
        assert titles("SELECT name FROM suggestions_office") == {a.office.name, a.other_office.name}
        assert titles("SELECT name FROM delegates_delegate") == {a.delegate.name}
        # The children follow their suggestion.
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT suggestion_id FROM suggestions_assignment")
            assert {row[0] for row in cursor.fetchall()} == {a.suggestion.pk}
        rowscope.use([b.congress.pk])
        assert titles() == {b.suggestion.title}


def test_another_congress_row_can_be_neither_written_nor_changed(two):
    a, b = two
    with as_restricted_role(), transaction.atomic():
        rowscope.use([a.congress.pk])
        with connection.cursor() as cursor:
            # B's row is not there to change.
            cursor.execute("UPDATE suggestions_suggestion SET title = 'x' WHERE id = %s", [b.suggestion.pk])
            assert cursor.rowcount == 0
            # Moving A's row into B, or writing a row of B, is refused by the policy's WITH CHECK.
            with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
                cursor.execute(
                    "UPDATE suggestions_suggestion SET congress_id = %s WHERE id = %s", [b.congress.pk, a.suggestion.pk]
                )
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            Office.objects.create(congress=b.congress, name="乙地新局")
    assert Suggestion.objects.get(pk=b.suggestion.pk).title == b.suggestion.title


def test_the_scope_ends_with_the_transaction():
    with as_restricted_role(), connection.cursor() as cursor:
        with transaction.atomic():
            rowscope.use([first_congress().pk])
            cursor.execute("SELECT current_setting('huaxi.congresses', true)")
            assert cursor.fetchone()[0] == str(first_congress().pk)
        cursor.execute("SELECT coalesce(current_setting('huaxi.congresses', true), '')")
        assert cursor.fetchone()[0] == ""


@pytest.fixture
def probe_urls(settings):
    settings.ROOT_URLCONF = "tests.row_security_urls"


def test_a_pooled_connection_just_used_by_congress_b_shows_congress_a_only_a(two, probe_urls):
    a, b = two
    client_a, client_b = Client(), Client()
    client_a.force_login(a.staff)
    client_b.force_login(b.staff)
    with as_restricted_role(pool=True):
        seen_b = json.loads(client_b.get("/rls-probe/").content)
        with connection.cursor() as cursor:  # between the requests, on the pool's one connection
            cursor.execute("SELECT pg_backend_pid(), coalesce(current_setting('huaxi.congresses', true), '')")
            between = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM suggestions_suggestion")
            assert cursor.fetchone()[0] == 0
        connection.close()
        seen_a = json.loads(client_a.get("/rls-probe/").content)
        # A real page as well: A's staff list holds A's suggestion, read on the same connection.
        page = client_a.get(reverse("staff:track")).content.decode()
    assert seen_b["pid"] == between[0] == seen_a["pid"]  # one physical connection throughout
    assert between[1] == ""
    assert seen_b == {"pid": seen_b["pid"], "congresses": str(b.congress.pk), "titles": [b.suggestion.title]}
    assert seen_a == {"pid": seen_a["pid"], "congresses": str(a.congress.pk), "titles": [a.suggestion.title]}
    assert a.suggestion.title in page and b.suggestion.title not in page


def test_beat_scan_finds_every_congress_due_reminders_and_audits_its_widening(two):
    a, b = two
    leads = [w.suggestion.assignments.get(office=w.office) for w in two]
    before = SecurityEvent.objects.filter(event=SecurityEventKind.SCOPE_WIDEN).count()
    with as_restricted_role():
        with time_machine.travel(datetime.datetime(2026, 10, 19, 9, tzinfo=TZ), tick=False):
            with transaction.atomic():  # the scan without the widening sees nothing to remind
                assert reminders.scan(now=datetime.datetime(2026, 10, 19, 9, tzinfo=TZ)) == 0
                transaction.set_rollback(True)
            scan_reminders.apply()
    for lead in leads:
        assert Reminder.objects.filter(code=code_of(f"overdue:{lead.pk}:n1")).exists()
    widenings = SecurityEvent.objects.filter(event=SecurityEventKind.SCOPE_WIDEN).order_by("pk")[before:]
    assert [e.detail for e in widenings] == [{"reason": "celery:suggestions.tasks.scan_reminders", "congresses": "all"}]
    assert Assignment.objects.count() == 2


def test_the_city_overview_shows_the_congresses_below_under_the_role():
    forget_kept()
    city = factories.CongressFactory(name="贵阳市人大", slug="guiyang", level=Congress.Level.CITY)
    district = world("区", first=True)
    first = first_congress()
    first.parent = city
    first.save()
    township = world("镇")
    Congress.objects.filter(pk=township.congress.pk).update(parent=first, level=Congress.Level.TOWNSHIP)
    forget_kept()
    for w in (district, township):
        w.suggestion = carry(w, f"关于{w.tag}里的建议")
    city_staff = factories.StaffFactory(congress=city, username="staff-city")
    client = Client()
    client.force_login(city_staff)
    with as_restricted_role():
        overview = client.get(reverse("congresses:overview")).content.decode()
        lower = client.get(reverse("congresses:lower_list", args=[township.congress.pk])).content.decode()
        own = client.get(reverse("staff:track")).content.decode()
    assert f'data-congress="{first.slug}"' in overview and f'data-congress="{township.congress.slug}"' in overview
    assert township.suggestion.title in lower
    assert district.suggestion.title not in own  # outside /congress/ the city's staff see their own congress
    widenings = SecurityEvent.objects.filter(event=SecurityEventKind.SCOPE_WIDEN, actor_id=city_staff.pk)
    assert [e.detail["reason"] for e in widenings.order_by("pk")] == ["congresses:overview", "congresses:lower_list"]
    assert set(widenings.first().detail["congresses"]) == {city.pk, first.pk, township.congress.pk}


def test_every_demo_page_of_every_role_answers_as_the_restricted_role(monkeypatch):
    """The crawl of tests/test_crawl.py with each request run as the role (its own lookups of the demo's ids stay
    the owner's): no 5xx anywhere, no URL pattern unrequested, and the role's pages hold their congress's rows.

    Each request switches the owner's connection to the role with ``SET ROLE`` (row security then judges the
    role: it is neither superuser nor BYPASSRLS) instead of logging in afresh: one connection for the whole
    crawl. Every query of a request runs on that one connection, and the request ends still as the role."""
    from django import test as django_test
    from django.core.management import call_command

    from tests import crawl

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    pages, users, elsewhere = {}, set(), []

    class RestrictedClient(django_test.Client):
        def request(self, **request):
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {role}")
            switched = connection.connection.info.backend_pid

            def note_backend(execute, sql, params, many, context):
                if context["connection"].connection.info.backend_pid != switched:
                    elsewhere.append((request["PATH_INFO"], sql))
                return execute(sql, params, many, context)

            try:
                with connection.execute_wrapper(note_backend):
                    response = super().request(**request)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT current_user")
                    users.add(cursor.fetchone()[0])
                if response.status_code == 200 and not response.streaming:
                    pages[request["PATH_INFO"]] = response.content
                return response
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET ROLE")

    role = _role_name()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
        cursor.execute(f"CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    try:
        monkeypatch.setattr(django_test, "Client", RestrictedClient)
        result = crawl.crawl()
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
    assert result["requests"] > 500
    assert users == {role}  # each request ended as the restricted role …
    assert elsewhere == []  # … and each of its queries ran on the connection switched to it
    assert not result["errors"], crawl_report(result)
    assert not result["unrequested"], result["unrequested"]  # every URL pattern was requested (as test_crawl's)
    showcase = "关于加快推进9855厂家属区老旧小区改造的建议"
    assert showcase in pages["/public/"].decode()
    assert any(showcase in body.decode(errors="ignore") for path, body in pages.items() if path.startswith("/staff/"))


def crawl_report(result) -> str:
    return "\n\n".join(
        f"{e['role'] or 'anonymous'} {e['url']} -> {e['status']}\n{e['error']}" for e in result["errors"][:15]
    )
