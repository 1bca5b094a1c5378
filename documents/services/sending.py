"""The sender's side after issue: the "Lưu:" copies, e-mail to outside bodies, reminders to accept.

- `write_filed_copies` (inside the issuing transaction): one FiledCopy per label of `Document.filing_line`.
- `schedule_outside_emails` (inside the issuing transaction): the outside lines with an e-mail address are sent
  the issued PDF *after commit* (`email_outside_bodies`); each sending is recorded on its delivery (`emailed`,
  or a failure note while it stays `queued`), never raised into the request that issued.
- `deliveries_remind`: the issuing side chases the addressees that have not accepted yet (01), at most once an
  hour per delivery.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q

from audit.services import record_event
from documents.dates import vn_now
from documents.errors import InvalidTransition, PermissionDenied
from documents.events import DocumentEvent, publish_on_commit
from documents.locks import lock_document
from documents.models import (
    ArtifactKind,
    Delivery,
    DeliveryEvent,
    DeliveryKind,
    DeliveryStatus,
    Document,
    DocumentArtifact,
    FiledCopy,
    Status,
)
from organizations.models import Role, Unit, User
from organizations.selectors import roles_in

logger = logging.getLogger(__name__)

OFFICE_COPY = "VT"  # văn thư: the clerk's office keeps the original
REMIND_INTERVAL = dt.timedelta(hours=1)
REMINDER_NOTE = "Bên gửi nhắc tiếp nhận văn bản."


# --- "Lưu:" copies --------------------------------------------------------------------------------


def filing_labels(filing_line: str) -> list[str]:
    """ "Lưu: VT, TH, T/Ph." → ["VT", "TH", "T/Ph"]; "CM -THCS" is "CM-THCS"; each label once."""
    line = re.sub(r"^\s*-?\s*Lưu\s*:?", "", filing_line or "", flags=re.IGNORECASE).strip().rstrip(".;").strip()
    labels: list[str] = []
    for part in re.split(r"[,;]", line):
        label = re.sub(r"\s*-\s*", "-", " ".join(part.split())).strip(" .")[:40]
        if label and label.casefold() not in {seen.casefold() for seen in labels}:
            labels.append(label)
    return labels


def write_filed_copies(*, document: Document, now: dt.datetime) -> list[FiledCopy]:
    """One filed copy per "Lưu:" label: VT is the clerk's office copy, a unit's abbreviation that unit's copy,
    anything else kept as printed. Two queries; a label is unique per document, so a retry adds nothing."""
    labels = filing_labels(document.filing_line)
    if not labels:
        return []
    units = {
        unit.abbreviation.casefold(): unit for unit in Unit.objects.filter(organization_id=document.organization_id)
    }
    FiledCopy.objects.bulk_create(
        [
            FiledCopy(
                document=document,
                position=position,
                label=label,
                unit=units.get(label.casefold()),
                is_office_copy=label.upper() == OFFICE_COPY,
                filed_at=now,
            )
            for position, label in enumerate(labels, start=1)
        ],
        ignore_conflicts=True,
    )
    return list(FiledCopy.objects.filter(document=document).select_related("unit"))


# --- e-mail to outside bodies ---------------------------------------------------------------------


def schedule_outside_emails(*, document: Document, actor: Any) -> int:
    """Inside the issuing transaction: the outside deliveries whose line has an e-mail address are sent the
    issued PDF once the issue commits (never while the document row is locked). Returns how many."""
    delivery_ids = list(
        Delivery.objects.filter(document=document, kind=DeliveryKind.EXTERNAL, status=DeliveryStatus.QUEUED)
        .exclude(recipient__email="")
        .filter(recipient__organ_code="")  # a line with an organ code goes by the exchange (exchange.services)
        .values_list("pk", flat=True)
    )
    if delivery_ids:
        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(
            lambda: email_outside_bodies(document_id=document.pk, delivery_ids=delivery_ids, actor_id=actor_id)
        )
    return len(delivery_ids)


def _issued_pdf(document_id: int) -> bytes | None:
    """The PDF recipients get: the issued one (numbered, sealed); the signer's one where no seal was applied."""
    artifacts = {
        a.kind: a
        for a in DocumentArtifact.objects.filter(
            document_id=document_id, kind__in=[ArtifactKind.ISSUED, ArtifactKind.SIGNED]
        )
    }
    artifact = artifacts.get(ArtifactKind.ISSUED) or artifacts.get(ArtifactKind.SIGNED)
    return artifact.read() if artifact is not None else None


