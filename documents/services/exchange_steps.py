"""Deliveries that cross the exchange (edXML): what the transport did, and what the other side answered.

The exchange app (above documents) moves the packets; the state they carry changes here, with the shape of every
receipt step (documents.services.delivery._step): the delivery row locked → its state checked → a DeliveryEvent
(what the sender sees) → an audit event → a domain event on commit. So a status packet from an outside body shows
on the sender's table and notifies its clerks exactly as an internal recipient's step does.

- Sending side: `delivery_mark_sent` (the document packet left: queued → sent), `delivery_status_from_outside`
  (a status packet 01–06, 15, 16 came back).
- Receiving side: `outside_recall_requested` (the sender of a document we received asks it back: 13), and
  `outside_replacement_link` (an update or replacement arrived for a document we received).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from audit.services import record_event
from documents.errors import InvalidTransition, ValidationFailed
from documents.events import DocumentEvent, publish_on_commit
from documents.locks import lock_document
from documents.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Document,
    Origin,
    ReplacementKind,
    Status,
)
from documents.services._common import _save, _transition
from documents.services.delivery import _lock_delivery, _step

# Where a delivery stands on its way through the recipient's hands: a status packet moves it forward only.
HANDLING_ORDER = (
    DeliveryStatus.QUEUED,
    DeliveryStatus.SENT,
    DeliveryStatus.ARRIVED,
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.ASSIGNED,
    DeliveryStatus.IN_PROGRESS,
    DeliveryStatus.DONE,
)
HANDLING_CODES = {
    "01": DeliveryStatus.ARRIVED,
    "03": DeliveryStatus.ACCEPTED,
    "04": DeliveryStatus.ASSIGNED,
    "05": DeliveryStatus.IN_PROGRESS,
    "06": DeliveryStatus.DONE,
}
# The outcome of one status packet on one delivery.
APPLIED, DUPLICATE, STALE = "applied", "duplicate", "stale"


@transaction.atomic
def delivery_mark_sent(*, delivery_id: int, packet_id: str) -> bool:
    """The document packet for this outside body was handed to the transport: queued → sent, recorded once.
    False when the delivery is no longer waiting (recalled before it left, or marked by an earlier try)."""
    delivery = _lock_delivery(Delivery(pk=delivery_id))
    if delivery.kind != DeliveryKind.EXTERNAL or delivery.status != DeliveryStatus.QUEUED:
        return False
    organ_code = delivery.recipient.organ_code
    _step(
        delivery,
        status=DeliveryStatus.SENT,
        actor=None,
        note=f"Đã gửi qua trục liên thông tới {organ_code} (gói {packet_id}).",
        details={"organ_code": organ_code, "packet": packet_id},
    )
    return True


def _status_for(code: str, current: str) -> str:
    """The delivery state a status code means, given where the delivery stands (RULES.md: "02 refused — also
    recall refused", "03 accepted — also recall agreed")."""
    if current == DeliveryStatus.RECALL_REQUESTED and code in ("02", "03", "15", "16"):
        return DeliveryStatus.RECALLED if code in ("03", "15") else DeliveryStatus.RECALL_REFUSED
    if code == "02":
        return DeliveryStatus.REFUSED
    if code in ("15", "16"):
        return DeliveryStatus.RECALLED if code == "15" else DeliveryStatus.RECALL_REFUSED
    if code in HANDLING_CODES:
        return HANDLING_CODES[code]
    raise ValidationFailed(f"Mã trạng thái {code} không áp dụng cho văn bản đã gửi đi.", details={"field": "status"})


def _outcome(current: str, target: str) -> str:
    """Forward moves apply; the state it is already in is a duplicate; anything else came late (stale)."""
    if current == target:
        return DUPLICATE
    if target in (DeliveryStatus.RECALLED, DeliveryStatus.RECALL_REFUSED):
        return APPLIED if current == DeliveryStatus.RECALL_REQUESTED else STALE
    if target == DeliveryStatus.REFUSED:
        before_acceptance = (DeliveryStatus.QUEUED, DeliveryStatus.SENT, DeliveryStatus.ARRIVED)
        return APPLIED if current in before_acceptance else STALE
    if current in HANDLING_ORDER and HANDLING_ORDER.index(target) > HANDLING_ORDER.index(current):
        return APPLIED
    return STALE


@transaction.atomic
def delivery_status_from_outside(
    *,
    delivery: Delivery,
    code: str,
    note: str = "",
    reported_at: dt.datetime | None = None,
    reporter: str = "",
) -> str:
    """A status packet from the outside body this delivery went to: 01 arrived, 02 refused, 03 accepted, 04
    assigned, 05 in progress, 06 done, 15 / 16 the answer to our recall. Applied as the recipient's own step
    (`_step`: history, audit, `delivery_<status>` on commit, which notifies the sender's clerks and drafter).
    Returns APPLIED, DUPLICATE (already there: a packet seen twice) or STALE (it came after a later step)."""
    delivery = _lock_delivery(delivery)
    if delivery.kind != DeliveryKind.EXTERNAL or delivery.status == DeliveryStatus.EMAILED:
        raise InvalidTransition("Nơi nhận này không nhận văn bản qua trục liên thông.")
    target = _status_for(code, delivery.status)
    outcome = _outcome(delivery.status, target)
    if outcome != APPLIED:
        return outcome
    organ_code = delivery.recipient.organ_code
    when = f" lúc {reported_at:%d/%m/%Y %H:%M}" if reported_at else ""
    by = f" ({reporter})" if reporter else ""
    text = (note or "").strip()[:2000] or f"Trục liên thông: {organ_code}{when}{by}."
    _step(
        delivery,
        status=target,
        actor=None,
        note=text,
        details={
            "organ_code": organ_code,
            "status_code": code,
            "reported_at": reported_at.isoformat() if reported_at else None,
            "reporter": f"{organ_code}{when}{by}",
        },
    )
    if target == DeliveryStatus.ACCEPTED and delivery.acknowledged_at is None:
        delivery.acknowledged_at = reported_at or delivery.status_at
        delivery.save(update_fields=["acknowledged_at"])
    return APPLIED


def _received_from_outside(delivery: Delivery) -> None:
    if delivery.kind != DeliveryKind.ORGANIZATION or delivery.document.origin != Origin.EXCHANGE:
        raise InvalidTransition("Chỉ văn bản nhận qua trục liên thông mới bị bên gửi thu hồi qua trục.")


@transaction.atomic
def outside_recall_requested(*, delivery: Delivery, reason: str) -> str:
    """The outside sender of a document we received asks it back (a recall packet, or status 13): the delivery
    goes to 13 like an internal recall, the receiving clerk answers with `recall_agree` (15: the copy leaves every
    box) or `recall_refuse` (16), and the exchange sends the answer back. The document, the sender's, is marked
    recalled once. Returns APPLIED, DUPLICATE, or STALE (refused or already answered)."""
    delivery = _lock_delivery(delivery)
    _received_from_outside(delivery)
    if delivery.status == DeliveryStatus.RECALL_REQUESTED:
        return DUPLICATE
    if delivery.status in (DeliveryStatus.REFUSED, DeliveryStatus.RECALLED, DeliveryStatus.RECALL_REFUSED):
        return STALE
    reason = " ".join((reason or "").split())[:2000] or "Bên gửi thu hồi văn bản."
    document = lock_document(delivery.document_id)
    recalled_now = document.status == Status.ISSUED
    if recalled_now:
        from_state = _transition(document, "recall")
        _save(document, [])
    _step(
        delivery,
        status=DeliveryStatus.RECALL_REQUESTED,
        actor=None,
        note=reason,
        name="recall_requested",
        details={"external_id": document.external_id},
    )
    if recalled_now:
        publish_on_commit(
            DocumentEvent(
                name="document_recalled",
                document_id=document.pk,
                organization_id=document.organization_id,
                actor_id=None,
                from_state=from_state,
                to_state=document.status,
                data={"reason": reason, "from_outside": True},
            )
        )
    return APPLIED


@transaction.atomic
def outside_replacement_link(*, document: Document, replaced: Document, business_type: int, receiver_id: int) -> bool:
    """An update (2, đính chính) or a replacement (3, thay thế) arrived: the new document points at the one it
    amends, as a correction made here does (`Document.replaces`). Recorded in the receiver's chain; False when
    it was linked already."""
    if document.origin != Origin.EXCHANGE or replaced.organization_id != document.organization_id:
        raise ValidationFailed("Văn bản thay thế phải cùng cơ quan gửi với văn bản bị thay thế.")
    if document.replaces_id == replaced.pk:
        return False
    kind = ReplacementKind.CORRECTION if business_type == 2 else ReplacementKind.REPLACEMENT
    Document.objects.filter(pk=document.pk).update(replaces=replaced, replacement_kind=kind)
    document.replaces, document.replacement_kind = replaced, kind
    record_event(
        organization_id=receiver_id,
        actor=None,
        action="document.replacement_from_outside",
        obj=document,
        from_state=document.status,
        to_state=document.status,
        details={"replaces": replaced.pk, "external_id": replaced.external_id, "kind": kind},
    )
    return True
