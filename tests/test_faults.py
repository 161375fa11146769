"""Faults: PostgreSQL dropping every connection of the server does not fail the next request."""

import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def get(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"})
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - the live test server
        return response.status


def test_requests_succeed_after_postgresql_terminates_the_servers_connections(live_server):
    staff = factories.StaffFactory()
    client = Client()
    client.force_login(staff)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert get(f"{live_server.url}/staff/track/", cookie) == 200
    with connection.cursor() as cursor:  # what a database restart or a failover does to every other session
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    for path in ("/staff/track/", "/public/", "/staff/"):
        assert get(f"{live_server.url}{path}", cookie) == 200


def test_the_connection_pool_replaces_a_connection_the_server_dropped():
    """The production path (Django's psycopg pool) in a separate process against the test database."""
    import os
    import subprocess
    import sys

    name = connection.settings_dict["NAME"]
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    script = (
        "import django, psycopg; django.setup()\n"
        "from django.db import connection\n"
        "from suggestions.models import ResultClass\n"
        "assert connection.settings_dict['OPTIONS'].get('pool')\n"
        "first = ResultClass.objects.count(); pid = connection.connection.info.backend_pid; connection.close()\n"
        f"with psycopg.connect('postgresql://postgres@127.0.0.1:5432/{name}', autocommit=True) as c:\n"
        "    c.execute('select pg_terminate_backend(%s)', [pid])\n"
        "print(first, ResultClass.objects.count())\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "DB_POOL": "1", "DJANGO_SETTINGS_MODULE": "huaxi_renda.settings.local"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=str(settings.BASE_DIR), env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    first, second = result.stdout.split()[-2:]
    assert first == second == "4"