def _message(document: Document, *, to: str, pdf: bytes) -> EmailMessage:
    organization = document.organization
    code = document.code or "(chưa cấp số)"
    date = document.issue_date.strftime("%d/%m/%Y") if document.issue_date else ""
    body = (
        f"{organization.name} gửi văn bản số {code} ngày {date}:\n{document.subject}\n\n"
        "Bản điện tử đính kèm đã được ký số. Đề nghị quý cơ quan kiểm tra chữ ký số trước khi sử dụng.\n"
    )
    message = EmailMessage(
        subject=f"[{organization.abbreviation}] {code}: {document.subject}"[:250],
        body=body,
        from_email=organization.email or settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach(f"{code.replace('/', '_')}.pdf", pdf, "application/pdf")
    return message


def email_outside_bodies(*, document_id: int, delivery_ids: list[int], actor_id: int | None) -> dict[int, str]:
    """After the issue committed: send each outside body its copy and record the result on its delivery.

    A failure (no PDF, a refused address, the mail server down) is recorded as a history step of the delivery,
    which stays `queued` for the exchange or another try; nothing is raised. Returns {delivery id: status}.
    """
    document = Document.objects.select_related("organization").get(pk=document_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    pdf = _issued_pdf(document_id)
    results: dict[int, str] = {}
    deliveries = Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.QUEUED).select_related("recipient")
    for delivery in deliveries:
        address = delivery.recipient.email
        try:
            if pdf is None:
                raise ValueError("văn bản chưa có bản PDF phát hành")
            _message(document, to=address, pdf=pdf).send()
        except Exception as exc:
            logger.exception("E-mail of delivery %s to %s failed", delivery.pk, address)
            results[delivery.pk] = _record_email(
                delivery.pk,
                sent=False,
                note=f"Gửi thư điện tử tới {address} không thành công: {exc}"[:1000],
                actor=actor,
            )
        else:
            results[delivery.pk] = _record_email(
                delivery.pk, sent=True, note=f"Đã gửi bản phát hành tới {address}.", actor=actor
            )
    return results


@transaction.atomic
def _record_email(delivery_id: int, *, sent: bool, note: str, actor: Any) -> str:
    delivery = (
        Delivery.objects.select_for_update(of=("self",)).select_related("document", "recipient").get(pk=delivery_id)
    )
    if delivery.status != DeliveryStatus.QUEUED:  # someone else recorded it meanwhile
        return delivery.status
    now = vn_now()
    if sent:
        delivery.status, delivery.status_at = DeliveryStatus.EMAILED, now
        delivery.save(update_fields=["status", "status_at"])
    DeliveryEvent.objects.create(delivery=delivery, status=delivery.status, at=now, actor=actor, note=note)
    document = delivery.document
    record_event(
        organization_id=document.organization_id,
        actor=actor,
        action="delivery.emailed" if sent else "delivery.email_failed",
        obj=delivery,
        from_state=DeliveryStatus.QUEUED,
        to_state=delivery.status,
        details={
            "document": document.pk,
            "code": document.code,
            "recipient": delivery.recipient.display_name,
            "email": delivery.recipient.email,
        }
        | ({} if sent else {"note": note}),
    )
    return delivery.status


# --- reminders ------------------------------------------------------------------------------------

REMINDER_ROLES = (Role.CLERK, Role.HEAD, Role.DEPUTY)


def may_remind(*, user: Any, document: Document) -> bool:
    """The issuing organization's clerk, its leaders, or the drafter."""
    if getattr(user, "pk", None) is None:
        return False
    if document.drafter_id == user.pk:
        return True
    return bool(roles_in(user=user, organization_id=document.organization_id) & set(REMINDER_ROLES))


@transaction.atomic
def deliveries_remind(*, document: Document, actor: Any) -> list[int]:
    """Remind every addressee that has not accepted yet (01): a history step on each delivery, an audit event,
    and `deliveries_reminded` on commit (notifications tell the receivers). Each delivery is reminded at most
    once an hour; when none is due the request is refused with the time to wait. Returns the deliveries reminded.
    """
    document = lock_document(document.pk)
    if not may_remind(user=actor, document=document):
        raise PermissionDenied("Chỉ văn thư, lãnh đạo cơ quan ban hành hoặc người soạn thảo mới được nhắc.")
    if document.status not in (Status.ISSUED, Status.ARCHIVED):
        raise InvalidTransition("Văn bản chưa phát hành hoặc đã thu hồi: không có gì để nhắc.")
    now = vn_now()
    waiting = Delivery.objects.filter(document=document, status=DeliveryStatus.ARRIVED)
    due = list(
        waiting.filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_INTERVAL))
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    if not due:
        last = waiting.order_by("-reminded_at").values_list("reminded_at", flat=True).first()
        if last is None:
            raise InvalidTransition("Mọi nơi nhận đã tiếp nhận hoặc từ chối: không còn nơi nào cần nhắc.")
        again = (last + REMIND_INTERVAL).astimezone(now.tzinfo).strftime("%H:%M")
        raise InvalidTransition(
            f"Các nơi chưa tiếp nhận vừa được nhắc; mỗi nơi chỉ nhắc một lần mỗi giờ, xin nhắc lại sau {again}.",
            details={"retry_after": again},
        )
    Delivery.objects.filter(pk__in=due).update(reminded_at=now)
    actor_id = getattr(actor, "pk", None)
    DeliveryEvent.objects.bulk_create(
        [
            DeliveryEvent(delivery_id=pk, status=DeliveryStatus.ARRIVED, at=now, actor_id=actor_id, note=REMINDER_NOTE)
            for pk in due
        ]
    )
    details = {"deliveries": due, "count": len(due), "code": document.code}
    record_event(
        organization_id=document.organization_id,
        actor=actor,
        action="document.remind",
        obj=document,
        from_state=document.status,
        to_state=document.status,
        details=details,
    )
    publish_on_commit(
        DocumentEvent(
            name="deliveries_reminded",
            document_id=document.pk,
            organization_id=document.organization_id,
            actor_id=actor_id,
            from_state=document.status,
            to_state=document.status,
            data=details,
        )
    )
    return due
