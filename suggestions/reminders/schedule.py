"""What is due when: calendar arithmetic over working days, and the sessions' reminder settings.

Offsets come from each session's ``DeadlinePolicy.reminder_offsets``. Office-facing
reminders count working days (China's calendar, make-up workdays included);
delegate-facing ones count calendar days. A stage that was missed (the scan did
not run) stays current until the next stage takes over.
"""

import datetime
import json
from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.utils import timezone

from delegates.models import Session
from suggestions.models import DeadlinePolicy, default_reminder_offsets
from suggestions.workdays import WorkCalendar

# Rows per batch: a scan's query count stays the same up to this many due rows of a kind (a whole
# session of a real district is a few hundred suggestions), and memory stays bounded beyond it.
BATCH_SIZE = 5000


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight (local time) at the start of ``day``."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def workday_cutoff(cal: WorkCalendar, today: datetime.date, count: int) -> datetime.date:
    """The latest date with at least ``count`` working days after it up to ``today``."""
    day = today
    while cal.workdays_between(day, today) < count:
        day -= datetime.timedelta(days=1)
    return day


def _trigger(cal, due, before):
    return cal.add_workdays(due, -before) if before else due


def before_stage_dates(cal: WorkCalendar, today: datetime.date, offsets) -> dict[int, list[datetime.date]]:
    """{offset: [due dates]} whose reminder ``offset`` working days before is the current stage today.

    A stage is current from its trigger day until the next (smaller) stage's
    trigger day; the last one lasts until the due date itself.
    """
    offsets = sorted({int(o) for o in offsets}, reverse=True)
    if not offsets:
        return {}
    horizon = today + datetime.timedelta(days=offsets[0] * 2 + 40)
    result = {o: [] for o in offsets}
    day = today
    while day <= horizon:
        for index, offset in enumerate(offsets):
            if _trigger(cal, day, offset) > today:
                continue
            later = offsets[index + 1] if index + 1 < len(offsets) else None
            if later is not None and _trigger(cal, day, later) <= today:
                continue
            result[offset].append(day)
        day += datetime.timedelta(days=1)
    return {o: days for o, days in result.items() if days}


def every_stage(days_since: int, every: int) -> int:
    """1 for the first period after a date, 2 for the next …; 0 before."""
    return days_since // every if days_since >= every else 0


def policy_groups() -> list[tuple[DeadlinePolicy, list[int]]]:
    """[(policy, [session ids])]: sessions sharing the same reminder settings are scanned together."""
    policies = {p.session_id: p for p in DeadlinePolicy.objects.all()}
    groups = {}
    for session_id in Session.objects.order_by("pk").values_list("pk", flat=True):
        policy = policies.get(session_id) or DeadlinePolicy(session_id=session_id)
        offsets = {**default_reminder_offsets(), **(policy.reminder_offsets or {})}
        signature = json.dumps([offsets, policy.rating_days], sort_keys=True)
        groups.setdefault(signature, (policy, []))[1].append(session_id)
    return list(groups.values())


def in_sessions(lookup: str, session_ids: list[int] | None) -> Q:
    """``lookup`` within a policy group's sessions; no condition (and so no join) for a group of every session."""
    return Q() if session_ids is None else Q(**{f"{lookup}__in": session_ids})


def batches(queryset: QuerySet, size: int = BATCH_SIZE) -> Iterator[list]:
    """Keyset pagination by primary key: never loads the whole table."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = rows[-1].pk
