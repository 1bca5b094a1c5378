"""Delivery: a recipient acknowledges receipt of an issued document (edXML status 03)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import record_event
from documents.dates import vn_now
from documents.errors import InvalidTransition
from documents.events import DocumentEvent, publish_on_commit
from documents.models import Delivery, DeliveryStatus
from documents.services._common import _require
from organizations.models import Role
from organizations.selectors import has_role


@transaction.atomic
def delivery_acknowledge(*, delivery: Delivery, actor: Any) -> Delivery:
    """A recipient confirms receipt (edXML status 03)."""
    delivery = Delivery.objects.select_for_update().select_related("recipient", "document").get(pk=delivery.pk)
    recipient = delivery.recipient
    allowed = (recipient.person_id is not None and recipient.person_id == getattr(actor, "pk", None)) or (
        recipient.organization_id is not None
        and has_role(user=actor, organization_id=recipient.organization_id, roles=(Role.CLERK, Role.HEAD))
    )
    _require(allowed, "Chỉ nơi nhận văn bản mới được xác nhận đã nhận.")
    if delivery.status != DeliveryStatus.SENT:
        raise InvalidTransition("Văn bản này đã được xác nhận hoặc đã bị thu hồi.")
    delivery.status = DeliveryStatus.ACKNOWLEDGED
    delivery.acknowledged_at = vn_now()
    delivery.acknowledged_by = actor
    delivery.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    record_event(
        organization_id=delivery.document.organization_id,
        actor=actor,
        action="delivery.acknowledge",
        obj=delivery,
        details={"document": delivery.document_id, "recipient": recipient.display_name},
    )
    publish_on_commit(
        DocumentEvent(
            name="delivery_acknowledged",
            document_id=delivery.document_id,
            organization_id=delivery.document.organization_id,
            actor_id=actor.pk,
            from_state=DeliveryStatus.SENT,
            to_state=DeliveryStatus.ACKNOWLEDGED,
            data={"delivery": delivery.pk},
        )
    )
    return delivery
