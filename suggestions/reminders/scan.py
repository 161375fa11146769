"""The scan: one calendar, one look at the policies, each row of the schedule as a set (or in batches), recorded once.

The rows of the schedule are the functions in ``scan_offices`` (working days)
and ``scan_delegates`` (every day); ``Scanner.plans`` reads as the table of
what runs when. The rows over assignments (the many) record set-based
(``sets``: one ``INSERT … SELECT`` each); the others plan in batches and ``record``.
"""

import datetime
from collections.abc import Iterator

from django.utils import timezone

from suggestions.models import Reminder
from suggestions.reminders import keys, scan_delegates, scan_offices, sets
from suggestions.reminders.plans import People, Plan
from suggestions.reminders.record import record
from suggestions.reminders.schedule import policy_groups
from suggestions.workdays import WorkCalendar

# Per session policy: office-facing rows run on working days, delegate-facing ones every day.
WORKDAY_ROWS = (
    scan_offices.sign,
    scan_offices.opinion,
    scan_offices.reply_due,
    scan_offices.overdue,
    scan_offices.rehandle,
    scan_offices.follow_up,
)
EVERYDAY_ROWS = (scan_delegates.invitation, scan_delegates.rating)
# Staff-facing rows, after every session's (working days).
STAFF_ROWS = (scan_offices.requests,)


class Scanner:
    """One scan's context: the moment, the working calendar, the people looked up so far."""

    def __init__(self, *, now: datetime.datetime, cal: WorkCalendar | None = None, dry_run: bool = False):
        self.now = now
        self.dry_run = dry_run
        self.today = timezone.localdate(now)
        self.cal = cal or WorkCalendar()
        self.people = People()
        self.is_workday = self.cal.is_workday(self.today)

    def plans(self) -> Iterator[list[Plan] | int]:
        """Every due reminder, as lists of plans (one per batch) or, for the rows recorded set-based
        (``sets``), the number they recorded."""
        groups = policy_groups()
        if len(groups) == 1:  # one policy for every session: no session to tell apart, no join to make
            groups = [(groups[0][0], None)]
        rows = (WORKDAY_ROWS if self.is_workday else ()) + EVERYDAY_ROWS
        for policy, session_ids in groups:
            for row in rows:
                yield from row(self, policy, session_ids)
        if self.is_workday:
            for policy, session_ids in groups:
                for row in STAFF_ROWS:
                    yield from row(self, policy, session_ids)


def scan(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Record every reminder that is due at ``now``. Returns the number of reminders created (or planned)."""
    now = now or timezone.now()
    created = 0
    for plans in Scanner(now=now, dry_run=dry_run).plans():
        if isinstance(plans, int):  # a row recorded (or counted) set-based
            created += plans
        elif dry_run:
            codes = {keys.code_of(p.key): p for p in plans}
            existing = set(
                Reminder.objects.filter(suggestion_id__in={p.suggestion_id for p in plans}, code__in=codes).values_list(
                    "code", flat=True
                )
            )
            created += sum(1 for c in codes if c not in existing)
        else:
            created += record(plans, now=now)
    if not dry_run:
        sets.analyze_after(created)
    return created
