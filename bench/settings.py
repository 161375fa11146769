"""Benchmark settings: production settings (DEBUG off, manifest static files, Redis cache) on the bench database.

Only ``bench.run`` and the gunicorn it starts use this module. It adds one trivial
view (``bench.urls``), the throughput baseline, and turns off the HTTPS redirect
because the load generator talks plain HTTP on loopback.
"""

import os
from pathlib import Path

# Set before the project settings are imported: they read the environment once.
BENCH_ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/huaxi_bench")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(BENCH_ROOT / "var" / "bench-static"))
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("HUAXI_PII_KEYS", "bench1:" + "ab" * 32)
os.environ.setdefault("HUAXI_PII_LOOKUP_KEY", "cd" * 32)
os.environ.setdefault("HUAXI_INTEGRITY_KEYS", "bench1:" + "ef" * 32)
# The load test's delegates log in many times: measure the pages, not the one-time privacy notice.
os.environ.setdefault("HUAXI_PRIVACY_NOTICE_REQUIRED", "0")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from huaxi_renda.settings.production import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
AXES_ENABLED = False
# The load test logs in as the demo does (force_login): no second factor, no forced password change.
SECURITY_ENFORCE_PASSWORD_CHANGE = False
OTP_REQUIRED_ROLES = []
