"""Settings for the Celery worker processes that tests/test_worker_reminders.py starts (not a test module).

The test settings with an e-mail backend the test can read across processes
(files in EMAIL_FILE_PATH) that can be made slow, so a worker can be killed
in the middle of a send.
"""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

from huaxi_renda.settings.test import *  # noqa: F403

EMAIL_BACKEND = "tests.test_worker_settings.SlowFileEmailBackend"
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "/tmp/huaxi-worker-mail")
REMINDER_SEND_LEASE_SECONDS = int(os.environ.get("REMINDER_SEND_LEASE_SECONDS", "300"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "3600"))}


class SlowFileEmailBackend(FileEmailBackend):
    """Waits WORKER_EMAIL_SLEEP seconds before writing: the window in which the test kills the worker."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("WORKER_EMAIL_SLEEP", "0")))
        return super().send_messages(email_messages)
