"""Two people acting on one document at the same moment: exactly one wins, nothing is done twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from audit.models import AuditEvent
from documents import services
from documents.errors import DomainError
from documents.models import Document, Status
from tests.factories import advance, make_draft, make_office


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_of_one_document_exactly_one_wins() -> None:
    assert connection.vendor == "postgresql"
    office = make_office()
    document = advance(make_draft(office), office, to="awaiting_signature")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def act(run) -> None:
        try:
            start.wait()
            run()
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    # the head signs while the same head (second tab) returns it for revision
    sign = threading.Thread(target=act, args=(lambda: services.document_sign(document=document, actor=office.head),))
    back = threading.Thread(
        target=act,
        args=(lambda: services.document_return(document=document, actor=office.head, comment="Xem lại mục III."),),
    )
    sign.start()
    back.start()
    sign.join()
    back.join()

    winner, loser = sorted(outcomes, key=lambda outcome: outcome != "ok")
    assert winner == "ok"
    assert loser in ("invalid_transition", "concurrent_update")
    final = Document.objects.get(pk=document.pk)
    assert final.status in (Status.SIGNED, Status.DRAFT)
    moves = AuditEvent.objects.filter(object_id=str(document.pk), action__in=["document.sign", "document.return"])
    assert moves.count() == 1
