"""Reminders end to end: a real Celery worker process, a real Redis, the live test database.

Each test starts its own redis-server on a free port (so it can stop it without
touching the machine's shared Redis) and a solo-pool worker pointed at the test
database; e-mails are files the test reads. Everything is bounded in time and
the subprocesses are killed in ``finally``.
"""

import datetime
import os
import shutil
import signal
import socket
import subprocess
import time
from email import message_from_bytes
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.conf import settings
from django.db import connection
from kombu import pools

from suggestions import actions
from suggestions.models import Notification, Reminder, ReminderDelivery
from suggestions.reminders.keys import code_of
from tests import factories
from tests.conftest import carry_to_reply

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = BASE_DIR / ".venv" / "bin" / "celery"
TZ = ZoneInfo("Asia/Shanghai")
WAIT = 90  # seconds: a loaded 2-core machine starts Django + Celery slowly


def at(day, hour=10):
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, *, timeout=WAIT, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class RedisServer:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def up():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_for(up, timeout=20, what="redis-server")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


class Worker:
    def __init__(self, *, broker_url, mail_dir, log_path, env=None):
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "huaxi_renda",
                "worker",
                "-P",
                "solo",
                "-l",
                "info",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"reminders-test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.test_worker_settings",
                "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict),
                "DB_POOL": "0",
                "CELERY_BROKER_URL": broker_url,
                "EMAIL_FILE_PATH": str(mail_dir),
                **(env or {}),
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def use_broker(url):
    """Point this process's Celery app (used by actions.queue_after_commit) at ``url``."""
    from huaxi_renda.celery import app

    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url
    pools.reset()  # kombu's global connection and producer pools are keyed by URL
    app._pool = None
    app.amqp._producer_pool = None
    return app


def emails(mail_dir):
    """Every message the workers wrote, parsed."""
    messages = []
    for path in sorted(Path(mail_dir).glob("*")):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                messages.append(message_from_bytes(chunk.strip()))
    return messages


def emails_to(mail_dir, address):
    return [m for m in emails(mail_dir) if m["To"] == address]


