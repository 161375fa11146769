"""Recount the delegate home's sections and the office inbox's tabs from the workflow tables."""

import time

from django.core.management.base import BaseCommand

from suggestions.models import HomeEntry, InboxFact
from suggestions.reporting import worklists


class Command(BaseCommand):
    help = (
        "Rebuild the home and inbox tallies from scratch (or, with --suggestions, re-derive those only). The "
        "actions keep them; run this after changing data outside the services (a restore, a manual SQL fix, a "
        "result class's follow-up flag changed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--suggestions", nargs="+", type=int, default=None, help="ids to re-derive")

    def handle(self, *args, suggestions=None, **options):
        started = time.monotonic()
        if suggestions:
            worklists.refresh(suggestions)
        else:
            worklists.rebuild()
        self.stdout.write(
            f"{HomeEntry.objects.count():,} home entries and {InboxFact.objects.count():,} inbox facts "
            f"in {time.monotonic() - started:.1f}s."
        )
