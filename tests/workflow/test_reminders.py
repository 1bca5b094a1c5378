"""send_reminders: before the deadline the assignee is told once, after it once, and an overdue step goes once to
the assignee's leader — however often it runs, and when two copies run at the same time on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import close_old_connections, connection

from audit.models import AuditEvent
from notifications.models import Notification
from organizations.models import Role, User
from tests.factories import Office, add_member, make_office, start_draft
from tests.receiving.scenario import school_receives
from tests.workflow.deadline_helpers import at, deadline_of, vietnam_calendar
from tests.workflow.helpers import run_steps
from workflow import tasks
from workflow.actions import open_tasks, process_of
from workflow.deadlines import load_demo_rules
from workflow.models import StepDeadline, StepKind
from workflow.reminders import send_reminders

pytestmark = pytest.mark.django_db


def events_of(user: User) -> list[str]:
    """The reminders `user` was sent (the outbox may also hand on the set-up's own events meanwhile)."""
    notices = Notification.objects.filter(recipient=user, event__startswith="step_")
    return list(notices.order_by("pk").values_list("event", flat=True))


def give_addresses(*people: User) -> None:
    for person in people:
        User.objects.filter(pk=person.pk).update(email=f"{person.username}@example.gov.vn")


@pytest.fixture
def review_on_monday(office: Office):
    """A plan submitted on Monday 02/03/2026 at 09:00: its review (3 working days) is due Thursday at 09:00,
    "sắp đến hạn" from Wednesday 14:00."""
    vietnam_calendar()
    load_demo_rules()
    give_addresses(office.deputy, office.head)
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        document = run_steps(start_draft(office, subject="Kế hoạch tuyển sinh"), office, "submit")
    return document


def test_running_twice_sends_each_reminder_once(
    office: Office, review_on_monday, django_capture_on_commit_callbacks
) -> None:
    # when it runs before the reminder is due, nothing is sent
    with django_capture_on_commit_callbacks(execute=True):
        assert sum(send_reminders(now=at(2026, 3, 4, 13)).values()) == 0
    assert events_of(office.deputy) == []

    # when it runs twice once "sắp đến hạn" is due, the reviewer is told once
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reminders(now=at(2026, 3, 4, 14, 30))
        second = send_reminders(now=at(2026, 3, 4, 14, 45))
    assert (first["step_due_soon"], sum(second.values())) == (1, 0)
    assert events_of(office.deputy) == ["step_due_soon"]
    assert "Sắp đến hạn 09:00 ngày 05/03/2026: Duyệt nội dung — Kế hoạch tuyển sinh" in (
        Notification.objects.get(recipient=office.deputy, event="step_due_soon").message
    )

    # when it runs twice after the deadline, the reviewer is told it is overdue, and the head, once each
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reminders(now=at(2026, 3, 5, 9, 15))
        second = send_reminders(now=at(2026, 3, 5, 9, 30))
    assert (first["step_overdue"], first["step_escalated"], sum(second.values())) == (1, 1, 0)
    assert events_of(office.deputy) == ["step_due_soon", "step_overdue"]
    assert events_of(office.head) == ["step_escalated"]
    escalation = Notification.objects.get(recipient=office.head, event="step_escalated")
    assert "Trần Thị Phó chưa xong bước “Duyệt nội dung”" in escalation.message

    # and by e-mail as the defaults say: overdue and escalated at once, "sắp đến hạn" not
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [f"{office.deputy.username}@example.gov.vn", f"{office.head.username}@example.gov.vn"]
    )
    # each reminder is in the audit chain of the organization, by the system
    actions = Counter(AuditEvent.objects.filter(action__startswith="deadline.").values_list("action", flat=True))
    assert actions == {"deadline.due_soon": 1, "deadline.overdue": 1, "deadline.escalated": 1}


def test_a_step_done_in_time_is_not_chased(
    office: Office, review_on_monday, django_capture_on_commit_callbacks
) -> None:
    # given the review done on Tuesday
    with time_machine.travel(at(2026, 3, 3, 10), tick=False):
        document = run_steps(review_on_monday, office, "approve")
    # when the reminders run on Thursday after the review's deadline (the signature's is Friday 10:00)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders(now=at(2026, 3, 5, 9, 15))
    # then nobody is chased for the review
    assert sum(sent.values()) == 0
    assert Notification.objects.filter(event__startswith="step_").count() == 0
    assert StepDeadline.objects.get(step=StepKind.REVIEW, document=document).closed_at is not None


