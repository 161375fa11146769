"""Settings read the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys

from django.conf import settings

BASE = str(settings.BASE_DIR)


def run_check(env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "huaxi_renda.settings.production", **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check({"DJANGO_ALLOWED_HOSTS": "renda.example.gov.cn"})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check({"DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode != 0 and "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_the_local_run_needs_no_servers():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "huaxi_renda.settings.local"
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["django.db.backends.sqlite3", "filesystem://", "zh-hans", "Asia/Shanghai", "True"]


def test_tests_use_postgresql_and_redis():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_database_sessions_run_without_jit_and_with_room_for_exact_bitmaps(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    assert (work_mem, jit) == ("32MB", "off")


def test_a_malformed_work_mem_is_refused():
    result = run_check(
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "renda.example.gov.cn",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
            "DB_WORK_MEM": "32MB -c statement_timeout=1",
        }
    )
    assert result.returncode != 0 and "DB_WORK_MEM" in result.stderr
