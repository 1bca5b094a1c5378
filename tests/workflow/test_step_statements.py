"""Statements per flow step (issue 14, part 1), pinned: a step that starts reading or writing more fails here.

Counted on SQLite inside the test's transaction, so each atomic block shows as SAVEPOINT … RELEASE (on a server
the outer one is BEGIN … COMMIT). A first document runs through every step before, so per-process caches (content
types, the flow's nodes) are warm as in a running server. Without signing keys: no PDF is rendered or stored.
What each step still sends: the visibility check, the flow lock (which returns the process), the task, the
document's lock and update, the step's new tasks and their links in one INSERT each (workflow.flows: gateways are
decided as they are created, written once), the deadline rows, and the tail (outbox, audit chain head, event).
Deadline rules and working days come from the shared cache (core.shared_cache).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from documents.models import Document, Status
from organizations.models import SignatureForm
from tests.factories import DossierFactory, Office, document_type, start_draft
from tests.workflow.helpers import ALL_STEPS, run_steps
from workflow.actions import create_document, perform

pytestmark = pytest.mark.django_db

# The most statements each step may send (measured, see the module's docstring). PostgreSQL adds the
# `SET LOCAL lock_timeout` before each row lock (documents.locks.set_lock_timeout) and a few backend differences.
LIMITS = {"submit": 24, "approve": 20, "sign": 25, "register": 23, "issue": 39, "archive": 27}
POSTGRES_LIMITS = {"submit": 25, "approve": 21, "sign": 26, "register": 25, "issue": 40, "archive": 28}
CREATE_LIMIT = 30


def limits() -> dict[str, int]:
    return POSTGRES_LIMITS if connection.vendor == "postgresql" else LIMITS


def actor_for(step: str, document: Document, office: Office) -> Any:
    return {"submit": office.drafter, "approve": document.reviewer, "sign": document.signer}.get(step, office.clerk)


@pytest.fixture
def warm(office: Office) -> Office:
    run_steps(start_draft(office), office, *ALL_STEPS)
    return office


def test_each_step_stays_within_its_statements(warm: Office, django_assert_max_num_queries: Any) -> None:
    document = start_draft(warm)
    for step in ALL_STEPS:
        params = {"dossier": DossierFactory(organization=warm.organization)} if step == "archive" else {}
        actor = actor_for(step, document, warm)
        with django_assert_max_num_queries(limits()[step]):
            document = perform(document=document, actor=actor, action=step, **params)
    assert document.status == Status.ARCHIVED


def test_creating_a_document_with_its_flow_stays_within_its_statements(
    warm: Office, django_assert_max_num_queries: Any
) -> None:
    fields = {
        "organization": warm.organization,
        "doc_type": document_type("ke_hoach"),
        "subject": "Kế hoạch kiểm tra",
        "signer": warm.head,
        "signature_form": SignatureForm.DIRECT,
    }
    with django_assert_max_num_queries(CREATE_LIMIT):
        document = create_document(actor=warm.drafter, **fields)
    assert document.status == Status.DRAFT
