"""The receiving side's steps by name, for the pages and the API alike: which apply to a person now, and
running one (each is a documents.services function; this module decides nothing they do not check again)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from documents import services
from documents.errors import ValidationFailed
from documents.models import Delivery, DeliveryKind, DeliveryStatus
from organizations.models import Membership, Role, Unit, User

ACTIONS = (
    "accept",
    "refuse",
    "acknowledge",
    "forward",
    "assign",
    "start",
    "finish",
    "recall-agree",
    "recall-refuse",
)


def available(*, delivery: Delivery, user: Any) -> set[str]:
    """The steps this person may take on this delivery now (the forms shown); the services check them again."""
    status, is_org = delivery.status, delivery.kind == DeliveryKind.ORGANIZATION
    receiver = services.may_receive(user=user, delivery=delivery)
    incoming = getattr(delivery, "incoming", None) if is_org else None
    found: set[str] = set()
    if receiver and status == DeliveryStatus.ARRIVED:
        found |= {"accept", "refuse"} if is_org else {"acknowledge", "refuse"}
    if receiver and status == DeliveryStatus.RECALL_REQUESTED:
        found |= {"recall-agree", "recall-refuse"}
    if incoming is not None:
        if receiver and status == DeliveryStatus.ACCEPTED:
            found.add("forward")
        if status in (DeliveryStatus.ACCEPTED, DeliveryStatus.ASSIGNED) and services.may_lead(
            user=user, delivery=delivery
        ):
            found.add("assign")
        if services.may_handle(user=user, incoming=incoming):
            if status == DeliveryStatus.ASSIGNED:
                found.add("start")
            if status == DeliveryStatus.IN_PROGRESS:
                found.add("finish")
    return found


def leaders_of(delivery: Delivery) -> QuerySet[User]:
    """Who a clerk may pass it to: the receiving organization's head and deputies."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=delivery.organization_id,
            memberships__role__in=(Role.HEAD, Role.DEPUTY),
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def units_of(delivery: Delivery) -> QuerySet[Unit]:
    return Unit.objects.filter(organization_id=delivery.organization_id).order_by("name", "pk")


def people_of(delivery: Delivery) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Membership.objects.filter(organization_id=delivery.organization_id, is_active=True)
        .exclude(role=Role.AUDITOR)
        .values("user_id"),
        is_active=True,
    ).order_by("full_name", "pk")


def perform(
    *,
    delivery: Delivery,
    actor: Any,
    action: str,
    reason: str = "",
    leader: Any = None,
    unit: Unit | None = None,
    person: Any = None,
    supporting_units: list[Unit] | None = None,
    directive: str = "",
    deadline: dt.date | None = None,
    result: str = "",
) -> Delivery:
    steps: dict[str, Callable[[], Any]] = {
        "accept": lambda: services.arrival_accept(delivery=delivery, actor=actor),
        "refuse": lambda: services.arrival_refuse(delivery=delivery, actor=actor, reason=reason),
        "acknowledge": lambda: services.delivery_acknowledge(delivery=delivery, actor=actor),
        "forward": lambda: services.incoming_forward(delivery=delivery, actor=actor, leader=leader),
        "assign": lambda: services.incoming_assign(
            delivery=delivery,
            actor=actor,
            unit=unit,
            person=person,
            supporting_units=supporting_units or [],
            directive=directive,
            deadline=deadline,
        ),
        "start": lambda: services.incoming_start(delivery=delivery, actor=actor),
        "finish": lambda: services.incoming_finish(delivery=delivery, actor=actor, result=result),
        "recall-agree": lambda: services.recall_agree(delivery=delivery, actor=actor),
        "recall-refuse": lambda: services.recall_refuse(delivery=delivery, actor=actor, reason=reason),
    }
    if action not in steps:
        raise ValidationFailed("Thao tác không hợp lệ.", details={"field": "action"})
    steps[action]()
    delivery.refresh_from_db()
    return delivery
