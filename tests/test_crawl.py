"""Every page and export of every demo role answers without a server error, on SQLite and on PostgreSQL.

``tests/crawl.py`` requests every URL pattern (reversed with the demo's ids) and follows the links
on the pages; these tests fail on any 5xx and on any pattern that was never requested.
SQLite is what ``make run`` uses, so that crawl runs the real commands in a subprocess with no
DATABASE_URL, as tests/test_sqlite_run.py does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _report(result):
    lines = [f"{e['role'] or 'anonymous'} {e['url']} -> {e['status']}\n{e['error']}" for e in result["errors"][:10]]
    if result["unrequested"]:
        lines.append(f"never requested: {result['unrequested']}")
    return "\n\n".join(lines)


def _check(result):
    assert result["requests"] > 500, result["requests"]
    assert not result["errors"] and not result["unrequested"], _report(result)


def test_every_page_and_export_of_every_role_answers_without_a_server_error_on_sqlite(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CACHE_URL", "CELERY_BROKER_URL", "REDIS_URL")
    }
    env.update(HUAXI_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="huaxi_renda.settings.local", LOG_LEVEL="ERROR")
    for command in (
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        [sys.executable, "manage.py", "seed_demo"],
        [sys.executable, "-m", "tests.crawl"],
    ):
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
        assert result.returncode == 0, result.stderr[-3000:]
    _check(json.loads(result.stdout.split("CRAWL-RESULT ", 1)[1]))


# On PostgreSQL the same crawl runs as the restricted role the site connects as in production (row-level
# security on, no superuser): tests/test_row_security.py::test_every_demo_page_of_every_role_answers_as_the_restricted_role.