def test_a_step_found_late_gets_only_the_overdue_notice(
    office: Office, review_on_monday, django_capture_on_commit_callbacks
) -> None:
    # when the first run after Monday is on Friday
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(now=at(2026, 3, 6, 9))
        send_reminders(now=at(2026, 3, 6, 10))
    # then "sắp đến hạn" is not sent any more, the overdue notice is, once
    assert events_of(office.deputy) == ["step_overdue"]
    row = deadline_of(open_tasks(process_of(review_on_monday))[0])
    assert row.reminded_before_at == row.reminded_after_at == at(2026, 3, 6, 9)


def test_escalation_reaches_the_leader_of_a_unit_member(django_capture_on_commit_callbacks) -> None:
    # given a plan assigned at a school to its Tổ chuyên môn, a teacher of it in charge, and the unit has a lead
    vietnam_calendar()
    load_demo_rules()
    with time_machine.travel(at(2026, 3, 2, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        s = school_receives()
        lead = add_member(s.school, Role.UNIT_LEAD, full_name="Tổ Trưởng Chuyên Môn", unit=s.subjects)
        s.accept()
        s.assign(person=s.teacher, supporting_units=[])
    handle = StepDeadline.objects.get(delivery=s.delivery, step=StepKind.HANDLE)

    # when the reminders run after the deadline
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(now=handle.due_at + dt.timedelta(minutes=5))
        send_reminders(now=handle.due_at + dt.timedelta(hours=1))

    # then the teacher is told it is overdue, and the unit's lead — not the head — is told once
    assert events_of(s.teacher) == ["step_overdue"]
    assert events_of(lead) == ["step_escalated"]
    assert "step_escalated" not in events_of(s.school.head)


def test_a_deputy_s_leader_is_the_head_and_the_head_has_none(office: Office) -> None:
    from organizations.selectors import leaders_of

    org = office.organization.pk
    # then the drafter's and the clerk's leader is the deputy of their unit, the deputy's the head, the head's nobody
    assert leaders_of(user_ids={office.drafter.pk}, organization_id=org) == {office.deputy.pk}
    assert leaders_of(user_ids={office.clerk.pk}, organization_id=org) == {office.deputy.pk}
    assert leaders_of(user_ids={office.deputy.pk}, organization_id=org) == {office.head.pk}
    assert leaders_of(user_ids={office.head.pk}, organization_id=org) == set()
    assert leaders_of(user_ids={office.drafter.pk}, organization_id=make_office().organization.pk) == set()


def test_the_command_and_the_task_run_the_same_reminders(
    office: Office, review_on_monday, django_capture_on_commit_callbacks
) -> None:
    # when the command runs once the deadline passed, and the Celery task (called directly) right after
    out = StringIO()
    with time_machine.travel(at(2026, 3, 5, 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
        again = tasks.send_reminders()
    # then the command sent the overdue notice and the escalation, the task nothing more
    assert "báo quá hạn: 1, báo lãnh đạo: 1" in out.getvalue()
    assert sum(again.values()) == 0
    assert events_of(office.head) == ["step_escalated"]


def test_the_command_refuses_a_bad_moment() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Thời điểm không hợp lệ"):
        call_command("send_reminders", at="thứ Hai")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_send_each_reminder_once() -> None:
    # given 12 reviews of one office, all overdue, and four copies of send_reminders started together
    assert connection.vendor == "postgresql"
    vietnam_calendar()
    load_demo_rules()
    office = make_office()
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        for n in range(12):
            run_steps(start_draft(office, subject=f"Kế hoạch {n}"), office, "submit")
    now = at(2026, 3, 12, 9)
    start = threading.Barrier(4)
    failures: list[BaseException] = []
    totals: list[Counter] = []

    def run() -> None:
        try:
            start.wait()
            totals.append(send_reminders(now=now))
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then each step was reminded once: 12 overdue notices to the reviewer, 12 escalations to the head
    assert failures == []
    assert sum(totals, Counter()) == {"step_overdue": 12, "step_escalated": 12}
    reminders = Notification.objects.filter(event__startswith="step_")
    assert Counter(reminders.filter(recipient=office.deputy).values_list("event", flat=True)) == {"step_overdue": 12}
    assert Counter(reminders.filter(recipient=office.head).values_list("event", flat=True)) == {"step_escalated": 12}
    assert AuditEvent.objects.filter(action__startswith="deadline.").count() == 24
