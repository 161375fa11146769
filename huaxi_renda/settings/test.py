"""Tests run against the real PostgreSQL and Redis of the machine."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/huaxi")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DB_POOL", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from .base import *  # noqa: E402, F403
from .base import DATABASES, VAR_DIR  # noqa: E402

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
MEDIA_ROOT = VAR_DIR / "test-media"
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DB_NAME", "test_huaxi")
AXES_ENABLED = os.environ.get("AXES_ENABLED", "1") == "1"
AXES_VERBOSE = False
# Browser tests log in as the demo does; tests of the security rules switch them on.
SECURITY_ENFORCE_PASSWORD_CHANGE = False
OTP_REQUIRED_ROLES = []
ADMIN_ALLOWED_NETWORKS = []
