"""Domain events → stored notifications → WebSocket push (channels) and e-mail.

`notify_for_event` is subscribed to documents.events in NotificationsConfig.ready. It runs after the
document's transaction committed; its own writes are one more small transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from documents.events import DocumentEvent
from documents.models import Delivery, Document, Urgency
from documents.selectors import readers_among
from notifications.models import Notification
from organizations.models import Membership, Role

logger = logging.getLogger(__name__)

MESSAGES = {
    "document_submitted": "{drafter} trình duyệt: {subject}",
    "document_unit_approved": "Trưởng đơn vị đã duyệt, chờ anh/chị duyệt: {subject}",
    "document_approved": "Văn bản chờ anh/chị ký: {subject}",
    "document_returned": "Văn bản bị trả lại để chỉnh sửa: {subject}. Ý kiến: {comment}",
    "document_signed": "Văn bản đã ký, chờ cấp số: {subject}",
    "document_registered": "Văn bản đã được cấp số {code}: {subject}",
    "document_issued": "Văn bản đến từ {issuer}: {code} — {subject}",
    "document_recalled": "Văn bản {code} đã bị thu hồi. Lý do: {reason}",
    "delivery_accepted": "{recipient} đã tiếp nhận văn bản {code}",
    "delivery_refused": "{recipient} từ chối tiếp nhận văn bản {code}. Lý do: {reason}",
    "deliveries_reminded": "{issuer} nhắc tiếp nhận văn bản {code}: {subject}",
    # the receiving side's handling (documents.services.handling)
    "delivery_forwarded": "Văn bản đến chờ anh/chị phân công: {code} — {subject}",
    "delivery_assigned": "Văn bản đến giao anh/chị xử lý{deadline}: {code} — {subject}",
    "delivery_in_progress": "{recipient} đang xử lý văn bản {code}",
    "delivery_done": "{recipient} đã xử lý xong văn bản {code}. Kết quả: {reason}",
    "delivery_recalled": "{recipient} đồng ý thu hồi văn bản {code}",
    "delivery_recall_refused": "{recipient} từ chối thu hồi văn bản {code}. Lý do: {reason}",
}
# Told to the sender (its clerks and the drafter): every answer a recipient sends back.
SENDER_EVENTS = (
    "delivery_accepted",
    "delivery_refused",
    "delivery_in_progress",
    "delivery_done",
    "delivery_recalled",
    "delivery_recall_refused",
)


def group_for(user_id: int) -> str:
    """The channel-layer group of one person's open tabs."""
    return f"user-{user_id}"


def _clerks(organization_ids: set[int]) -> set[int]:
    return set(
        Membership.objects.filter(organization_id__in=organization_ids, role=Role.CLERK, is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _addressees(document: Document) -> set[int]:
    """The people an issued document reached: clerks of recipient organizations, people named, unit members."""
    targets = list(
        Delivery.objects.filter(document_id=document.pk).values_list("organization_id", "unit_id", "person_id")
    )
    units = {unit for _, unit, _ in targets if unit}
    members = (
        set(Membership.objects.filter(unit_id__in=units, is_active=True).values_list("user_id", flat=True))
        if units
        else set()
    )
    return _clerks({org for org, _, _ in targets if org}) | {person for _, _, person in targets if person} | members


def _receivers(delivery_ids: list[int]) -> set[int]:
    """Who acts for these deliveries (documents.services.may_receive): the clerks of an organization, the
    person named, the members of a unit."""
    targets = list(Delivery.objects.filter(pk__in=delivery_ids).values_list("organization_id", "unit_id", "person_id"))
    units = {unit for _, unit, _ in targets if unit}
    members = (
        set(Membership.objects.filter(unit_id__in=units, is_active=True).values_list("user_id", flat=True))
        if units
        else set()
    )
    return _clerks({org for org, _, _ in targets if org}) | {person for _, _, person in targets if person} | members


def _assignees(data: dict[str, Any]) -> set[int]:
    """The person in charge and the members of the units in charge and supporting (auditors excepted)."""
    units = [data.get("unit"), *data.get("supporting_units", [])]
    members = Membership.objects.filter(unit_id__in=[u for u in units if u], is_active=True).exclude(role=Role.AUDITOR)
    return set(members.values_list("user_id", flat=True)) | {data.get("person")}


def recipients_of(event: DocumentEvent, document: Document) -> set[int]:
    """Who must know: the next person to act, or the people the document reached."""
    match event.name:
        case "document_submitted":
            people = {document.unit_reviewer_id or document.reviewer_id}  # the first level first
        case "document_unit_approved":
            people = {document.reviewer_id}
        case "document_approved":
            people = {document.signer_id}
        case "document_returned" | "document_registered":
            people = {document.drafter_id}
        case "document_signed":
            people = _clerks({document.organization_id}) | {document.drafter_id}
        case "document_issued" | "document_recalled":
            people = _addressees(document) | {document.drafter_id}
        case name if name in SENDER_EVENTS:
            people = _clerks({document.organization_id}) | {document.drafter_id}
        case "deliveries_reminded":
            people = _receivers(list(event.data.get("deliveries", [])))
        case "delivery_forwarded":
            people = {event.data.get("leader")}
        case "delivery_assigned":
            people = _assignees(event.data)
        case _:
            people = set()
    people.discard(None)
    people.discard(event.actor_id)  # nobody needs to be told what they just did
    return readers_among(document=document, user_ids=people)


def _deadline(value: str | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value)
    return f", hạn {day:%d/%m/%Y}"


def notify_for_event(event: DocumentEvent) -> list[Notification]:
    template = MESSAGES.get(event.name)
    if template is None:
        return []
    document = Document.objects.select_related("organization", "drafter").get(pk=event.document_id)
    message = template.format(
        drafter=document.drafter,
        subject=document.subject,
        code=document.code or "(chưa cấp số)",
        issuer=document.organization.name,
        comment=event.data.get("comment", ""),
        reason=event.data.get("reason", ""),
        recipient=event.data.get("recipient", ""),
        deadline=_deadline(event.data.get("deadline")),
    )[:500]
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(recipient_id=user_id, document=document, event=event.name, message=message)
                for user_id in sorted(recipients_of(event, document))
            ]
        )
    transaction.on_commit(lambda: _deliver(notifications, document))
    return notifications


def _deliver(notifications: list[Notification], document: Document) -> None:
    layer = get_channel_layer()
    for notification in notifications:
        if layer is not None:
            async_to_sync(layer.group_send)(
                group_for(notification.recipient_id), {"type": "notification.message", "id": notification.pk}
            )
    _email(notifications, document)


def _email(notifications: list[Notification], document: Document) -> None:
    """Urgent documents also go by e-mail to people who have an address."""
    if document.urgency == Urgency.NORMAL:
        return
    from organizations.models import User

    addresses = dict(
        User.objects.filter(pk__in=[n.recipient_id for n in notifications]).exclude(email="").values_list("pk", "email")
    )
    for notification in notifications:
        if notification.recipient_id in addresses:
            try:
                send_mail(
                    f"[{document.get_urgency_display()}] {notification.message[:120]}",
                    notification.message,
                    settings.DEFAULT_FROM_EMAIL,
                    [addresses[notification.recipient_id]],
                )
            except OSError:  # a mail outage must not hide the stored notification
                logger.exception("E-mail for notification %s failed", notification.pk)


def mark_read(*, actor: Any, notification_ids: list[int]) -> int:
    """Marks the actor's own notifications read; others' ids are ignored."""
    return Notification.objects.filter(recipient=actor, pk__in=notification_ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
