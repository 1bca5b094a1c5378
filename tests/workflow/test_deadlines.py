"""Deadlines of human steps: the most specific rule, the document's hạn xử lý as a cap, a row beside each open
step of the flow and of the receiving side, computed once when it opens."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from documents import services
from documents.events import DocumentEvent
from documents.models import Urgency
from organizations.calendar import WorkingCalendar, WorkingTime, end_of_day
from tests.factories import Office, document_type, make_office, start_draft
from tests.receiving.scenario import school_receives
from tests.workflow.deadline_helpers import DeadlineRuleFactory, at, deadline_of, vietnam_calendar
from tests.workflow.helpers import run_steps
from workflow.actions import open_tasks, process_of
from workflow.deadlines import DeadlineSource, RuleBook, deadline_for, load_demo_rules, on_document_event
from workflow.models import DurationUnit, StepDeadline, StepKind

pytestmark = pytest.mark.django_db


def rule_amount(book: RuleBook, **where) -> int | None:
    values = {"organization_id": None, "doc_type_id": None, "urgency": Urgency.NORMAL, "step": StepKind.REVIEW}
    rule = book.rule_for(**(values | where))
    return rule.amount if rule else None


def test_the_most_specific_rule_wins(office: Office) -> None:
    # given general rules, one for an urgency, one for a step, one for a type and step, and one organization's own
    plan = document_type("ke_hoach")
    DeadlineRuleFactory(amount=5)
    DeadlineRuleFactory(urgency=Urgency.KHAN, amount=1)
    DeadlineRuleFactory(step=StepKind.REVIEW, amount=3)
    DeadlineRuleFactory(doc_type=plan, step=StepKind.REVIEW, amount=2)
    DeadlineRuleFactory(organization=office.organization, amount=7)
    book = RuleBook.load()

    # then each step takes the most specific rule that matches it
    other_org = make_office().organization.pk
    assert rule_amount(book, organization_id=other_org, step=StepKind.SIGN) == 5  # only the general one
    assert rule_amount(book, organization_id=other_org) == 3  # the step's
    assert rule_amount(book, organization_id=other_org, urgency=Urgency.KHAN) == 1  # urgency beats the step
    assert rule_amount(book, organization_id=other_org, urgency=Urgency.KHAN, doc_type_id=plan.pk) == 2  # the type
    assert rule_amount(book, organization_id=office.organization.pk, doc_type_id=plan.pk) == 7  # the organization's


def test_a_rule_for_every_step_does_not_chase_the_draft() -> None:
    # given a rule without a step, and one naming the draft step for Hỏa tốc
    DeadlineRuleFactory(amount=3)
    book = RuleBook.load()
    # then a draft has no rule, until one names it
    assert rule_amount(book, step=StepKind.DRAFT) is None
    DeadlineRuleFactory(step=StepKind.DRAFT, urgency=Urgency.HOA_TOC, amount=4, unit=DurationUnit.HOURS)
    assert rule_amount(RuleBook.load(), step=StepKind.DRAFT, urgency=Urgency.HOA_TOC) == 4


def test_the_document_s_own_deadline_caps_the_step() -> None:
    # given three working days for a review opened on Monday 02/03/2026 at 09:00
    vietnam_calendar()
    DeadlineRuleFactory(step=StepKind.REVIEW, amount=3)
    common = {
        "step": StepKind.REVIEW,
        "opened_at": at(2026, 3, 2, 9),
        "organization_id": None,
        "doc_type_id": None,
        "urgency": Urgency.NORMAL,
    }
    # when the document must be done by Tuesday, then the step gets until the end of Tuesday, not Thursday
    capped = deadline_for(**common, document_deadline=dt.date(2026, 3, 3))
    assert (capped.due_at, capped.source) == (end_of_day(dt.date(2026, 3, 3)), DeadlineSource.DOCUMENT)
    # when it has until the end of the month, then the rule decides: Thursday 05/03 at 09:00
    ruled = deadline_for(**common, document_deadline=dt.date(2026, 3, 31))
    assert (ruled.due_at, ruled.source) == (at(2026, 3, 5, 9), DeadlineSource.RULE)
    # with neither a rule for the step nor a document deadline, there is none
    assert deadline_for(**(common | {"step": StepKind.SIGN}), document_deadline=None).due_at is None


def test_each_step_of_the_flow_gets_its_deadline_when_it_opens(office: Office) -> None:
    # given the demo rules: Hỏa tốc 4 hours, a review 3 working days
    vietnam_calendar()
    load_demo_rules()
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        normal = run_steps(start_draft(office, subject="Thường"), office, "submit")
        urgent = run_steps(start_draft(office, subject="Hỏa tốc", urgency=Urgency.HOA_TOC), office, "submit")

    # then each review task has its row, counted in working time from when it opened
    normal_review = deadline_of(open_tasks(process_of(normal))[0])
    urgent_review = deadline_of(open_tasks(process_of(urgent))[0])
    assert (normal_review.step, normal_review.due_at) == (StepKind.REVIEW, at(2026, 3, 5, 9))
    assert urgent_review.due_at == at(2026, 3, 2, 13)
    # and "sắp đến hạn" comes 4 working hours before, but never in the first half of the step's time
    assert normal_review.remind_at == at(2026, 3, 4, 14)
    assert urgent_review.remind_at == at(2026, 3, 2, 11)

    # when the review is done on Wednesday, its row closes and the signature's opens from then
    with time_machine.travel(at(2026, 3, 4, 10), tick=False):
        run_steps(normal, office, "approve")
    normal_review.refresh_from_db()
    assert normal_review.closed_at == at(2026, 3, 4, 10)
    sign = deadline_of(open_tasks(process_of(normal))[0])
    assert (sign.step, sign.opened_at, sign.due_at) == (StepKind.SIGN, at(2026, 3, 4, 10), at(2026, 3, 9, 10))


def test_a_step_without_rule_takes_the_document_s_deadline(office: Office) -> None:
    # given no rule and a document due on 20/03/2026
    document = run_steps(start_draft(office, deadline=dt.date(2026, 3, 20)), office, "submit")
    # then its review runs to the end of that day
    row = deadline_of(open_tasks(process_of(document))[0])
    assert (row.due_at, row.source) == (end_of_day(dt.date(2026, 3, 20)), DeadlineSource.DOCUMENT)


def test_the_receiving_steps_get_theirs_as_the_delivery_moves(django_capture_on_commit_callbacks) -> None:
    # given the demo rules and a plan issued to a school on Monday 02/03/2026 at 09:00
    vietnam_calendar()
    load_demo_rules()
    with time_machine.travel(at(2026, 3, 2, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        s = school_receives()
    accept = StepDeadline.objects.get(delivery=s.delivery, step=StepKind.ACCEPT)
    # then the clerk has one working day to accept it
    assert (accept.opened_at, accept.due_at, accept.closed_at) == (at(2026, 3, 2, 9), at(2026, 3, 3, 9), None)

    # when the clerk accepts it on Monday afternoon
    with time_machine.travel(at(2026, 3, 2, 15), tick=False), django_capture_on_commit_callbacks(execute=True):
        s.accept()
    # then the acceptance is over and the leaders have one working day to assign it
    accept.refresh_from_db()
    assert accept.closed_at == at(2026, 3, 2, 15)
    assign = StepDeadline.objects.get(delivery=s.delivery, step=StepKind.ASSIGN)
    assert assign.due_at == at(2026, 3, 3, 15)

    # when the head assigns it with a deadline of 13/03, then the handling runs to the end of that day
    with time_machine.travel(at(2026, 3, 3, 8, 30), tick=False), django_capture_on_commit_callbacks(execute=True):
        s.assign(deadline=dt.date(2026, 3, 13))
    handle = StepDeadline.objects.get(delivery=s.delivery, step=StepKind.HANDLE)
    assert (handle.due_at, handle.source) == (end_of_day(dt.date(2026, 3, 13)), DeadlineSource.ASSIGNMENT)
    assert StepDeadline.objects.get(pk=assign.pk).closed_at is not None

    # when the head assigns it again without a date, then the rule counts from the new assignment (10 days)
    with time_machine.travel(at(2026, 3, 4, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        s.assign(deadline=None)
    handle.refresh_from_db()
    expected = WorkingCalendar.load().add(at(2026, 3, 4, 9), WorkingTime(days=10))
    assert (handle.opened_at, handle.due_at, handle.source) == (at(2026, 3, 4, 9), expected, DeadlineSource.RULE)
    assert StepDeadline.objects.filter(delivery=s.delivery, step=StepKind.HANDLE).count() == 1


def test_the_sender_s_deadline_caps_the_receiving_steps(django_capture_on_commit_callbacks) -> None:
    # given a plan the Phòng wants done by 04/03/2026, issued on Monday 02/03
    vietnam_calendar()
    load_demo_rules()
    with time_machine.travel(at(2026, 3, 2, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        s = school_receives(deadline=dt.date(2026, 3, 4))
        s.accept()
    with time_machine.travel(at(2026, 3, 2, 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.incoming_assign(delivery=s.delivery, actor=s.school.head, person=s.teacher)
    # then the handling (10 working days by rule) ends with the document's deadline
    handle = StepDeadline.objects.get(delivery=s.delivery, step=StepKind.HANDLE)
    assert (handle.due_at, handle.source) == (end_of_day(dt.date(2026, 3, 4)), DeadlineSource.DOCUMENT)


def test_an_event_before_issue_costs_the_deadlines_consumer_three_statements(
    office: Office, django_assert_num_queries
) -> None:
    # given a plan in review, whose reviewer's step has its row already (written by the flow step)
    document = run_steps(start_draft(office), office, "submit")
    event = DocumentEvent(
        name="document_submitted",
        document_id=document.pk,
        organization_id=office.organization.pk,
        actor_id=office.drafter.pk,
        from_state="draft",
        to_state="in_review",
    )
    # when the outbox hands its event to the deadlines consumer, then it asks whether anything was sent, looks for
    # steps without a row and closes finished ones: nothing of the receiving side is read
    with django_assert_num_queries(3):
        on_document_event(event)
    assert StepDeadline.objects.filter(document=document, delivery__isnull=False).count() == 0
    assert StepDeadline.objects.filter(document=document, closed_at__isnull=True).count() == 1
