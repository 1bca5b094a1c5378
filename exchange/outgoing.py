"""Outgoing packets (docs/exchange.md, "Idempotency"): queued by the event consumer, sent by the transport.

`queue_*` (called by exchange.consumers after the causing transaction committed) write one `OutboundPacket` row per
(delivery, kind, status code) — a unique key, so an event delivered twice queues once. `send_pending` renders each
row, hands it to the transport and marks it sent in one short transaction; a document packet moves its delivery to
SENT (documents.services.exchange_steps.delivery_mark_sent). A crash between the transport's send and the commit
leaves the row pending: the retry writes the same bytes under the same name.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from documents.dates import vn_now
from documents.models import Delivery, DeliveryEvent, DeliveryKind, DeliveryStatus, Document, Origin
from documents.services.exchange_steps import delivery_mark_sent
from exchange.edxml import write_document_packet
from exchange.edxml import write_status_packet as write_status
from exchange.mapping import document_packet, status_packet
from exchange.models import OutboundPacket, OutboundState, PacketKind
from exchange.transports import Transport, get_transport

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # a packet that failed this often is left to an administrator (state FAILED)
# The status code an event of the receiving side is answered with (documents.services.delivery, .handling).
STATUS_OF_EVENT = {
    "delivery_refused": "02",
    "delivery_accepted": "03",
    "delivery_assigned": "04",
    "delivery_in_progress": "05",
    "delivery_done": "06",
    "delivery_recalled": "15",
    "delivery_recall_refused": "16",
}
# The step whose note (a reason, a result) and actor a status packet carries.
STEP_OF_CODE = {
    "02": DeliveryStatus.REFUSED,
    "03": DeliveryStatus.ACCEPTED,
    "04": DeliveryStatus.ASSIGNED,
    "05": DeliveryStatus.IN_PROGRESS,
    "06": DeliveryStatus.DONE,
    "15": DeliveryStatus.RECALLED,
    "16": DeliveryStatus.RECALL_REFUSED,
}


@transaction.atomic
def queue_document_packets(*, document_id: int) -> list[int]:
    """After an issue: one document packet per outside line with an organ code still queued. Returns the rows
    queued now (none the second time)."""
    document = Document.objects.select_related("organization").get(pk=document_id)
    deliveries = list(
        Delivery.objects.filter(document=document, kind=DeliveryKind.EXTERNAL, status=DeliveryStatus.QUEUED)
        .exclude(recipient__organ_code="")
        .select_related("recipient")
    )
    now = vn_now()
    problem = "" if document.organization.organ_code else "Cơ quan ban hành chưa có mã định danh điện tử."
    return queue_rows(
        OutboundPacket(
            delivery=delivery,
            kind=PacketKind.DOCUMENT,
            to_organ=delivery.recipient.organ_code,
            occurred_at=now,
            state=OutboundState.FAILED if problem else OutboundState.PENDING,
            last_error=problem,
        )
        for delivery in deliveries
    )


@transaction.atomic
def queue_recall_packets(*, document_id: int) -> list[int]:
    """After a recall: a recall packet (Bussiness 1) to every outside body the document was sent to (13)."""
    deliveries = list(
        Delivery.objects.filter(
            document_id=document_id, kind=DeliveryKind.EXTERNAL, status=DeliveryStatus.RECALL_REQUESTED
        )
        .exclude(recipient__organ_code="")
        .select_related("recipient")
    )
    rows = []
    for delivery in deliveries:
        step = _last_step(delivery, DeliveryStatus.RECALL_REQUESTED)
        rows.append(
            OutboundPacket(
                delivery=delivery,
                kind=PacketKind.RECALL,
                to_organ=delivery.recipient.organ_code,
                description=step.note if step else "",
                staff=step.actor.display_name if step and step.actor else "",
                occurred_at=step.at if step else vn_now(),
            )
        )
    return queue_rows(rows)


@transaction.atomic
def queue_status_packet(*, delivery_id: int, code: str) -> list[int]:
    """A step of the receiving side on a document that came through the exchange: its status code back to the
    sender, once per (delivery, code)."""
    delivery = Delivery.objects.select_related("document__organization", "organization").filter(pk=delivery_id).first()
    if delivery is None or delivery.document.origin != Origin.EXCHANGE or delivery.kind != DeliveryKind.ORGANIZATION:
        return []
    sender_code = delivery.document.organization.organ_code
    if not sender_code:
        return []
    step = _last_step(delivery, STEP_OF_CODE.get(code, delivery.status))  # not the current one: it may have moved
    return queue_rows(
        [
            OutboundPacket(
                delivery=delivery,
                kind=PacketKind.STATUS,
                status_code=code,
                to_organ=sender_code,
                description=step.note if step else "",
                staff=step.actor.display_name if step and step.actor else "",
                occurred_at=step.at if step else vn_now(),
            )
        ]
    )


def _last_step(delivery: Delivery, status: str) -> DeliveryEvent | None:
    return (
        DeliveryEvent.objects.filter(delivery=delivery, status=status).select_related("actor").order_by("-at", "-pk")
    ).first()


def queue_rows(rows: Iterable[OutboundPacket]) -> list[int]:
    """Insert what is not there yet (the unique key decides); the ids of the rows inserted now."""
    rows = list(rows)
    if not rows:
        return []
    before = set(
        OutboundPacket.objects.filter(delivery_id__in={row.delivery_id for row in rows}).values_list("pk", flat=True)
    )
    OutboundPacket.objects.bulk_create(rows, ignore_conflicts=True)
    after = OutboundPacket.objects.filter(delivery_id__in={row.delivery_id for row in rows})
    return sorted(set(after.values_list("pk", flat=True)) - before)


def render(packet: OutboundPacket) -> bytes:
    """The bytes of one outgoing packet; the same row always gives the same bytes."""
    delivery = (
        Delivery.objects.select_related(
            "recipient", "organization", "document__organization", "document__doc_type", "document__drafting_unit"
        )
        .select_related("document__drafter", "document__signer", "document__replaces__organization")
        .get(pk=packet.delivery_id)
    )
    if packet.kind == PacketKind.STATUS:
        return write_status(
            status_packet(
                delivery=delivery,
                code=packet.status_code,
                occurred_at=packet.occurred_at,
                description=packet.description,
                staff=packet.staff,
            )
        )
    recall_reason = packet.description if packet.kind == PacketKind.RECALL else None
    return write_document_packet(
        document_packet(delivery=delivery, occurred_at=packet.occurred_at, recall_reason=recall_reason)
    )


def _send_one(pk: int, transport: Transport) -> bool:
    """One row: rendered, handed over, marked sent — in one short transaction that holds this row only."""
    with transaction.atomic():
        packet = (
            OutboundPacket.objects.select_for_update(skip_locked=True)
            .select_related("delivery")
            .filter(pk=pk, state=OutboundState.PENDING)
            .first()
        )
        if packet is None:  # sent meanwhile, or another poller holds it
            return False
        if packet.kind == PacketKind.DOCUMENT and packet.delivery.status != DeliveryStatus.QUEUED:
            # Recalled before it left (15 at once, documents.services.closing): nothing to send.
            packet.state = OutboundState.CANCELLED
            packet.save(update_fields=["state"])
            return False
        data = render(packet)
        if len(data) > settings.EXCHANGE_MAX_PACKET_BYTES:
            raise ValueError(
                f"Gói tin {len(data)} byte vượt giới hạn {settings.EXCHANGE_MAX_PACKET_BYTES} byte của trục liên thông."
            )
        transport.send(str(packet.packet_id), data)
        packet.state, packet.sent_at = OutboundState.SENT, vn_now()
        packet.attempts += 1
        packet.sha256, packet.last_error = hashlib.sha256(data).hexdigest(), ""
        packet.save(update_fields=["state", "sent_at", "attempts", "sha256", "last_error"])
        if packet.kind == PacketKind.DOCUMENT:
            delivery_mark_sent(delivery_id=packet.delivery_id, packet_id=str(packet.packet_id))
    return True


def _failed(pk: int, error: Exception) -> None:
    with transaction.atomic():
        packet = OutboundPacket.objects.select_for_update().filter(pk=pk).first()
        if packet is None or packet.state != OutboundState.PENDING:
            return
        packet.attempts += 1
        packet.last_error = f"{type(error).__name__}: {error}"[:2000]
        if packet.attempts >= MAX_ATTEMPTS:
            packet.state = OutboundState.FAILED
        packet.save(update_fields=["attempts", "last_error", "state"])


def send_pending(*, transport: Transport | None = None, ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Send every pending row (or those of `ids`), oldest first. Returns (sent, failed); a failure is recorded on
    its row and retried by the next poll."""
    transport = transport or get_transport()
    pending = OutboundPacket.objects.filter(state=OutboundState.PENDING)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    sent = failed = 0
    for pk in pending.order_by("created_at", "pk").values_list("pk", flat=True):
        try:
            sent += _send_one(pk, transport)
        except Exception as exc:
            logger.exception("Sending outbound packet %s failed", pk)
            _failed(pk, exc)
            failed += 1
    return sent, failed
