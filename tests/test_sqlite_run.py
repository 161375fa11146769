"""`make run` uses SQLite: the migrations, the demo data and the main pages must work there too.

The rest of the suite runs on PostgreSQL, so this runs the real commands in a subprocess with
no DATABASE_URL (as a newcomer's first `make run` does), on a database in a temporary folder.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = """
from django.contrib.auth import get_user_model
from django.test import Client

User = get_user_model()
client = Client()
for username, urls in (
    (None, ["/public/", "/public/stats/", "/public/?q=小区", "/public/?q=ＰＭ２.５"]),
    ("staff_zhang", ["/staff/reports/", "/staff/track/", "/staff/track/?q=老旧小区", "/staff/track/?q=9855厂"]),
    ("daibiao_wang", ["/delegate/", "/delegate/similar/?title=老旧小区改造"]),
):
    if username:
        client.force_login(User.objects.get(username=username))
    for url in urls:
        status = client.get(url, HTTP_HOST="127.0.0.1").status_code
        print(url, status)
        assert status == 200, (url, status)

# The beat of `make run` scans for reminders: the set-based INSERT … SELECT … ON CONFLICT runs on SQLite too.
from suggestions import reminders
from suggestions.models import Reminder, ReminderDelivery

first = reminders.scan()
deliveries = ReminderDelivery.objects.count()
second = reminders.scan()
print("scan", first, second, deliveries)
assert first > 0 and second == 0 and deliveries > 0, (first, second, deliveries)
assert ReminderDelivery.objects.count() == deliveries
sent = reminders.dispatch_pending()
print("dispatch", sent)
assert sent["reminders"] > 0
"""


def test_migrate_seed_and_pages_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CACHE_URL")}
    # The delegate's pages themselves, not the privacy notice a first login shows (tests/security/test_privacy.py).
    env.update(
        HUAXI_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="huaxi_renda.settings.local",
        HUAXI_PRIVACY_NOTICE_REQUIRED="0",
    )
    for args in (["migrate", "--noinput", "-v0"], ["seed_demo"], ["shell", "-c", PAGES]):
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "db.sqlite3").exists() or list(tmp_path.glob("*.sqlite3"))
