"""The exchange's use cases, one import for the interfaces (docs/exchange.md): queue what must leave and send it
(exchange.outgoing), take in what arrived (exchange.incoming), and one round of both (`exchange_poll`), which
`manage.py exchange_poll` and the periodic task run.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from exchange.incoming import receive_packet
from exchange.models import InboundState
from exchange.outgoing import (
    STATUS_OF_EVENT,
    queue_document_packets,
    queue_recall_packets,
    queue_status_packet,
    render,
    send_pending,
)
from exchange.transports import Transport, get_transport

logger = logging.getLogger(__name__)

__all__ = [
    "STATUS_OF_EVENT",
    "PollResult",
    "exchange_poll",
    "queue_document_packets",
    "queue_recall_packets",
    "queue_status_packet",
    "receive_all",
    "receive_packet",
    "render",
    "send_pending",
]


@dataclass(frozen=True)
class PollResult:
    sent: int = 0
    send_failed: int = 0
    received: int = 0
    accepted: int = 0
    refused: int = 0
    duplicates: int = 0
    ignored: int = 0
    errors: int = 0  # packets left for the next round (not refused: nothing was wrong with them)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def receive_all(*, transport: Transport | None = None) -> dict[str, int]:
    """Every item the transport offers: taken in, then acknowledged (after its transaction committed)."""
    transport = transport or get_transport()
    counts = dict.fromkeys([*InboundState.values, "errors"], 0)
    for name, data in transport.receive():
        try:
            record = receive_packet(name=name, data=data)
        except Exception:  # not the packet's fault (the database went away…): left for the next round, unacked
            logger.exception("Taking in packet %s failed; it stays for the next round", name)
            counts["errors"] += 1
            continue
        counts[record.state] += 1
        transport.ack(name)
    return counts


def exchange_poll(*, transport: Transport | None = None) -> PollResult:
    """One round: send what is pending, take in what arrived, send the answers (01) to what arrived.
    `manage.py exchange_poll` and the periodic task call this."""
    transport = transport or get_transport()
    sent, failed = send_pending(transport=transport)
    counts = receive_all(transport=transport)
    answered, answer_failed = send_pending(transport=transport)  # the 01s of what just arrived
    return PollResult(
        sent=sent + answered,
        send_failed=failed + answer_failed,
        received=sum(counts.values()),
        errors=counts["errors"],
        accepted=counts[InboundState.ACCEPTED],
        refused=counts[InboundState.REFUSED],
        duplicates=counts[InboundState.DUPLICATE],
        ignored=counts[InboundState.IGNORED],
    )