@pytest.fixture
def infra(tmp_path):
    """redis-server, a mail directory, worker factory; all torn down whatever happens."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    server = RedisServer(tmp_path)
    workers = []
    original = settings.CELERY_BROKER_URL

    def start_worker(**env):
        worker = Worker(broker_url=server.url, mail_dir=mail_dir, log_path=tmp_path / "worker.log", env=env)
        workers.append(worker)
        return worker

    try:
        yield {"server": server, "mail": mail_dir, "start_worker": start_worker, "log": tmp_path / "worker.log"}
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
        use_broker(original)
        shutil.rmtree(mail_dir, ignore_errors=True)


def succeeded(infra, task):
    return sum(1 for line in worker_log(infra, tail=None).splitlines() if f".{task}[" in line and "succeeded" in line)


def worker_log(infra, tail=4000):
    path = infra["log"]
    text = path.read_text(errors="replace") if path.exists() else ""
    return text[-tail:] if tail else text


@pytest.fixture
def overdue(session, delegate, staff, office, clerk):
    """A signed lead assignment due 2026-10-16 (a Friday): overdue from Monday 2026-10-19."""
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    with time_machine.travel(at("2026-09-11"), tick=False):
        actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
        actions.suggestion_register(suggestion=suggestion, actor=staff)
        actions.suggestion_assign(
            suggestion=suggestion, actor=staff, lead_office=office, due_date=datetime.date(2026, 10, 16)
        )
        assignment = suggestion.assignments.get()
        actions.assignment_sign(assignment=assignment, actor=clerk)
    return assignment


def scan(app, date):
    app.send_task("suggestions.tasks.scan_reminders", kwargs={"date": date})


def test_an_overdue_assignment_leads_to_one_email_and_one_notification(infra, overdue, clerk):
    infra["server"].start()
    app = use_broker(infra["server"].url)
    infra["start_worker"]()
    scan(app, "2026-10-19")
    try:
        wait_for(lambda: emails_to(infra["mail"], clerk.email), what="the overdue e-mail")
        wait_for(lambda: not ReminderDelivery.objects.exclude(status="sent").exists(), what="all deliveries sent")
    except AssertionError:
        raise AssertionError(worker_log(infra))
    scan(app, "2026-10-19")  # the same scan again, through the worker: nothing more
    wait_for(lambda: succeeded(infra, "scan_reminders") == 2, what="the second scan")
    time.sleep(2)
    (message,) = emails_to(infra["mail"], clerk.email)
    reminder = Reminder.objects.get(code=code_of(f"overdue:{overdue.pk}:n1"))
    delivery = reminder.deliveries.get(recipient=clerk, channel="email")
    assert message["Message-ID"] == f"<reminder-{delivery.pk}@huaxi-renda.local>"
    assert Notification.objects.filter(user=clerk, dedupe_key__startswith="reminder-delivery:").count() == 1
    assert Reminder.objects.count() == 1


def test_redis_down_while_replying_then_the_reminders_go_out_when_it_is_back(
    infra, session, delegate, staff, office, clerk
):
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    with time_machine.travel(at("2026-09-01"), tick=False):
        actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
        actions.suggestion_register(suggestion=suggestion, actor=staff)
        actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
    assignment = suggestion.assignments.get()
    use_broker(infra["server"].url)  # the broker is not running: nothing listens on that port
    started = time.monotonic()
    with time_machine.travel(at("2026-09-28", 15), tick=False):
        reply = carry_to_reply(suggestion, assignment, clerk)
    # The 催办 is queued after commit: the broker error is swallowed, the reminder row is kept.
    other = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    actions.suggestion_submit(suggestion=other, actor=delegate.user)
    actions.suggestion_register(suggestion=other, actor=staff)
    actions.suggestion_assign(suggestion=other, actor=staff, lead_office=office)
    manual = actions.reminder_manual(assignment=other.assignments.get(), actor=staff, message="请尽快签收。")
    assert time.monotonic() - started < 30
    reply.refresh_from_db()
    assert reply.status == "submitted" and not manual.deliveries.exists()

    infra["server"].start()  # Redis is back
    app = use_broker(infra["server"].url)
    infra["start_worker"]()
    scan(app, "2026-10-10")  # 5 working days after the reply (National Day skipped): the delegate is asked to rate
    try:
        wait_for(lambda: emails_to(infra["mail"], clerk.email), what="the 催办 e-mail")
        wait_for(lambda: emails_to(infra["mail"], delegate.user.email), what="the rating digest")
    except AssertionError:
        raise AssertionError(worker_log(infra))
    time.sleep(2)
    (to_clerk,) = emails_to(infra["mail"], clerk.email)
    assert "请尽快签收" in to_clerk.get_payload(decode=True).decode()
    (digest,) = emails_to(infra["mail"], delegate.user.email)
    assert "评价" in digest.get_payload(decode=True).decode()
    assert Reminder.objects.filter(kind="rating", suggestion=suggestion).count() == 1


def test_a_worker_killed_during_a_send_delivers_once_after_restart(infra, overdue, clerk):
    infra["server"].start()
    app = use_broker(infra["server"].url)
    slow = infra["start_worker"](
        WORKER_EMAIL_SLEEP="60", REMINDER_SEND_LEASE_SECONDS="3", BROKER_VISIBILITY_TIMEOUT="5"
    )
    scan(app, "2026-10-19")
    try:
        wait_for(
            lambda: ReminderDelivery.objects.filter(status="sending", channel="email").exists(),
            what="a send in progress",
        )
    except AssertionError:
        raise AssertionError(worker_log(infra))
    time.sleep(1)
    slow.kill()  # SIGKILL in the middle of the e-mail
    assert not emails(infra["mail"])
    assert ReminderDelivery.objects.filter(status="sending").exists()

    infra["start_worker"](REMINDER_SEND_LEASE_SECONDS="3", BROKER_VISIBILITY_TIMEOUT="5")
    time.sleep(3)  # the dead worker's lease runs out
    scan(app, "2026-10-19")
    try:
        wait_for(lambda: emails_to(infra["mail"], clerk.email), what="the e-mail after restart")
        wait_for(lambda: not ReminderDelivery.objects.exclude(status="sent").exists(), what="all deliveries sent")
    except AssertionError:
        raise AssertionError(worker_log(infra))
    time.sleep(6)  # let a redelivered copy of the interrupted task run too
    assert len(emails_to(infra["mail"], clerk.email)) == 1
    delivery = ReminderDelivery.objects.get(recipient=clerk, channel="email")
    assert delivery.status == "sent" and delivery.attempts == 2
    assert Notification.objects.filter(user=clerk, dedupe_key__startswith="reminder-delivery:").count() == 1
