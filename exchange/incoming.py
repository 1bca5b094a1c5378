"""Incoming packets (docs/exchange.md): one transaction per packet, accepted, duplicate, ignored or refused.

The bytes are read safely (exchange.parsing); a document packet becomes one arrival per receiving organization of
ours (documents.services.outside), a recall packet asks our copies back (13), a status packet moves the delivery it
answers; each new arrival answers 01 at once. Whatever goes wrong rolls the whole packet back and stores it refused,
with its reason, for an administrator.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from core.errors import DomainError
from documents.dates import vn_now
from documents.models import Delivery, DeliveryKind, Document, Origin
from documents.services.exchange_steps import (
    APPLIED,
    DUPLICATE,
    delivery_status_from_outside,
    outside_recall_requested,
    outside_replacement_link,
)
from documents.services.outside import outside_arrival_create, outside_sender
from exchange.edxml import RECALL, REPLACE, UPDATE, DocumentPacket, StatusPacket
from exchange.mapping import document_by_id, particulars_for, sender_fields, split_document_id
from exchange.models import InboundPacket, InboundState, OutboundPacket, PacketKind
from exchange.outgoing import queue_rows
from exchange.parsing import PacketRefused, extract_pdf, read_packet
from organizations.models import Organization

logger = logging.getLogger(__name__)

STATE_OF_OUTCOME = {APPLIED: InboundState.ACCEPTED, DUPLICATE: InboundState.DUPLICATE}


def _keep(data: bytes) -> tuple[bytes, bool]:
    limit = settings.EXCHANGE_KEEP_PACKET_BYTES
    return data[:limit], len(data) > limit


def _record(*, name: str, data: bytes, digest: str, state: str, **fields: object) -> InboundPacket:
    raw, truncated = _keep(data)
    return InboundPacket.objects.create(
        name=name[:255], sha256=digest, size=len(data), raw=raw, truncated=truncated, state=state, **fields
    )


def _describe(packet: DocumentPacket | StatusPacket) -> dict[str, object]:
    if isinstance(packet, StatusPacket):
        return {
            "kind": PacketKind.STATUS,
            "sender_organ": packet.sender.organ_id[:40],
            "document_id": packet.response_for.document_id[:255],
            "status_code": packet.status_code,
        }
    return {
        "kind": PacketKind.RECALL if packet.business.doc_type == RECALL else PacketKind.DOCUMENT,
        "sender_organ": packet.sender.organ_id[:40],
        "document_id": packet.document_id[:255],
        "business_type": packet.business.doc_type,
    }


def receive_packet(*, name: str, data: bytes) -> InboundPacket:
    """Take in one packet, in one transaction: accepted (arrivals made, statuses moved), duplicate, ignored, or
    refused with its reason — then stored either way for an administrator."""
    digest = hashlib.sha256(data).hexdigest()
    seen = InboundPacket.objects.filter(sha256=digest).exclude(state=InboundState.DUPLICATE).order_by("pk").first()
    if seen is not None and seen.state == InboundState.REFUSED:
        return seen  # the same bad bytes again: already stored with their reason
    if seen is not None:
        return _record(
            name=name, data=data, digest=digest, state=InboundState.DUPLICATE, reason=f"Trùng gói tin #{seen.pk}."
        )
    described: dict[str, object] = {}
    try:
        packet = read_packet(data, max_bytes=settings.EXCHANGE_MAX_PACKET_BYTES, max_depth=settings.EXCHANGE_MAX_DEPTH)
        described = _describe(packet)
        with transaction.atomic():
            record = _record(name=name, data=data, digest=digest, state=InboundState.ACCEPTED, **described)
            if isinstance(packet, StatusPacket):
                outcome, deliveries = _take_status(packet)
            else:
                outcome, deliveries = _take_document(packet)
            record.deliveries.set(deliveries)
            if outcome != APPLIED:
                record.state = STATE_OF_OUTCOME.get(outcome, InboundState.IGNORED)
                record.reason = (
                    "Văn bản hoặc trạng thái này đã nhận trước đó."
                    if outcome == DUPLICATE
                    else "Trạng thái đến sau một bước đã ghi nhận: không thay đổi gì."
                )
                record.save(update_fields=["state", "reason"])
            return record
    except PacketRefused as refusal:
        code, reason = refusal.code, refusal.message
    except DomainError as error:
        code, reason = error.code, error.message
    except IntegrityError:  # the same packet taken at the same moment by another poller
        return _record(name=name, data=data, digest=digest, state=InboundState.DUPLICATE, reason="Trùng gói tin.")
    logger.warning("Packet %s refused: %s", name, reason)
    return _record(
        name=name, data=data, digest=digest, state=InboundState.REFUSED, reason_code=code, reason=reason, **described
    )


def _receivers(packet: DocumentPacket) -> list[Organization]:
    codes = [receiver.organ_id for receiver in packet.receivers]
    found = list(Organization.objects.filter(organ_code__in=codes, outside=False).order_by("pk"))
    if not found:
        raise PacketRefused(
            "unknown_receiver", f"Không có cơ quan nhận nào thuộc hệ thống trong gói tin ({', '.join(codes)[:200]})."
        )
    return found


def _take_document(packet: DocumentPacket) -> tuple[str, list[Delivery]]:
    receivers = _receivers(packet)
    if packet.business.doc_type == RECALL:
        return _take_recall(packet, receivers)
    sender = outside_sender(**sender_fields(packet))
    particulars = particulars_for(packet)
    pdf = extract_pdf(packet.attachments, max_bytes=settings.EXCHANGE_MAX_PACKET_BYTES)
    replaced = _replaced(packet, sender) if packet.business.doc_type in (UPDATE, REPLACE) else None
    already = set(
        Delivery.objects.filter(
            document__organization=sender, document__external_id=particulars.external_id, organization__in=receivers
        ).values_list("organization_id", flat=True)
    )
    deliveries, fresh = [], []
    now = vn_now()
    for receiver in receivers:
        delivery = outside_arrival_create(
            receiver=receiver, sender=sender, particulars=particulars, origin=Origin.EXCHANGE, pdf=pdf, received_at=now
        )
        deliveries.append(delivery)
        if receiver.pk not in already:
            fresh.append(delivery)
            if replaced is not None:
                outside_replacement_link(
                    document=delivery.document,
                    replaced=replaced,
                    business_type=packet.business.doc_type,
                    receiver_id=receiver.pk,
                )
    queue_rows(
        OutboundPacket(
            delivery=delivery,
            kind=PacketKind.STATUS,
            status_code="01",
            to_organ=packet.sender.organ_id,
            occurred_at=now,
            staff="",
        )
        for delivery in fresh
    )
    return (APPLIED if fresh else DUPLICATE), deliveries


def _replaced(packet: DocumentPacket, sender: Organization) -> Document | None:
    """The document an update or a replacement stands for: one we received from the same sender."""
    for replacement in packet.business.replacements:
        found = Document.objects.filter(organization=sender, external_id=replacement.document_id).first()
        if found is not None:
            return found
    raise PacketRefused(
        "unknown_document", "Không tìm thấy văn bản được cập nhật hoặc thay thế (ReplacementInfo/DocumentId)."
    )


def _received_deliveries(sender_organ: str, document_id: str, receivers: list[Organization] | None) -> list[Delivery]:
    document = Document.objects.filter(
        origin=Origin.EXCHANGE, organization__organ_code=sender_organ, external_id=document_id
    ).first()
    if document is None:
        raise PacketRefused("unknown_document", f"Không tìm thấy văn bản đã nhận “{document_id[:120]}”.")
    deliveries = Delivery.objects.filter(document=document, kind=DeliveryKind.ORGANIZATION)
    if receivers is not None:
        deliveries = deliveries.filter(organization__in=receivers)
    found = list(deliveries.order_by("pk"))
    if not found:
        raise PacketRefused("unknown_document", f"Văn bản “{document_id[:120]}” chưa đến cơ quan nhận nào ở đây.")
    return found


def _combined(outcomes: list[str]) -> str:
    if APPLIED in outcomes:
        return APPLIED
    return DUPLICATE if outcomes and all(outcome == DUPLICATE for outcome in outcomes) else "stale"


def _take_recall(packet: DocumentPacket, receivers: list[Organization]) -> tuple[str, list[Delivery]]:
    deliveries = _received_deliveries(packet.sender.organ_id, packet.document_id, receivers)
    reason = packet.business.reason or "Bên gửi thu hồi văn bản."
    outcomes = [outside_recall_requested(delivery=delivery, reason=reason) for delivery in deliveries]
    return _combined(outcomes), deliveries


def _take_status(packet: StatusPacket) -> tuple[str, list[Delivery]]:
    answer = packet.response_for
    if packet.status_code == "13":  # some senders ask back with a status packet rather than a recall packet
        deliveries = _received_deliveries(packet.sender.organ_id, answer.document_id, None)
        reason = packet.description or "Bên gửi thu hồi văn bản."
        return _combined([outside_recall_requested(delivery=d, reason=reason) for d in deliveries]), deliveries
    document = document_by_id(answer.document_id)
    if document is None:
        parts = split_document_id(answer.document_id)
        hint = "" if parts else " (mã không đúng dạng <mã cơ quan>,<yyyy/MM/dd>,<số/ký hiệu>)"
        raise PacketRefused("unknown_document", f"Không tìm thấy văn bản “{answer.document_id[:120]}”{hint}.")
    deliveries = list(
        Delivery.objects.filter(
            document=document, kind=DeliveryKind.EXTERNAL, recipient__organ_code=packet.sender.organ_id
        ).order_by("pk")
    )
    if not deliveries:
        raise PacketRefused(
            "unknown_delivery",
            f"Văn bản {document.code} không gửi tới cơ quan {packet.sender.organ_id} qua trục liên thông.",
        )
    reporter = ", ".join(part for part in (packet.staff.staff, packet.sender.name) if part)
    outcomes = [
        delivery_status_from_outside(
            delivery=delivery,
            code=packet.status_code,
            note=packet.description,
            reported_at=packet.timestamp,
            reporter=reporter,
        )
        for delivery in deliveries
    ]
    return _combined(outcomes), deliveries
