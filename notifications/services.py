"""Domain events → stored notifications → WebSocket push (channels) and e-mail.

`notify_for_event` is subscribed to documents.events in NotificationsConfig.ready. It runs after the
document's transaction committed; its own writes are one more small transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from documents.dates import VIETNAM
from documents.events import DocumentEvent
from documents.models import Delivery, Document, Urgency
from documents.selectors import readers_among
from notifications.models import EmailChoice, Notification
from notifications.preferences import choice_for, mailboxes
from organizations.models import Membership, Role

logger = logging.getLogger(__name__)

EMAIL_FOOTER = (
    "Thư tự động của hệ thống quản lý văn bản. Đổi cách nhận thư: Cài đặt thông báo (/settings/notifications/)."
)

MESSAGES = {
    "document_submitted": "{drafter} trình duyệt: {subject}",
    "document_unit_approved": "Trưởng đơn vị đã duyệt, chờ anh/chị duyệt: {subject}",
    "document_approved": "Văn bản chờ anh/chị ký: {subject}",
    "document_returned": "Văn bản bị trả lại để chỉnh sửa: {subject}. Ý kiến: {comment}",
    "document_signed": "Văn bản đã ký, chờ cấp số: {subject}",
    "document_registered": "Văn bản đã được cấp số {code}: {subject}",
    "document_issued": "Văn bản đến từ {issuer}: {code} — {subject}",
    "document_recalled": "Văn bản {code} đã bị thu hồi. Lý do: {reason}",
    "document_arrived": "Văn bản đến từ {issuer}: {code} — {subject}",
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
    # deadlines of human steps (workflow.reminders)
    "step_due_soon": "Sắp đến hạn {due}: {step} — {subject}",
    "step_overdue": "Đã quá hạn {due}: {step} — {subject}",
    "step_escalated": "Việc quá hạn {due}: {assignee} chưa xong bước “{step}” — {subject}",
}
# Reminders name their recipients themselves (the step's assignees, or their leaders).
STEP_EVENTS = ("step_due_soon", "step_overdue", "step_escalated")
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
        case "document_arrived":  # from outside: the clerks of the organization it reached
            people = _receivers([event.data["delivery"]])
        case name if name in SENDER_EVENTS:
            people = _clerks({document.organization_id}) | {document.drafter_id}
        case "deliveries_reminded":
            people = _receivers(list(event.data.get("deliveries", [])))
        case "delivery_forwarded":
            people = {event.data.get("leader")}
        case "delivery_assigned":
            people = _assignees(event.data)
        case name if name in STEP_EVENTS:
            people = set(event.data.get("recipients", []))
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


def _due(value: str | None) -> str:
    """ "17:00 ngày 15/03/2026" in Vietnam's time, from a reminder's ISO timestamp."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value).astimezone(VIETNAM)
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}"


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
        step=event.data.get("step_title", ""),
        due=_due(event.data.get("due_at")),
        assignee=event.data.get("assignee", ""),
    )[:500]
    people = sorted(recipients_of(event, document))
    if event.key:  # delivered again (the outbox delivers at least once): nobody is told twice
        told = Notification.objects.filter(source_event=event.key, recipient_id__in=people)
        already = set(told.values_list("recipient_id", flat=True))
        people = [user_id for user_id in people if user_id not in already]
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user_id, document=document, event=event.name, message=message, source_event=event.key
                )
                for user_id in people
            ]
        )
    transaction.on_commit(lambda: _deliver(notifications, document))
    return notifications


def _deliver(notifications: list[Notification], document: Document) -> None:
    # One push for all the recipients, on the process's push loop (notifications/push.py: why).
    from notifications.push import push_notifications

    try:
        push_notifications(notifications)
    except Exception:  # a channel-layer outage must not stop the e-mail; the pages catch up on reconnect
        logger.exception("Pushing notifications %s failed", [n.pk for n in notifications])
    _email(notifications, document)


def _email(notifications: list[Notification], document: Document) -> None:
    """E-mail at once to whoever chose it for this kind of notification (notifications.preferences: by default
    urgent documents, arrivals and overdue steps), through Django's e-mail backend; the daily digest takes the
    ones chosen for it later (notifications.digest). One query for everyone's address and choices."""
    urgent = document.urgency != Urgency.NORMAL
    boxes = mailboxes(n.recipient_id for n in notifications)
    outgoing = [
        (notification, boxes[notification.recipient_id])
        for notification in notifications
        if notification.recipient_id in boxes
        and choice_for(boxes[notification.recipient_id].choices, notification.event, urgent=urgent)
        == EmailChoice.IMMEDIATE
    ]
    if not outgoing:
        return
    prefix = f"[{document.get_urgency_display()}] " if urgent else ""
    connection = get_connection()
    for notification, mailbox in outgoing:
        try:
            EmailMessage(
                (prefix + " ".join(notification.message.split()))[:150],
                f"{notification.message}\n\n{EMAIL_FOOTER}",
                settings.DEFAULT_FROM_EMAIL,
                [mailbox.email],
                connection=connection,
            ).send()
        except OSError:  # a mail outage must not hide the stored notification
            logger.exception("E-mail for notification %s failed", notification.pk)


def mark_read(*, actor: Any, notification_ids: list[int]) -> int:
    """Marks the actor's own notifications read; others' ids are ignored."""
    return Notification.objects.filter(recipient=actor, pk__in=notification_ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
