"""The deadline rules and the working days are read through the shared cache (core.shared_cache): a step does not
read them again, and a change made through the ORM, the admin or the loaders is seen by the very next step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Urgency
from organizations.calendar import WorkingCalendar
from organizations.holidays import load_vietnam_calendar
from organizations.models import CalendarDay
from tests.factories import Office, start_draft
from tests.workflow.deadline_helpers import DeadlineRuleFactory
from tests.workflow.helpers import run_steps
from workflow.deadlines import RuleBook, load_demo_rules
from workflow.models import DeadlineRule, StepDeadline, StepKind

pytestmark = pytest.mark.django_db


def tables_read(statements: list[dict[str, Any]]) -> set[str]:
    names = ("workflow_deadlinerule", "organizations_calendarday", "organizations_weeklyrestday")
    return {name for name in names for query in statements if f'FROM "{name}"' in query["sql"]}


def review_row(document: Any) -> StepDeadline:
    return StepDeadline.objects.get(document=document, step=StepKind.REVIEW, closed_at__isnull=True)


def test_a_step_reads_the_rules_and_the_days_once_then_from_the_cache(office: Office) -> None:
    DeadlineRuleFactory(step=StepKind.REVIEW, amount=3)
    with CaptureQueriesContext(connection) as first:
        run_steps(start_draft(office), office, "submit")
    with CaptureQueriesContext(connection) as second:
        run_steps(start_draft(office), office, "submit")
    assert tables_read(first.captured_queries) == {
        "workflow_deadlinerule",
        "organizations_calendarday",
        "organizations_weeklyrestday",
    }
    assert tables_read(second.captured_queries) == set()


def test_a_rule_saved_or_deleted_is_used_by_the_next_step(office: Office) -> None:
    rule = DeadlineRuleFactory(step=StepKind.REVIEW, urgency=Urgency.NORMAL, amount=3)
    first = run_steps(start_draft(office), office, "submit")
    assert review_row(first).due_at is not None
    rule.delete()
    second = run_steps(start_draft(office), office, "submit")
    assert review_row(second).due_at is None
    DeadlineRuleFactory(step=StepKind.REVIEW, urgency=Urgency.NORMAL, amount=3)
    third = run_steps(start_draft(office), office, "submit")
    assert review_row(third).due_at is not None


def test_the_demo_rules_written_in_bulk_are_seen_at_once() -> None:
    assert RuleBook.cached().rules == []
    added = load_demo_rules()
    assert added > 0
    assert len(RuleBook.cached().rules) == DeadlineRule.objects.count() == added


def test_a_day_off_saved_or_loaded_is_seen_at_once() -> None:
    monday = dt.date(2031, 3, 3)
    assert WorkingCalendar.cached().is_working_day(monday)
    CalendarDay.objects.create(date=monday, name="Nghỉ bù", is_working_day=False)
    assert not WorkingCalendar.cached().is_working_day(monday)
    CalendarDay.objects.all().delete()
    assert WorkingCalendar.cached().is_working_day(monday)
    load_vietnam_calendar()  # bulk_create: no signal, forgotten by the loader
    assert not WorkingCalendar.cached().is_working_day(dt.date(2026, 9, 2))
