"""Each lifecycle service publishes one domain event after commit, describing the new state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from documents import events, services
from documents.errors import PermissionDenied
from documents.events import DocumentEvent
from tests.factories import Office, advance, make_draft


@pytest.fixture
def received() -> Iterator[list[DocumentEvent]]:
    seen: list[DocumentEvent] = []
    handler = events.subscribe(seen.append)
    yield seen
    events.unsubscribe(handler)


@pytest.mark.django_db
def test_events_follow_the_lifecycle_after_commit(
    office: Office, received: list[DocumentEvent], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = advance(make_draft(office), office, to="issued")

    assert [(e.name, e.from_state, e.to_state) for e in received] == [
        ("document_created", "", "draft"),
        ("document_submitted", "draft", "in_review"),
        ("document_approved", "in_review", "awaiting_signature"),
        ("document_signed", "awaiting_signature", "signed"),
        ("document_registered", "signed", "registered"),
        ("document_issued", "registered", "issued"),
    ]
    assert {e.document_id for e in received} == {document.pk}
    assert received[4].data["code"] == document.code


@pytest.mark.django_db
def test_no_event_escapes_a_refused_action(
    office: Office, received: list[DocumentEvent], django_capture_on_commit_callbacks
) -> None:
    document = make_draft(office)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.document_submit(document=document, actor=office.clerk)
    assert received == []


@pytest.mark.django_db
def test_a_failing_consumer_does_not_undo_the_change(office: Office, django_capture_on_commit_callbacks) -> None:
    def broken(event: DocumentEvent) -> None:
        raise RuntimeError("mail server down")

    events.subscribe(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            document = services.document_submit(document=make_draft(office), actor=office.drafter)
    finally:
        events.unsubscribe(broken)
    assert document.status == "in_review"
