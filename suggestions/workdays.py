"""Working days that follow China's official calendar, make-up workdays included.

The calendar is the ``CalendarDay`` table, seeded from the maintained
``chinesecalendar`` package and editable by staff in the admin (the State
Council announces each next year's holidays late in the year). For a year with
no data, Monday–Friday is used and staff are warned on their home page.
"""

import calendar
import datetime
import functools
import logging

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


class WorkCalendar:
    """Answers working-day questions from one read of the exception table."""

    def __init__(self, exceptions=None, known_years=None):
        from suggestions.models import CalendarDay

        if exceptions is None:
            exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
        self.exceptions = exceptions
        if known_years is not None:
            self.known_years = known_years

    @functools.cached_property
    def known_years(self):
        """The years with holiday data, read when first asked (deadlines and spans need only the exceptions)."""
        from suggestions.models import CalendarYear

        return set(CalendarYear.objects.values_list("year", flat=True))

    def is_workday(self, day):
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def next_workday(self, day):
        """The day itself when it is a working day, else the next working day."""
        while not self.is_workday(day):
            day += datetime.timedelta(days=1)
        return day

    def add_workdays(self, start, count):
        """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
        day = start
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += datetime.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start, end):
        """Working days after ``start`` up to and including ``end``; negative when end < start.

        Closed form: Monday–Friday counted by arithmetic, corrected by the exceptions up to each end
        (a sorted running sum), so a deadline two years away costs the same as tomorrow.
        """
        return self._workdays_upto(end) - self._workdays_upto(start)

    def _workdays_upto(self, day):
        from bisect import bisect_right

        if not hasattr(self, "_corrections"):
            dates, running, total = [], [], 0
            for date, is_workday in sorted(self.exceptions.items()):
                weekday = date.weekday() < 5
                if is_workday != weekday:
                    total += 1 if is_workday else -1
                    dates.append(date)
                    running.append(total)
            self._corrections = (dates, running)
        dates, running = self._corrections
        at = bisect_right(dates, day)
        n = day.toordinal()  # ordinal 1 (0001-01-01) is a Monday
        return (n // 7) * 5 + min(n % 7, 5) + (running[at - 1] if at else 0)

    def add_months(self, start, months):
        """Same day ``months`` later (clamped to month end), moved to a working day."""
        month_index = start.month - 1 + months
        year = start.year + month_index // 12
        month = month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return self.next_workday(datetime.date(year, month, day))

    def missing_years(self, years):
        return sorted(set(years) - self.known_years)


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def work_calendar():
    return WorkCalendar()


def years_wanted(today):
    """Years a deadline computed today can reach (six months ahead)."""
    horizon = today + datetime.timedelta(days=200)
    return set(range(today.year, horizon.year + 1))


def years_needing_data(today=None):
    """Years a deadline computed today can reach (six months ahead) that have no holiday data."""
    from suggestions.models import CalendarYear

    wanted = years_wanted(today or timezone.localdate())
    return sorted(wanted - set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True)))


def calendar_import_from_library(*, years=None):
    """Copy holidays and make-up workdays from the chinesecalendar package into the table.

    Returns the years imported. Rows staff entered by hand for other years are kept.
    """
    import chinese_calendar
    from chinese_calendar.constants import holidays, workdays

    from suggestions.models import CalendarDay, CalendarYear

    available = {d.year for d in holidays} | {d.year for d in workdays}
    wanted = sorted(available if years is None else set(years) & available)
    with transaction.atomic():
        for year in wanted:
            rows = []
            for day, name in holidays.items():
                if day.year == year and day.weekday() < 5:
                    rows.append(CalendarDay(date=day, is_workday=False, note=HOLIDAY_NAMES.get(name, name)))
            for day in workdays:
                if day.year == year and day.weekday() >= 5:
                    rows.append(CalendarDay(date=day, is_workday=True, note="调休上班"))
            CalendarDay.objects.filter(date__year=year).delete()
            CalendarDay.objects.bulk_create(rows)
            CalendarYear.objects.update_or_create(
                year=year, defaults={"source": f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}"}
            )
    return wanted
