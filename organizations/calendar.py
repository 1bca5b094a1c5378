"""Working time in Vietnam: the weekly rest days and the holidays are data, office hours a setting.

Deadlines of human steps (workflow.deadlines) are counted in working time, so a step opened on a Friday
afternoon before Tết is not overdue on the first day of Tết. The model, kept simple on purpose:

* A working day is a day that is not a weekly rest day (`WeeklyRestDay`: Saturday and Sunday), unless a
  `CalendarDay` row says otherwise: a holiday or a compensatory day off is not worked, a weekend day worked in
  exchange (làm bù) is.
* Office hours are one span a day, `settings.OFFICE_HOURS` ("08:00-17:00" by default, Asia/Ho_Chi_Minh), the
  midday break included: one working day is that many hours (9).
* `add_working_time(start, duration)` counts `duration` (hours and working days) in office hours only: a start
  outside them counts from the next opening; "1 working day" from Monday 09:00 ends Tuesday 09:00, from a
  Saturday it ends Monday 17:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from core.shared_cache import forget_on_change, read_through
from organizations.models import CalendarDay, WeeklyRestDay

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_OFFICE_HOURS = "08:00-17:00"
DEFAULT_REST_WEEKDAYS = frozenset({5, 6})  # used only while the table is empty
MAX_DAYS_SEARCHED = 3660  # ten years without a working day means the calendar is wrong, not the deadline far


@dataclass(frozen=True)
class WorkingTime:
    """A duration in working time: `days` working days and `hours` office hours."""

    hours: float = 0
    days: int = 0


CALENDAR_KEY = "organizations:working-days:1"


def _read_days() -> dict[str, Any]:
    rest = frozenset(WeeklyRestDay.objects.values_list("weekday", flat=True)) or DEFAULT_REST_WEEKDAYS
    return {"rest_weekdays": rest, "exceptions": dict(CalendarDay.objects.values_list("date", "is_working_day"))}


forget_on_change(CALENDAR_KEY, WeeklyRestDay, CalendarDay)


def office_hours() -> tuple[dt.time, dt.time]:
    """The office-hours span of settings.OFFICE_HOURS ("HH:MM-HH:MM")."""
    text = getattr(settings, "OFFICE_HOURS", DEFAULT_OFFICE_HOURS) or DEFAULT_OFFICE_HOURS
    opens, closes = (dt.time.fromisoformat(part.strip()) for part in text.split("-", 1))
    if opens >= closes:
        raise ValueError(f"OFFICE_HOURS={text!r}: the office must open before it closes.")
    return opens, closes


def end_of_day(day: dt.date) -> dt.datetime:
    """The last second of a day in Vietnam: a deadline given as a date ("hạn 15/3") runs to its end."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=VIETNAM)


class WorkingCalendar:
    """The working days and office hours, read once (two small queries) and then asked many times."""

    def __init__(
        self,
        *,
        rest_weekdays: frozenset[int] = DEFAULT_REST_WEEKDAYS,
        exceptions: dict[dt.date, bool] | None = None,
        hours: tuple[dt.time, dt.time] | None = None,
    ) -> None:
        self.rest_weekdays = rest_weekdays
        self.exceptions = exceptions or {}
        self.opens, self.closes = hours or office_hours()

    @classmethod
    def load(cls) -> WorkingCalendar:
        return cls(**_read_days())

    @classmethod
    def cached(cls) -> WorkingCalendar:
        """load() without its two queries while the days have not changed (core.shared_cache); the office hours
        come from the settings each time."""
        return cls(**read_through(CALENDAR_KEY, _read_days))

    @property
    def day_length(self) -> dt.timedelta:
        return dt.datetime.combine(dt.date.min, self.closes) - dt.datetime.combine(dt.date.min, self.opens)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() not in self.rest_weekdays

    def _span(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return (
            dt.datetime.combine(day, self.opens, tzinfo=VIETNAM),
            dt.datetime.combine(day, self.closes, tzinfo=VIETNAM),
        )

    def add(self, start: dt.datetime, duration: WorkingTime) -> dt.datetime:
        """`start` plus `duration` counted in office hours of working days only."""
        remaining = dt.timedelta(hours=duration.hours) + duration.days * self.day_length
        moment = start.astimezone(VIETNAM)
        day = moment.date()
        for _ in range(MAX_DAYS_SEARCHED):
            if self.is_working_day(day):
                opens, closes = self._span(day)
                begin = max(moment, opens)
                if begin < closes:
                    if remaining <= closes - begin:
                        return begin + remaining
                    remaining -= closes - begin
            day += dt.timedelta(days=1)
        raise ValueError("No working day found: check the weekly rest days and the calendar.")

    def subtract(self, end: dt.datetime, duration: WorkingTime) -> dt.datetime:
        """The moment `duration` of office hours before `end` (for "due soon": a lead counted in working time)."""
        remaining = dt.timedelta(hours=duration.hours) + duration.days * self.day_length
        moment = end.astimezone(VIETNAM)
        day = moment.date()
        for _ in range(MAX_DAYS_SEARCHED):
            if self.is_working_day(day):
                opens, closes = self._span(day)
                finish = min(moment, closes)
                if finish > opens:
                    if remaining <= finish - opens:
                        return finish - remaining
                    remaining -= finish - opens
            day -= dt.timedelta(days=1)
        raise ValueError("No working day found: check the weekly rest days and the calendar.")


def add_working_time(
    start: dt.datetime, duration: WorkingTime, *, calendar: WorkingCalendar | None = None
) -> dt.datetime:
    """`start` plus `duration` in working time (weekends, holidays and time outside office hours skipped)."""
    return (calendar or WorkingCalendar.load()).add(start, duration)
