"""The exchange listens to the documents' domain events (documents.events.subscribe) and queues what must leave.

`exchange_on_event` runs after the causing transaction committed (and may run twice when dispatch is at least
once): every queue_* is idempotent by the outbox's unique key, so a repeat queues nothing. What was queued is sent
at once when EXCHANGE_SEND_AT_ONCE is on (the folder transport is a file write); a failure stays pending for
`manage.py exchange_poll` or the periodic task.
"""

from __future__ import annotations

from django.conf import settings

from documents.events import DocumentEvent
from exchange.services import (
    STATUS_OF_EVENT,
    queue_document_packets,
    queue_recall_packets,
    queue_status_packet,
    send_pending,
)


def exchange_on_event(event: DocumentEvent) -> list[int]:
    """document_issued → a document packet per outside body with an organ code; document_recalled → a recall
    packet to each of them; a receiving step on a document that came through the exchange → its status code back
    to the sender (02–06, 15, 16; 01 is answered when the packet is taken in). Returns the rows queued."""
    if event.name == "document_issued":
        queued = queue_document_packets(document_id=event.document_id)
    elif event.name == "document_recalled":
        queued = queue_recall_packets(document_id=event.document_id)
    elif event.name in STATUS_OF_EVENT and event.data.get("delivery"):
        queued = queue_status_packet(delivery_id=int(event.data["delivery"]), code=STATUS_OF_EVENT[event.name])
    else:
        return []
    if queued and settings.EXCHANGE_SEND_AT_ONCE:
        send_pending(ids=queued)
    return queued
