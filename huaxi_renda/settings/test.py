"""Tests run against the real PostgreSQL and Redis of the machine.

Under pytest-xdist (``make test`` runs two workers) each worker process has its own of everything shared:
pytest-django suffixes the test database names itself (``test_huaxi_gw0``, ``test_huaxi_gw1``), and here
the Redis databases (broker and, when ``CACHE_URL`` is set, the cache: tests clear it) move up by the worker's
number and the uploads go to a folder of the worker's own.
"""

import os
import re

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/huaxi")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")

# "gw0", "gw1", … in a pytest-xdist worker (set before the settings are read); "" in a serial run.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_worker_number = int(XDIST_WORKER.removeprefix("gw") or 0)


def per_worker_redis(url: str) -> str:
    """``redis://host:port/N`` → database N + the worker's number (gw0 keeps N); other URLs unchanged."""
    match = re.fullmatch(r"(rediss?://[^/]+)(?:/(\d+))?", url)
    if not match:
        return url
    number = int(match.group(2) or 0) + _worker_number
    if number > 15:
        raise RuntimeError(f"{url}: xdist worker {XDIST_WORKER} would need Redis database {number}; start lower")
    return f"{match.group(1)}/{number}"


# Moved in the environment, so that processes the tests start inherit the worker's databases; marked as done,
# so that such a process reading these settings again (a Celery worker under test) does not move them twice.
if XDIST_WORKER and os.environ.get("HUAXI_TEST_REDIS_MOVED_FOR") != XDIST_WORKER:
    for _name in ("CELERY_BROKER_URL", "CACHE_URL"):
        if os.environ.get(_name):
            os.environ[_name] = per_worker_redis(os.environ[_name])
    os.environ["HUAXI_TEST_REDIS_MOVED_FOR"] = XDIST_WORKER
os.environ.setdefault("DB_POOL", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from .base import *  # noqa: E402, F403
from .base import DATABASES, VAR_DIR  # noqa: E402

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Text messages are kept in suggestions.reminders.sms.outbox, like e-mails in mail.outbox.
SMS_BACKEND = os.environ.get("TEST_SMS_BACKEND", "suggestions.reminders.sms.MemorySMSBackend")
# Tests run at any hour: quiet hours and the daily cap are switched on by the tests that show them.
REMINDER_QUIET_HOURS = ""
REMINDER_DAILY_CAP = 0
MEDIA_ROOT = VAR_DIR / "test-media" / (XDIST_WORKER or "serial")
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DB_NAME", "test_huaxi")
AXES_ENABLED = os.environ.get("AXES_ENABLED", "1") == "1"
AXES_VERBOSE = False
# Fixed test keys for personal data; the privacy notice is asked only by the tests about it.
PII_ENCRYPTION_KEYS = os.environ.get("HUAXI_PII_KEYS") or "test1:" + "44" * 32
PII_LOOKUP_KEY = os.environ.get("HUAXI_PII_LOOKUP_KEY") or "55" * 32
INTEGRITY_KEYS = os.environ.get("HUAXI_INTEGRITY_KEYS") or "test1:" + "66" * 32
PRIVACY_NOTICE_REQUIRED = os.environ.get("HUAXI_PRIVACY_NOTICE_REQUIRED", "0") == "1"
# Browser tests log in as the demo does; tests of the security rules switch them on.
SECURITY_ENFORCE_PASSWORD_CHANGE = False
OTP_REQUIRED_ROLES = []
ADMIN_ALLOWED_NETWORKS = []
# Every prepared query is compared with a fresh compile of the same queryset (huaxi_renda.prepared).
PREPARED_QUERIES_CHECK = True
