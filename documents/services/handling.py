"""Handling on the receiving side: an accepted document goes to a leader, who assigns it; the person or unit in
charge starts and finishes it; and the answer to a recall (agree 15, refuse 16).

Every step has the shape of receipt (documents.services.delivery): the delivery row locked → permission →
state → the incoming record's fields → a DeliveryEvent (what the sender sees) → an audit event in the receiving
organization's chain → a domain event on commit (notifications). Only a registered document (an
organization's, in its incoming register) carries a duty to handle (RULES.md), so the handling fields live on
`IncomingDocument`; a person or a unit named directly stops at acknowledgement (03).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from documents.dates import vn_now, vn_today
from documents.errors import InvalidTransition, PermissionDenied, ValidationFailed
from documents.limits import check_comment
from documents.models import Delivery, DeliveryKind, DeliveryStatus, IncomingDocument
from documents.services.delivery import _lock_delivery, _step, may_receive
from organizations.models import Membership, Role, Unit
from organizations.selectors import has_role

LEADER_ROLES = (Role.HEAD, Role.DEPUTY)


def _incoming(delivery: Delivery) -> IncomingDocument:
    incoming = IncomingDocument.objects.filter(delivery_id=delivery.pk).first()
    if delivery.kind != DeliveryKind.ORGANIZATION or incoming is None:
        raise InvalidTransition("Chỉ văn bản đã vào sổ văn bản đến của cơ quan mới được giao xử lý.")
    return incoming


def _require_status(delivery: Delivery, *allowed: str, message: str) -> None:
    if delivery.status not in allowed:
        raise InvalidTransition(
            f"{message} Văn bản đang ở trạng thái “{delivery.get_status_display()}”.",
            details={"status": delivery.status},
        )


def _text(value: Any, *, field: str, required: str = "") -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationFailed(required, details={"field": field})
    check_comment(value=text, field=field)
    return text


def may_lead(*, user: Any, delivery: Delivery) -> bool:
    """Who assigns: a head or a deputy of the receiving organization."""
    return bool(
        getattr(user, "pk", None)
        and delivery.organization_id
        and has_role(user=user, organization_id=delivery.organization_id, roles=LEADER_ROLES)
    )


def may_handle(*, user: Any, incoming: IncomingDocument) -> bool:
    """Who starts and finishes: the person in charge, or an active member (not an auditor) of the unit in charge."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return False
    if incoming.assigned_person_id == user_id:
        return True
    return bool(
        incoming.assigned_unit_id
        and Membership.objects.filter(user_id=user_id, unit_id=incoming.assigned_unit_id, is_active=True)
        .exclude(role=Role.AUDITOR)
        .exists()
    )


@transaction.atomic
def incoming_forward(*, delivery: Delivery, actor: Any, leader: Any) -> IncomingDocument:
    """The receiving clerk presents an accepted document to a leader (head or deputy); it stays 03."""
    delivery = _lock_delivery(delivery)
    if delivery.kind != DeliveryKind.ORGANIZATION or not may_receive(user=actor, delivery=delivery):
        raise PermissionDenied("Chỉ văn thư của cơ quan nhận được chuyển văn bản đến lãnh đạo.")
    _require_status(delivery, DeliveryStatus.ACCEPTED, message="Chỉ chuyển lãnh đạo văn bản đã tiếp nhận.")
    incoming = _incoming(delivery)
    if leader is None or not getattr(leader, "is_active", False) or not may_lead(user=leader, delivery=delivery):
        raise ValidationFailed(
            "Người nhận phải là người đứng đầu hoặc cấp phó của cơ quan nhận.", details={"field": "leader"}
        )
    incoming.leader, incoming.forwarded_at = leader, vn_now()
    incoming.save(update_fields=["leader", "forwarded_at"])
    _step(
        delivery,
        status=DeliveryStatus.ACCEPTED,
        actor=actor,
        note=f"Đã trình lãnh đạo: {leader.display_name}",
        name="forwarded",
        details={"leader": leader.pk},
    )
    return incoming


