"""Two leaders click the same task at the same moment: exactly one wins, the flow moves once, one audit event."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from documents.errors import DomainError
from documents.models import Document, Status
from organizations.models import Role
from tests.factories import add_member, make_office, start_draft
from tests.workflow.helpers import run_steps
from workflow.actions import perform
from workflow.models import DocumentTask


def race(*calls) -> list[str]:
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def act(call) -> None:
        try:
            start.wait()
            call()
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes, key=lambda outcome: outcome != "ok")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_the_same_task_at_once_exactly_one_wins() -> None:
    # given a document in review (the reviewer has it open in two tabs, or two leaders share it)
    assert connection.vendor == "postgresql"
    office = make_office()
    document = run_steps(start_draft(office), office, "submit")

    # when both clicks arrive together
    outcomes = race(
        lambda: perform(document=document, actor=office.deputy, action="approve", comment="Tab 1"),
        lambda: perform(document=document, actor=office.deputy, action="approve", comment="Tab 2"),
    )

    # then exactly one succeeded, the other got a 409, and the flow moved once
    assert outcomes[0] == "ok"
    assert outcomes[1] in ("concurrent_update", "invalid_transition")
    assert Document.objects.get(pk=document.pk).status == Status.AWAITING_SIGNATURE
    assert AuditEvent.objects.filter(object_id=str(document.pk), action="document.approve").count() == 1
    tasks = DocumentTask.objects.filter(process__documentprocess__document=document, flow_task_type="HUMAN")
    assert [(t.step, t.status) for t in tasks.order_by("pk")] == [
        ("draft", STATUS.DONE),
        ("review", STATUS.DONE),
        ("sign", STATUS.ASSIGNED),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_registering_the_same_document_at_once_give_one_number() -> None:
    # given a signed document waiting in the clerk queue and two clerks
    office = make_office()
    second_clerk = add_member(office, Role.CLERK, full_name="Văn thư hai", post_title="VĂN THƯ")
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")

    # when both take it from the queue at the same moment
    outcomes = race(
        lambda: perform(document=document, actor=office.clerk, action="register"),
        lambda: perform(document=document, actor=second_clerk, action="register"),
    )

    # then one number was given, once
    assert outcomes[0] == "ok"
    assert outcomes[1] in ("concurrent_update", "invalid_transition")
    assert Document.objects.get(pk=document.pk).number == 1
    assert AuditEvent.objects.filter(object_id=str(document.pk), action="document.register").count() == 1
