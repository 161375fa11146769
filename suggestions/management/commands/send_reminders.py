"""Run a reminder scan and send what is due, in this process (no worker needed)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from suggestions import reminders


class Command(BaseCommand):
    help = "Scan for due reminders and send them now (in this process)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be created; change nothing.")
        parser.add_argument("--date", help="Scan as of this day (YYYY-MM-DD), 09:00 local time; default: now.")

    def handle(self, *args, dry_run=False, date=None, **options):
        now = timezone.now()
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD")
            now = reminders.day_start(day) + datetime.timedelta(hours=9)
        if dry_run:
            count = reminders.scan(now=now, dry_run=True)
            self.stdout.write(
                f"dry run: {count} reminder(s) would be created as of {timezone.localtime(now):%Y-%m-%d %H:%M}"
            )
            return
        created = reminders.scan(now=now)
        sent = {"deliveries": 0}

        def run(task_name, *task_args):
            sent["deliveries"] += reminders.run_inline(task_name, *task_args) or 0

        dispatched = reminders.dispatch_pending(today=timezone.localdate(now), run=run)
        self.stdout.write(
            f"created {created} reminder(s); sent {sent['deliveries']} delivery(ies) "
            f"for {dispatched['reminders']} reminder(s) and {dispatched['digests']} digest(s); "
            f"failed in total: {reminders.failed_count()}"
        )