@transaction.atomic
def incoming_assign(
    *,
    delivery: Delivery,
    actor: Any,
    unit: Unit | None = None,
    person: Any = None,
    supporting_units: Iterable[Unit] = (),
    directive: str = "",
    deadline: dt.date | None = None,
) -> IncomingDocument:
    """A leader assigns in one step (04): the unit or person in charge, supporting units, a directive (bút phê)
    and a deadline. Assigning again before the work started replaces the assignment."""
    directive = _text(directive, field="directive")
    delivery = _lock_delivery(delivery)
    if not may_lead(user=actor, delivery=delivery):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan nhận được phân công xử lý văn bản đến.")
    _require_status(
        delivery,
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.ASSIGNED,
        message="Chỉ phân công văn bản đã tiếp nhận, chưa bắt đầu xử lý.",
    )
    incoming = _incoming(delivery)
    organization_id = delivery.organization_id
    if unit is None and person is None:
        raise ValidationFailed("Phải chọn đơn vị hoặc người chủ trì xử lý.", details={"field": "unit"})
    if unit is not None and unit.organization_id != organization_id:
        raise ValidationFailed("Đơn vị chủ trì không thuộc cơ quan nhận.", details={"field": "unit"})
    if person is not None and not (
        getattr(person, "is_active", False)
        and Membership.objects.filter(user_id=person.pk, organization_id=organization_id, is_active=True).exists()
    ):
        raise ValidationFailed("Người chủ trì không thuộc cơ quan nhận.", details={"field": "person"})
    supporting = list({u.pk: u for u in supporting_units}.values())
    if any(u.organization_id != organization_id for u in supporting):
        raise ValidationFailed("Đơn vị phối hợp không thuộc cơ quan nhận.", details={"field": "supporting_units"})
    supporting = [u for u in supporting if unit is None or u.pk != unit.pk]
    if deadline is not None and deadline < vn_today():
        raise ValidationFailed("Hạn xử lý không được trước hôm nay.", details={"field": "deadline"})
    incoming.assigned_unit, incoming.assigned_person = unit, person
    incoming.directive, incoming.handling_deadline = directive, deadline
    incoming.assigned_at, incoming.assigned_by = vn_now(), actor
    incoming.save(
        update_fields=[
            "assigned_unit",
            "assigned_person",
            "directive",
            "handling_deadline",
            "assigned_at",
            "assigned_by",
        ]
    )
    incoming.supporting_units.set(supporting)
    in_charge = ", ".join(name for name in (unit and unit.name, person and person.display_name) if name)
    _step(
        delivery,
        status=DeliveryStatus.ASSIGNED,
        actor=actor,
        note=f"Chủ trì: {in_charge}" + (f"; hạn {deadline:%d/%m/%Y}" if deadline else ""),
        details={
            "unit": unit.pk if unit else None,
            "person": person.pk if person else None,
            "supporting_units": [u.pk for u in supporting],
            "deadline": deadline.isoformat() if deadline else None,
        },
    )
    return incoming


def _check_handler(delivery: Delivery, actor: Any) -> IncomingDocument:
    incoming = _incoming(delivery)
    if not may_handle(user=actor, incoming=incoming):
        raise PermissionDenied("Chỉ người hoặc đơn vị chủ trì được cập nhật tình hình xử lý.")
    return incoming


@transaction.atomic
def incoming_start(*, delivery: Delivery, actor: Any) -> IncomingDocument:
    """The person in charge (or a member of the unit in charge) starts handling (05)."""
    delivery = _lock_delivery(delivery)
    incoming = _check_handler(delivery, actor)
    _require_status(delivery, DeliveryStatus.ASSIGNED, message="Chỉ bắt đầu xử lý văn bản đã được phân công.")
    incoming.started_at, incoming.started_by = vn_now(), actor
    incoming.save(update_fields=["started_at", "started_by"])
    _step(delivery, status=DeliveryStatus.IN_PROGRESS, actor=actor)
    return incoming


@transaction.atomic
def incoming_finish(*, delivery: Delivery, actor: Any, result: str) -> IncomingDocument:
    """Done (06), with a short result the sender reads in the delivery's history."""
    result = _text(result, field="result", required="Phải ghi tóm tắt kết quả xử lý.")
    delivery = _lock_delivery(delivery)
    incoming = _check_handler(delivery, actor)
    _require_status(delivery, DeliveryStatus.IN_PROGRESS, message="Chỉ hoàn thành văn bản đang xử lý.")
    incoming.finished_at, incoming.result = vn_now(), result
    incoming.save(update_fields=["finished_at", "result"])
    _step(delivery, status=DeliveryStatus.DONE, actor=actor, note=result)
    return incoming


def _check_recall(delivery: Delivery, actor: Any) -> None:
    if not may_receive(user=actor, delivery=delivery):
        raise PermissionDenied("Chỉ nơi nhận văn bản (văn thư cơ quan nhận, người hoặc đơn vị được gửi) mới trả lời.")
    _require_status(delivery, DeliveryStatus.RECALL_REQUESTED, message="Bên gửi chưa đề nghị thu hồi văn bản này.")


@transaction.atomic
def recall_agree(*, delivery: Delivery, actor: Any) -> Delivery:
    """The addressee agrees to give it back (15): its copy leaves their lists and their reading
    (documents.selectors); the delivery, its history and the incoming number stay on record."""
    delivery = _lock_delivery(delivery)
    _check_recall(delivery, actor)
    _step(delivery, status=DeliveryStatus.RECALLED, actor=actor)
    return delivery


@transaction.atomic
def recall_refuse(*, delivery: Delivery, actor: Any, reason: str) -> Delivery:
    """The addressee keeps it (16), with a reason the sender reads."""
    reason = _text(reason, field="reason", required="Từ chối thu hồi phải ghi rõ lý do.")
    delivery = _lock_delivery(delivery)
    _check_recall(delivery, actor)
    _step(delivery, status=DeliveryStatus.RECALL_REFUSED, actor=actor, note=reason)
    return delivery
