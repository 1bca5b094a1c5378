"""Factories and helpers of the deadline tests: rules, calendar days, moments in Vietnam's time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from organizations.holidays import load_vietnam_calendar
from workflow.models import DurationUnit, StepDeadline

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


class DeadlineRuleFactory(factory.django.DjangoModelFactory):
    """A general rule (every organization and type, any urgency) unless told otherwise."""

    class Meta:
        model = "workflow.DeadlineRule"

    organization = None
    doc_type = None
    urgency = ""
    step = ""
    amount = 3
    unit = DurationUnit.WORKING_DAYS


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.CalendarDay"
        django_get_or_create = ("date",)

    name = "Ngày nghỉ"
    is_working_day = False


def vietnam_calendar() -> None:
    """The seeded holidays (a transactional test's flush empties the migration's rows)."""
    load_vietnam_calendar()


def deadline_of(task) -> StepDeadline:
    return StepDeadline.objects.get(task_id=task.pk)
