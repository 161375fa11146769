"""Recount the dashboard's precomputed statistics from the workflow tables."""

import time

from django.core.management.base import BaseCommand

from suggestions.models import AssignmentFact, SuggestionFact
from suggestions.reporting import stats


class Command(BaseCommand):
    help = (
        "Rebuild the statistics tallies from scratch. They keep themselves up to date from the audit log; "
        "run this after changing data outside the services (a restore of part of the data, a manual SQL fix)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        stats.rebuild()
        self.stdout.write(
            f"Counted {SuggestionFact.objects.count():,} suggestions and {AssignmentFact.objects.count():,} "
            f"assignments in {time.monotonic() - started:.1f}s."
        )
