"""A believable demo: every role, every state, and the 9855厂 renovation item carried end to end.

Each step runs through the service layer at a believable date (time travel),
so deadlines, audit rows and the timeline read as they would in real use.
Safe to run twice: what exists is kept.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from suggestions.management.demo.congresses import CongressesMixin
from suggestions.management.demo.current_session import CurrentSessionMixin
from suggestions.management.demo.data import PASSWORD, SHOWCASE_TITLE
from suggestions.management.demo.people import PeopleMixin
from suggestions.management.demo.stations import StationsMixin
from suggestions.management.demo.workflow import WorkflowMixin
from suggestions.management.demo.year_end import YearEndMixin
from suggestions.management.demo.yearend import YearendMixin
from suggestions.models import Suggestion

__all__ = ["SHOWCASE_TITLE", "Command"]


class Command(
    PeopleMixin,
    WorkflowMixin,
    CurrentSessionMixin,
    StationsMixin,
    YearEndMixin,
    YearendMixin,
    CongressesMixin,
    BaseCommand,
):
    help = "Build the demo data set (safe to run twice)."

    def handle(self, *args, **options):
        if Suggestion.objects.filter(title=SHOWCASE_TITLE).exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        with transaction.atomic():
            self.build()
        self.stdout.write(self.style.SUCCESS(f"Demo data created. Demo logins use the password {PASSWORD}."))

    def build(self):
        s4, s5 = self.build_people()
        self.showcase(s4)
        self.current_session(s5)
        self.stations(s5)
        self.other_congresses()
        self.year_end(s4, s5)
        self.yearend()
