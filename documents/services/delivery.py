"""Receipt: the recipient's side of a delivery — accept (and register as incoming), refuse, acknowledge.

Each step changes one delivery under its row lock, writes a step of its history (the exchange's status
codes), an audit event in the *receiving* organization's chain, and a domain event the sender is told by.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import record_event
from documents.dates import vn_now, vn_today
from documents.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from documents.events import DocumentEvent, publish_on_commit
from documents.limits import check_comment
from documents.models import (
    Delivery,
    DeliveryEvent,
    DeliveryKind,
    DeliveryStatus,
    IncomingDocument,
    Register,
)
from documents.numbering import allocate_number
from organizations.models import Membership, Role
from organizations.selectors import has_role


def _lock_delivery(delivery: Delivery) -> Delivery:
    found = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("document", "document__organization", "recipient")
        .filter(pk=delivery.pk)
        .first()
    )
    if found is None:
        raise NotFound("Không tìm thấy văn bản đến.")
    return found


def may_receive(*, user: Any, delivery: Delivery) -> bool:
    """Who acts for the addressee: the clerk of an organization; the person named; a member of a unit."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return False
    if delivery.kind == DeliveryKind.ORGANIZATION:
        return has_role(user=user, organization_id=delivery.organization_id, roles=(Role.CLERK,))
    if delivery.kind == DeliveryKind.PERSON:
        return delivery.person_id == user_id
    if delivery.kind == DeliveryKind.UNIT:
        return Membership.objects.filter(user_id=user_id, unit_id=delivery.unit_id, is_active=True).exists()
    return False


def _step(
    delivery: Delivery,
    *,
    status: str,
    actor: Any,
    note: str = "",
    name: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """One step of a delivery, under its row lock: its status (unchanged for a step without an exchange code,
    such as a forward to a leader), a DeliveryEvent, an audit event in the receiving organization's chain and a
    domain event `delivery_<name or status>` on commit. `details` go to both the audit event and the event."""
    previous = delivery.status
    now = vn_now()
    delivery.status, delivery.status_at = status, now
    if note and status in (DeliveryStatus.REFUSED, DeliveryStatus.RECALL_REFUSED):
        delivery.note = note  # a refusal's reason, which the sender reads on the delivery itself
    if status == DeliveryStatus.ACCEPTED and previous == DeliveryStatus.ARRIVED:
        delivery.acknowledged_at, delivery.acknowledged_by = now, actor
    delivery.save(update_fields=["status", "status_at", "note", "acknowledged_at", "acknowledged_by"])
    DeliveryEvent.objects.create(delivery=delivery, status=status, at=now, actor=actor, note=note)
    document = delivery.document
    receiver = delivery.organization_id or document.organization_id
    name = name or status
    extra = details or {}
    record_event(
        organization_id=receiver,
        actor=actor,
        action=f"delivery.{name}",
        obj=delivery,
        from_state=previous,
        to_state=status,
        details={"document": document.pk, "code": document.code, "recipient": delivery.recipient.display_name}
        | ({"note": note} if note else {})
        | extra,
    )
    publish_on_commit(
        DocumentEvent(
            name=f"delivery_{name}",
            document_id=document.pk,
            organization_id=document.organization_id,
            actor_id=getattr(actor, "pk", None),
            from_state=previous,
            to_state=status,
            data={"delivery": delivery.pk, "recipient": delivery.recipient.display_name, "reason": note} | extra,
        )
    )


def _check_arrived(delivery: Delivery, actor: Any) -> None:
    if not may_receive(user=actor, delivery=delivery):
        raise PermissionDenied("Chỉ nơi nhận văn bản (văn thư của cơ quan nhận, người hoặc đơn vị được gửi) mới xử lý.")
    if delivery.status != DeliveryStatus.ARRIVED:
        raise InvalidTransition(
            f"Văn bản này đang ở trạng thái “{delivery.get_status_display()}”: không còn chờ tiếp nhận.",
            details={"status": delivery.status},
        )


@transaction.atomic
def arrival_accept(*, delivery: Delivery, actor: Any) -> IncomingDocument:
    """The receiving organization's clerk accepts (03): registered in its incoming register with the next
    number of the year (gapless, like outgoing numbers: the counter row is locked until commit)."""
    delivery = _lock_delivery(delivery)
    _check_arrived(delivery, actor)
    if delivery.kind != DeliveryKind.ORGANIZATION:
        raise InvalidTransition("Văn bản gửi cá nhân hoặc đơn vị được xác nhận đã nhận, không vào sổ văn bản đến.")
    _step(delivery, status=DeliveryStatus.ACCEPTED, actor=actor)
    document = delivery.document
    register = Register.INCOMING_SECRET if document.is_secret else Register.INCOMING
    year = vn_today().year
    number = allocate_number(organization_id=delivery.organization_id, register=register, year=year)
    return IncomingDocument.objects.create(
        organization_id=delivery.organization_id,
        delivery=delivery,
        register=register,
        year=year,
        number=number,
        received_at=delivery.sent_at,
        registered_at=vn_now(),
        registered_by=actor,
        sender_name=document.organization.name,
        sender_code=document.code,
        sender_date=document.issue_date,
    )


@transaction.atomic
def arrival_refuse(*, delivery: Delivery, actor: Any, reason: str) -> Delivery:
    """The addressee sends it back (02) — misaddressed, unreadable, not theirs — with a reason the sender reads."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Từ chối tiếp nhận phải ghi rõ lý do.", details={"field": "reason"})
    check_comment(value=reason, field="reason")
    delivery = _lock_delivery(delivery)
    _check_arrived(delivery, actor)
    _step(delivery, status=DeliveryStatus.REFUSED, actor=actor, note=reason)
    return delivery


@transaction.atomic
def delivery_acknowledge(*, delivery: Delivery, actor: Any) -> Delivery:
    """A person or a unit named directly confirms receipt in one click (03); an organization's clerk accepts
    instead (arrival_accept), which also registers it."""
    delivery = _lock_delivery(delivery)
    _check_arrived(delivery, actor)
    if delivery.kind == DeliveryKind.ORGANIZATION:
        raise InvalidTransition("Văn bản gửi cơ quan được văn thư tiếp nhận và vào sổ văn bản đến.")
    _step(delivery, status=DeliveryStatus.ACCEPTED, actor=actor)
    return delivery
