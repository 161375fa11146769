"""Public reads from a real PostgreSQL streaming replica, with read-your-writes (issue 19, "Past one machine").

The replica is the second cluster of this machine on port 5433, streaming from the first
(``scripts/replica-setup.sh``; CI runs it). Physical replication copies every database, so the test
database the run created on the primary is on the replica too: the ``replica`` alias points at it there.
To make the replica stale on purpose its replay is paused (``pg_wal_replay_pause``) and resumed afterwards.
"""

import os
import time

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huaxi_renda import dbrouter
from huaxi_renda.dbrouter import REPLICA, WROTE_COOKIE, ReplicaRouter, replica_reads
from suggestions import actions
from suggestions.models import Rating, Suggestion
from tests import factories
from tests.conftest import carry_to_reply, publish

REPLICA_PORT = int(os.environ.get("REPLICA_PORT", "5433"))
SETUP = "scripts/replica-setup.sh"
# The replica is one for the whole machine and these tests pause its replay: they stay in this one module,
# which pytest-xdist (--dist loadfile, pyproject.toml) runs in one worker, one test after the other.


def _replica_control():
    """A connection to the replica cluster itself (autocommit), or a failure that says how to get one."""
    try:
        conn = psycopg.connect(host="127.0.0.1", port=REPLICA_PORT, user="postgres", dbname="postgres", autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(f"no PostgreSQL replica on 127.0.0.1:{REPLICA_PORT} ({error}); run {SETUP} (CI does)")
    if not conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
        pytest.fail(f"127.0.0.1:{REPLICA_PORT} is not a standby; run {SETUP}")
    return conn


def _caught_up(control, timeout=60.0):
    """Wait until the replica has replayed everything the primary has written so far."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if control.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
            return
        time.sleep(0.05)
    pytest.fail(f"the replica did not replay up to {lsn} within {timeout:.0f} s")


@pytest.fixture
def replica(transactional_db, settings):
    """The ``replica`` alias, added beside the test database the run created, on the streaming replica."""
    control = _replica_control()
    control.execute("SELECT pg_wal_replay_resume()")
    _caught_up(control)  # the test database the run just created is there too
    connections.settings[REPLICA] = {
        **connections.settings[DEFAULT_DB_ALIAS],
        "HOST": "127.0.0.1",
        "PORT": REPLICA_PORT,
    }
    # Connected here: the test case lets its threads open only the databases it knew when it started.
    connections[REPLICA].connect()
    settings.REPLICA_READ_YOUR_WRITES_SECONDS = 60
    try:
        yield control
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        control.execute("SELECT pg_wal_replay_resume()")
        control.close()


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _rated_reply(session, staff, office, clerk, title):
    """The reply to a new suggestion, rated by its delegate: ready to publish (through the services)."""
    delegate = factories.DelegateFactory()
    s = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title, body=f"{title}，详见正文。")
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    [assignment] = actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
    reply = carry_to_reply(s, assignment, clerk)
    actions.rating_submit(reply=reply, actor=delegate.user, value=Rating.Value.SATISFIED, comment="")
    return reply


def _csv(client):
    return b"".join(client.get(reverse("public:csv")).streaming_content).decode("utf-8-sig")


def _tables(queries):
    return " ".join(q["sql"] for q in queries)


def test_public_pages_read_from_the_replica_and_staff_pages_from_the_primary(replica, session, staff, office, clerk):
    reply = _rated_reply(session, staff, office, clerk, "关于增设花溪公园夜间照明的建议")
    publish(reply, staff)
    _caught_up(replica)
    anonymous = Client()
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        listing = anonymous.get(reverse("public:list"))
        detail = anonymous.get(reverse("public:detail", args=[reply.suggestion_id]))
        api = anonymous.get("/api/v1/public/outcomes/")
    assert listing.status_code == detail.status_code == api.status_code == 200
    assert "夜间照明" in api.content.decode()
    assert "夜间照明" in listing.content.decode() and "夜间照明" in detail.content.decode()
    assert "suggestions_suggestion" in _tables(on_replica.captured_queries)
    assert "suggestions_" not in _tables(on_primary.captured_queries)

    staff_client = Client()
    staff_client.force_login(staff)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert staff_client.get(reverse("staff:track")).status_code == 200
    assert on_replica.captured_queries == []


def test_a_stale_replica_never_hides_a_users_own_change(replica, session, staff, office, clerk):
    old = _rated_reply(session, staff, office, clerk, "关于改造青岩古镇停车场的建议")
    publish(old, staff)
    new = _rated_reply(session, staff, office, clerk, "关于疏通贵筑路排水管网的建议")
    _caught_up(replica)
    staff_client, anonymous = Client(), Client()
    staff_client.force_login(staff)

    replica.execute("SELECT pg_wal_replay_pause()")
    response = staff_client.post(
        reverse("staff:publication_edit", args=[new.pk]),
        {
            "action": "publish",
            "public_title": "关于疏通排水管网的建议",
            "public_body": "建议疏通排水管网。",
            "public_text": "已列入年度计划。",
        },
    )
    assert response.status_code == 302 and WROTE_COOKIE in response.cookies
    assert Suggestion.objects.get(pk=new.suggestion_id).is_published  # on the primary

    # The writer reads the primary: their publication is there, on the list and on its page.
    assert "疏通排水管网" in staff_client.get(reverse("public:list")).content.decode()
    assert staff_client.get(reverse("public:detail", args=[new.suggestion_id])).status_code == 200
    # Anyone else reads the paused replica: the old state, and that old page is not cached for later.
    listing = anonymous.get(reverse("public:list")).content.decode()
    assert "青岩古镇停车场" in listing and "疏通排水管网" not in listing
    assert anonymous.get(reverse("public:detail", args=[new.suggestion_id])).status_code == 404
    # The streamed CSV too: its rows are read while the body is sent, after the view returned.
    assert "疏通排水管网" not in _csv(anonymous) and "青岩古镇停车场" in _csv(anonymous)
    assert "疏通排水管网" in _csv(staff_client)
    # The window is configurable: once it is over, the writer's public pages are read from the replica again.
    staff_client.cookies[WROTE_COOKIE] = str(int(time.time()) - 61)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert staff_client.get(reverse("public:detail", args=[old.suggestion_id])).status_code == 200
    assert "suggestions_suggestion" in _tables(on_replica.captured_queries)

    replica.execute("SELECT pg_wal_replay_resume()")
    _caught_up(replica)
    assert "疏通排水管网" in anonymous.get(reverse("public:list")).content.decode()
    assert anonymous.get(reverse("public:detail", args=[new.suggestion_id])).status_code == 200


def test_a_read_inside_an_atomic_block_stays_on_the_primary(replica, session, staff):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Suggestion) == REPLICA
        # Accounts and sessions are never read from the replica.
        assert router.db_for_read(type(staff)) == DEFAULT_DB_ALIAS
        with transaction.atomic():
            s = factories.SuggestionFactory(session=session, lead_delegate=factories.DelegateFactory())
            assert router.db_for_read(Suggestion) == DEFAULT_DB_ALIAS
            assert Suggestion.objects.filter(pk=s.pk).exists()
        assert router.db_for_write(Suggestion, instance=s) == DEFAULT_DB_ALIAS


def test_without_a_replica_nothing_is_routed(client, staff):
    assert not dbrouter.replica_configured()
    assert ReplicaRouter().db_for_read(Suggestion) is None
    with replica_reads():
        assert Suggestion.objects.all()._db is None and not dbrouter.reading_replica()
    client.force_login(staff)
    response = client.post(reverse("notifications_read"))
    assert response.status_code < 400 and WROTE_COOKIE not in response.cookies


def test_a_replica_that_cannot_answer_costs_no_page(replica, settings, session, staff, office, clerk):
    reply = _rated_reply(session, staff, office, clerk, "关于增设花溪公园夜间照明的建议")
    publish(reply, staff)
    _caught_up(replica)
    # The replica ends the site's connection (as a restart of the replica would).
    replica.execute("SELECT pg_terminate_backend(%s)", [connections[REPLICA].connection.info.backend_pid])
    settings.REPLICA_RETRY_SECONDS = 30
    anonymous = Client(raise_request_exception=False)
    try:
        response = anonymous.get(reverse("public:list"))
        assert response.status_code == 200 and "夜间照明" in response.content.decode()
        # For a while the public pages do not try the replica at all.
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
            assert anonymous.get(reverse("public:detail", args=[reply.suggestion_id])).status_code == 200
        assert "suggestions_suggestion" in _tables(on_primary.captured_queries)
    finally:
        dbrouter._replica_down_until = 0.0
