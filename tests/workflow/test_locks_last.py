"""Hot locks last (issue 14, part 2): the number counter's row and the audit chain head are taken by the last
statements before commit, through the service and through the flow alike (documents.locks.locks_last).

Each test captures the SQL a step sends, finds the statement that locks the row (SELECT … FOR UPDATE on
PostgreSQL; SQLite has no FOR UPDATE, so the SELECT of that table) and checks what follows it. The tests run
in the test's own transaction, so the step's COMMIT is the RELEASE SAVEPOINT of its atomic block.
Run on PostgreSQL too: `DATABASE_URL=postgres://…/vanban_x .venv/bin/pytest --create-db <this file>`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from documents import services
from documents.models import Document, Status
from organizations.models import SignatureForm
from search.models import SearchEntry
from search.normalize import code_key
from tests.factories import Office, document_type, start_draft
from tests.workflow.helpers import run_steps
from workflow.actions import create_document, perform

pytestmark = pytest.mark.django_db

COUNTER = "documents_numbercounter"
HEAD = "audit_auditchainhead"
RELEASE = ("RELEASE", "")
# After the chain head's lock: the event, the head moved on, the end of the step's transaction.
AFTER_HEAD = {("INSERT", "audit_auditevent"), ("UPDATE", HEAD), RELEASE}
# After the counter's lock: the counter moved on, the number and code written on the document and its search entry
# (post_save of search.indexing: the code is searched), the outbox row that carries them, the audit event (its head
# made sure of, locked, moved on), the end of the transaction. Nothing else: these all need the number.
AFTER_COUNTER = {
    ("UPDATE", COUNTER),
    ("UPDATE", "documents_document"),
    ("INSERT", "search_searchentry"),
    ("INSERT", "documents_outboxevent"),
    ("INSERT", HEAD),
    ("SELECT", HEAD),
    *AFTER_HEAD,
}


def kind(sql: str) -> tuple[str, str]:
    """(verb, table) of one statement: enough to say what it does to which row set."""
    text = sql.strip()
    verb = text.split(None, 1)[0].upper()
    if verb in ("RELEASE", "SAVEPOINT", "SET"):
        return (verb, "")
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', text, re.IGNORECASE)
    return (verb, table.group(1) if table else "")


def is_lock_of(sql: str, table: str) -> bool:
    if kind(sql) != ("SELECT", table):
        return False
    return "FOR UPDATE" in sql.upper() if connection.vendor == "postgresql" else True


def after_last_lock(statements: list[str], table: str) -> list[str]:
    """The statements after the last lock of `table`'s row; fails if it was not locked at all."""
    positions = [i for i, sql in enumerate(statements) if is_lock_of(sql, table)]
    assert positions, f"{table} was never locked: {[kind(sql) for sql in statements]}"
    return statements[positions[-1] + 1 :]


def captured(step: Callable[[], Any]) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        step()
    return [query["sql"] for query in queries.captured_queries]


def signed(office: Office) -> Document:
    return run_steps(start_draft(office), office, "submit", "approve", "sign")


def test_the_counter_is_locked_last_through_the_service_and_through_the_flow_alike(office: Office) -> None:
    # given two signed documents waiting at the register step
    by_service, by_flow = signed(office), signed(office)

    # when one is registered by the service alone and the other through the flow
    service_sql = captured(lambda: services.document_register(document=by_service, actor=office.clerk))
    flow_sql = captured(lambda: perform(document=by_flow, actor=office.clerk, action="register"))

    # then both got their number, and the flow's task rows and deadlines were written before the counter's lock
    assert [Document.objects.get(pk=d.pk).number for d in (by_service, by_flow)] == [1, 2]
    assert Document.objects.get(pk=by_flow.pk).code.startswith("02/")
    flow_tail = after_last_lock(flow_sql, COUNTER)
    before = flow_sql[: len(flow_sql) - len(flow_tail)]
    assert any(kind(sql)[1] == "viewflow_task" and kind(sql)[0] != "SELECT" for sql in before)
    assert any(kind(sql) == ("INSERT", "workflow_stepdeadline") for sql in before)
    # and after the counter's lock, in both paths, only the same short tail: number, outbox, audit, release
    service_tail = after_last_lock(service_sql, COUNTER)
    assert {kind(sql) for sql in service_tail} <= AFTER_COUNTER, [kind(sql) for sql in service_tail]
    assert {kind(sql) for sql in flow_tail} <= AFTER_COUNTER, [kind(sql) for sql in flow_tail]
    assert [kind(sql) for sql in flow_tail] == [kind(sql) for sql in service_tail]
    assert kind(flow_tail[-1]) == RELEASE
    assert ("SELECT", "documents_version") not in {kind(sql) for sql in flow_tail}
    # and the search entry knows the code (it follows the code's save), and the audit event has the number
    assert SearchEntry.objects.get(document_id=by_flow.pk).code_key == code_key(
        Document.objects.get(pk=by_flow.pk).code
    )
    event = AuditEvent.objects.filter(action="document.register", object_id=str(by_flow.pk)).get()
    assert (event.details["number"], event.details["code"]) == (2, Document.objects.get(pk=by_flow.pk).code)


@pytest.mark.parametrize("step", ["submit", "approve", "sign", "register", "issue", "archive"])
def test_every_flow_step_takes_the_audit_chain_head_last(office: Office, step: str) -> None:
    # given a document at the step
    steps = ("submit", "approve", "sign", "register", "issue", "archive")
    document = run_steps(start_draft(office), office, *steps[: steps.index(step)])

    # when the step is done through the flow
    statements = captured(lambda: run_steps(document, office, step))

    # then the chain head was locked after everything else the step wrote: only its event and itself follow
    tail = after_last_lock(statements, HEAD)
    assert {kind(sql) for sql in tail} <= AFTER_HEAD, [kind(sql) for sql in tail]
    assert [kind(sql) for sql in tail][-1] == RELEASE


def test_creating_a_document_takes_the_audit_chain_head_after_the_flow_started(office: Office) -> None:
    fields = {
        "organization": office.organization,
        "doc_type": document_type("ke_hoach"),
        "subject": "Kế hoạch kiểm tra",
        "signer": office.head,
        "signature_form": SignatureForm.DIRECT,
    }

    statements = captured(lambda: create_document(actor=office.drafter, **fields))

    tail = after_last_lock(statements, HEAD)
    assert {kind(sql) for sql in tail} <= AFTER_HEAD, [kind(sql) for sql in tail]
    created = Document.objects.order_by("-pk").first()
    assert created is not None
    assert created.status == Status.DRAFT
    assert AuditEvent.objects.filter(action="document.create", object_id=str(created.pk)).exists()


def test_a_step_that_fails_after_its_service_leaves_no_tail_behind(office: Office, monkeypatch: Any) -> None:
    # given a signed document, and the flow's deadlines failing after the service ran (inside the flow lock)
    document = signed(office)

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("deadlines down")

    monkeypatch.setattr("workflow.actions.sync_deadlines", broken)

    # when it is registered through the flow
    with pytest.raises(RuntimeError):
        perform(document=document, actor=office.clerk, action="register")

    # then nothing of the step stays: no number taken, no audit event, the document still signed
    document.refresh_from_db()
    assert (document.status, document.number) == (Status.SIGNED, None)
    assert not AuditEvent.objects.filter(action="document.register").exists()
    monkeypatch.undo()
    # and the next registration gets number 1: the counter was not moved
    assert perform(document=document, actor=office.clerk, action="register").number == 1
