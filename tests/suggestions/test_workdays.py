"""Deadlines in working days that follow China's official calendar, make-up workdays included."""

import datetime

import pytest
import time_machine

from suggestions.actions import assignment_deadlines
from suggestions.models import CalendarDay, CalendarYear, DeadlinePolicy
from suggestions.workdays import WorkCalendar, calendar_import_from_library, years_needing_data

D = datetime.date


@pytest.fixture
def cal(db):
    return WorkCalendar()


def test_national_day_holidays_are_not_workdays_and_make_up_saturday_is(cal):
    assert not cal.is_workday(D(2026, 10, 1))  # Thursday, National Day
    assert not cal.is_workday(D(2026, 10, 7))
    assert cal.is_workday(D(2026, 10, 10))  # Saturday, 调休上班
    assert cal.is_workday(D(2026, 9, 20))  # Sunday, 调休上班
    assert not cal.is_workday(D(2026, 10, 11))  # an ordinary Sunday


def test_adding_workdays_skips_the_golden_week_and_counts_the_make_up_day(cal):
    # Tue 29 Sep + 1 = Wed 30 Sep; + 2 jumps the holiday to Thu 8 Oct; + 4 lands on Sat 10 Oct (make-up).
    assert cal.add_workdays(D(2026, 9, 29), 1) == D(2026, 9, 30)
    assert cal.add_workdays(D(2026, 9, 29), 2) == D(2026, 10, 8)
    assert cal.add_workdays(D(2026, 9, 29), 4) == D(2026, 10, 10)


def test_spring_festival_2026_return_window_is_seven_official_workdays(cal):
    # 2026 Spring Festival: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb are make-up workdays:
    # Fri 13, Sat 14, Tue 24, Wed 25, Thu 26, Fri 27, Sat 28.
    assert cal.add_workdays(D(2026, 2, 12), 7) == D(2026, 2, 28)


def test_workdays_between_counts_both_directions(cal):
    assert cal.workdays_between(D(2026, 9, 29), D(2026, 10, 10)) == 4
    assert cal.workdays_between(D(2026, 10, 10), D(2026, 9, 29)) == -4
    assert cal.workdays_between(D(2026, 10, 10), D(2026, 10, 10)) == 0


def test_a_month_deadline_that_falls_on_a_holiday_moves_to_the_next_workday(cal):
    assert cal.add_months(D(2026, 9, 1), 1) == D(2026, 10, 8)
    assert cal.add_months(D(2026, 11, 30), 3) == D(2027, 3, 1)  # 28 Feb 2027 is a Sunday
    assert cal.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)  # clamped to month end: a make-up Saturday


def test_a_year_without_data_falls_back_to_monday_to_friday_and_staff_are_warned(db):
    cal = WorkCalendar()
    assert 2027 not in cal.known_years
    assert cal.is_workday(D(2027, 1, 1))  # a Friday; 2027 New Year unknown yet
    assert not cal.is_workday(D(2027, 1, 2))
    assert years_needing_data(D(2026, 11, 28)) == [2027]
    assert years_needing_data(D(2026, 3, 1)) == []


def test_staff_can_enter_next_years_holidays_in_the_table(db):
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知")
    cal = WorkCalendar()
    assert not cal.is_workday(D(2027, 1, 1))
    assert years_needing_data(D(2026, 11, 28)) == []


def test_importing_from_the_library_again_keeps_one_row_per_day(db):
    before = CalendarDay.objects.filter(date__year=2026).count()
    assert calendar_import_from_library(years=[2026]) == [2026]
    assert CalendarDay.objects.filter(date__year=2026).count() == before > 0


def test_assignment_deadlines_follow_the_sessions_policy(session):
    policy, _ = DeadlinePolicy.objects.get_or_create(session=session)
    deadlines = assignment_deadlines(session=session, assigned_on=D(2026, 9, 25))
    # 7 workdays: 28, 29, 30 Sep, (golden week), 8, 9 Oct, Sat 10 Oct (make-up), 12 Oct.
    assert deadlines["return_by"] == D(2026, 10, 12)
    assert deadlines["opinion_due"] == D(2026, 10, 26)
    assert deadlines["due_date"] == D(2026, 12, 25)
    policy.reply_months = 2
    policy.return_window_workdays = 3
    policy.save()
    session._policy_cache = None
    deadlines = assignment_deadlines(session=session, assigned_on=D(2026, 9, 25))
    assert deadlines["return_by"] == D(2026, 9, 30)
    assert deadlines["due_date"] == D(2026, 11, 25)


def test_staff_home_shows_the_missing_calendar_warning(client, staff):
    client.force_login(staff)
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, tzinfo=datetime.UTC)):
        response = client.get("/staff/")
    assert "尚未录入2027年的法定节假日" in response.content.decode()
