"""Working time in Vietnam: weekends, Tết and the other holidays are skipped; office hours count."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from organizations.calendar import WorkingCalendar, WorkingTime, add_working_time, end_of_day
from organizations.holidays import load_vietnam_calendar
from organizations.models import CalendarDay, WeeklyRestDay
from tests.workflow.deadline_helpers import CalendarDayFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def calendar() -> WorkingCalendar:
    load_vietnam_calendar()  # idempotent: the data migration's rows, again after a flush
    return WorkingCalendar.load()


def test_a_working_day_from_the_friday_before_tet_ends_after_tet(calendar: WorkingCalendar) -> None:
    # given a step opened on Friday 13/02/2026 at 10:00, the last working day before Tết Bính Ngọ
    opened = at(2026, 2, 13, 10)
    # when one working day is added
    due = add_working_time(opened, WorkingTime(days=1), calendar=calendar)
    # then the weekend, the five days of Tết (16–20/02) and the next weekend are skipped
    assert due == at(2026, 2, 23, 10)


def test_hours_are_office_hours(calendar: WorkingCalendar) -> None:
    # given Monday 02/03/2026 15:00 and office hours 08:00–17:00
    # then 4 working hours end at 10:00 the next day, 2 hours end the same day
    assert calendar.add(at(2026, 3, 2, 15), WorkingTime(hours=4)) == at(2026, 3, 3, 10)
    assert calendar.add(at(2026, 3, 2, 15), WorkingTime(hours=2)) == at(2026, 3, 2, 17)
    # a start before opening counts from the opening, one after closing from the next opening
    assert calendar.add(at(2026, 3, 2, 6), WorkingTime(hours=1)) == at(2026, 3, 2, 9)
    assert calendar.add(at(2026, 3, 2, 20), WorkingTime(hours=1)) == at(2026, 3, 3, 9)


def test_a_day_opened_on_a_weekend_gives_the_whole_monday(calendar: WorkingCalendar) -> None:
    # given a document arriving on Saturday 07/03/2026
    # then one working day ends on Monday at closing time
    assert calendar.add(at(2026, 3, 7, 11), WorkingTime(days=1)) == at(2026, 3, 9, 17)


def test_holidays_on_a_weekend_are_made_up_on_the_next_working_day(calendar: WorkingCalendar) -> None:
    # given Giỗ Tổ Hùng Vương on Sunday 26/04/2026, made up on Monday 27/04, then 30/04 and 01/05
    assert not calendar.is_working_day(dt.date(2026, 4, 27))
    # when a step opens on Friday 24/04 at 16:00 with 2 working days
    due = calendar.add(at(2026, 4, 24, 16), WorkingTime(days=2))
    # then Monday 27 is skipped: one hour on Friday, Tuesday 28 whole, and 8 hours on Wednesday 29
    assert due == at(2026, 4, 29, 16)


def test_tet_2027_on_a_weekend_is_made_up_after_it(calendar: WorkingCalendar) -> None:
    # given Tết Đinh Mùi on Saturday 06/02/2027 (5, 8 and 9 off, made up on 10 and 11)
    # when two working days start on Thursday 04/02/2027 at 09:00
    due = calendar.add(at(2027, 2, 4, 9), WorkingTime(days=2))
    # then the first ends on Friday 12/02 at 09:00 and the second on Monday 15/02
    assert due == at(2027, 2, 15, 9)


def test_a_weekend_day_worked_in_exchange_counts(calendar: WorkingCalendar) -> None:
    # given Saturday 14/03/2026 made a working day by a decision (làm bù)
    CalendarDayFactory(date=dt.date(2026, 3, 14), name="Làm bù", is_working_day=True)
    calendar = WorkingCalendar.load()
    # then a day opened on Friday 13/03 at 09:00 ends on that Saturday
    assert calendar.add(at(2026, 3, 13, 9), WorkingTime(days=1)) == at(2026, 3, 14, 9)


def test_the_weekly_rest_days_are_data() -> None:
    # given an office that rests on Sunday only
    WeeklyRestDay.objects.filter(weekday=5).delete()
    calendar = WorkingCalendar.load()
    # then Saturday is a working day and Sunday is not
    assert calendar.is_working_day(dt.date(2026, 3, 7))
    assert not calendar.is_working_day(dt.date(2026, 3, 8))


def test_a_lead_before_a_deadline_is_counted_back_in_working_time(calendar: WorkingCalendar) -> None:
    # given a deadline on Monday 09/03/2026 at 10:00
    # then 4 working hours before it is Friday 06/03 at 15:00
    assert calendar.subtract(at(2026, 3, 9, 10), WorkingTime(hours=4)) == at(2026, 3, 6, 15)
    # and a deadline given as a date runs to the end of that day
    assert calendar.subtract(end_of_day(dt.date(2026, 3, 9)), WorkingTime(hours=2)) == at(2026, 3, 9, 15)


def test_the_seed_holds_tet_and_the_fixed_holidays_once() -> None:
    # given the seed loaded twice
    load_vietnam_calendar()
    assert load_vietnam_calendar() == 0
    # then each day is there once, with its name
    days = dict(CalendarDay.objects.values_list("date", "name"))
    assert "Tết Nguyên đán" in days[dt.date(2026, 2, 17)]
    assert days[dt.date(2026, 9, 2)] == "Quốc khánh"
    assert days[dt.date(2027, 1, 1)] == "Tết Dương lịch"
