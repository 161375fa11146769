"""The Celery worker and beat outlive a Redis outage and wait for a Redis that is not up yet (huaxi_renda/celery.py).

Real processes against a redis-server each test starts and stops on a port of its own (never the
machine's shared Redis on 6379); helpers and fixtures come from tests/test_worker_reminders.py.
"""

import os
import signal
import subprocess
import time

import pytest
from django.conf import settings

from suggestions.models import ReminderDelivery
from tests.test_worker_reminders import (  # noqa: F401 - fixtures
    BASE_DIR,
    CELERY,
    emails_to,
    infra,
    overdue,
    scan,
    use_broker,
    wait_for,
    worker_log,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

OUTAGE = 60  # seconds Redis stays away


class Beat:
    """``celery beat`` scanning every few seconds, its schedule file in the test's folder."""

    def __init__(self, *, broker_url, tmp_path):
        from django.db import connection

        self.log_path = tmp_path / "beat.log"
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603
            [str(CELERY), "-A", "huaxi_renda", "beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")],
            cwd=BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.test_worker_settings",
                "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict),
                "DB_POOL": "0",
                "CELERY_BROKER_URL": broker_url,
                "REMINDER_SCAN_SECONDS": "5",
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def text(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def test_the_web_still_gives_up_on_the_broker_at_once():
    from huaxi_renda.celery import app

    assert settings.CELERY_BROKER_CONNECTION_MAX_RETRIES == 0
    assert app.conf.broker_connection_max_retries == 0


def test_worker_and_beat_survive_a_redis_outage_and_send_what_fell_due(infra, overdue, clerk, tmp_path):  # noqa: F811 - fixtures imported above
    server = infra["server"]
    server.start()
    worker = infra["start_worker"]()
    beat = Beat(broker_url=server.url, tmp_path=tmp_path)
    try:
        wait_for(lambda: "ready." in worker_log(infra, tail=None), what="the worker to connect")
        wait_for(lambda: "Starting..." in beat.text(), what="beat to start")
        # The assignment falls overdue while Redis is away: nothing may have been sent before.
        ReminderDelivery.objects.all().delete()
        server.stop()
        started = time.monotonic()
        while time.monotonic() - started < OUTAGE:
            assert worker.proc.poll() is None, worker_log(infra)
            assert beat.proc.poll() is None, beat.text()[-4000:]
            time.sleep(2)
        assert "Cannot connect to redis" in worker_log(infra, tail=None)
        server.start()  # nobody restarts the worker or beat
        try:
            wait_for(lambda: emails_to(infra["mail"], clerk.email), timeout=120, what="the overdue e-mail")
        except AssertionError:
            raise AssertionError(worker_log(infra) + "\n--- beat ---\n" + beat.text()[-3000:])
        assert worker.proc.poll() is None and beat.proc.poll() is None
    finally:
        beat.stop()


def test_a_worker_started_while_its_redis_is_down_waits_and_then_works(infra, overdue, clerk):  # noqa: F811 - fixtures imported above
    server = infra["server"]
    worker = infra["start_worker"]()  # nothing listens on the port yet
    wait_for(
        lambda: "Cannot connect to redis" in worker_log(infra, tail=None) or worker.proc.poll() is not None,
        what="the first failed attempt",
    )
    time.sleep(10)
    assert worker.proc.poll() is None, worker_log(infra)
    server.start()
    app = use_broker(server.url)
    scan(app, "2026-10-19")
    try:
        wait_for(lambda: emails_to(infra["mail"], clerk.email), timeout=120, what="the overdue e-mail")
    except AssertionError:
        raise AssertionError(worker_log(infra))
