"""Documents from outside: a packet from another system, a letter on paper, a Word file, an e-mail.

Such a document did not go through the lifecycle here, so it arrives ISSUED: a `Document` with
`origin` EXCHANGE or RECEIVED, filed under its sender (`organization`, an `outside` body unless the sender
is hosted here), carrying the sender's number, code, date and signer as written, drafted by an inactive
system account. It reaches the receiving organization as a `Delivery` in the state ARRIVED — the same row an
internal sending makes — so the clerk accepts, refuses and hands it on in the same boxes, with the same
services (documents.services.delivery, .handling) and the same register. The visibility rule shows it to the
receiving side only, through that delivery (documents.selectors.visibility_filter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.services import record_event
from documents import blobs
from documents.dates import vn_now
from documents.errors import PermissionDenied, ValidationFailed
from documents.events import DocumentEvent, publish_on_commit
from documents.limits import lines_problem, text_problem
from documents.models import (
    ArtifactKind,
    Confidentiality,
    Delivery,
    DeliveryEvent,
    DeliveryKind,
    DeliveryStatus,
    Document,
    DocumentArtifact,
    DocumentType,
    Origin,
    Recipient,
    Register,
    Status,
    Urgency,
)
from documents.services.delivery import arrival_accept
from organizations.models import Organization, OrganizationKind, Role, User
from organizations.selectors import has_role

SYSTEM_USERNAME = "he-thong"
FROM_OUTSIDE = (Origin.EXCHANGE, Origin.RECEIVED)

# What must happen to every arrival's PDF in the transaction that receives it (the signature check). The
# signing app sits above documents, so it registers its check here (in its AppConfig.ready) rather than
# being imported.
ArrivalPdfCheck = Callable[[Delivery, bytes], None]
_arrival_pdf_checks: list[ArrivalPdfCheck] = []


def on_arrival_pdf(check: ArrivalPdfCheck) -> ArrivalPdfCheck:
    if check not in _arrival_pdf_checks:
        _arrival_pdf_checks.append(check)
    return check


@dataclass(frozen=True)
class OutsideParticulars:
    """What a document from outside says of itself, as read from the packet, the paper or the file."""

    doc_type: DocumentType
    subject: str
    code: str = ""  # số và ký hiệu as printed: "01/KH-PGDĐT"
    number: int | None = None
    issue_date: dt.date | None = None
    place_name: str = ""
    signer_name: str = ""
    signer_title_lines: tuple[str, ...] = ()  # all of them: "TM. …", "KT. …", "PHÓ …"
    recipient_lines: tuple[str, ...] = ()  # "Nơi nhận" as printed
    body: str = ""
    urgency: str = Urgency.NORMAL
    confidentiality: str = Confidentiality.NORMAL
    deadline: dt.date | None = None
    external_id: str = ""  # edXML DocumentId
    answers: Document | None = None  # edXML ResponseFor: the document of ours it answers


def system_account() -> User:
    """The drafter of record of documents from outside: an account nobody can sign in with."""
    user, _ = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"full_name": "Hệ thống (văn bản từ bên ngoài)", "is_active": False, "password": make_password(None)},
    )
    return user


def outside_sender(
    *, name: str, organ_code: str = "", parent_line_name: str = "", place_name: str = "", email: str = ""
) -> Organization:
    """The body a document from outside is filed under: the organization with that organ code (hosted here or
    not), else the one body with that name and parent line, else a new `outside` body."""
    name = " ".join((name or "").split())
    parent_line_name = " ".join((parent_line_name or "").split())
    if not name:
        raise ValidationFailed("Chưa có tên cơ quan gửi văn bản.", details={"field": "sender"})
    for field, value, limit in (("sender", name, 255), ("sender_parent", parent_line_name, 255)):
        if problem := text_problem(value, max_length=limit):
            raise ValidationFailed(f"Tên cơ quan gửi: {problem}", details={"field": field})
    if organ_code:
        found = Organization.objects.filter(organ_code=organ_code).first()
        if found is not None:
            return found
    else:
        named = list(Organization.objects.filter(name__iexact=name, parent_line_name__iexact=parent_line_name)[:2])
        if len(named) == 1:
            return named[0]
    sender = Organization(
        name=name,
        parent_line_name=parent_line_name,
        organ_code=organ_code,
        place_name=" ".join((place_name or "").split())[:100],
        email=email,
        kind=OrganizationKind.OTHER,
        abbreviation="",
        outside=True,
    )
    try:
        sender.full_clean(exclude=["abbreviation", "place_name"], validate_unique=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(f"Cơ quan gửi: {messages[0]}", details={"field": field}) from exc
    try:
        with transaction.atomic():
            sender.save()
    except IntegrityError:  # the same organ code written at the same moment by another arrival
        return Organization.objects.get(organ_code=organ_code)
    return sender


def _check(particulars: OutsideParticulars) -> None:
    texts = {
        "subject": (particulars.subject, 500),
        "code": (particulars.code, 60),
        "place_name": (particulars.place_name, 100),
        "signer_name": (particulars.signer_name, 150),
        "external_id": (particulars.external_id, 120),
        "body": (particulars.body, 200_000),
    }
    if not particulars.subject.strip():
        raise ValidationFailed("Chưa có trích yếu của văn bản đến.", details={"field": "subject"})
    for field, (value, limit) in texts.items():
        if problem := text_problem(value, max_length=limit):
            raise ValidationFailed(f"{field}: {problem}", details={"field": field})
    for field, lines in (
        ("signer_title_lines", particulars.signer_title_lines),
        ("recipients", particulars.recipient_lines),
    ):
        if problem := lines_problem(lines, max_lines=60, max_length=255):
            raise ValidationFailed(f"{field}: {problem}", details={"field": field})
    if particulars.urgency not in Urgency.values or particulars.confidentiality not in Confidentiality.values:
        raise ValidationFailed("Độ khẩn hoặc độ mật không hợp lệ.", details={"field": "urgency"})
    if particulars.number is not None and particulars.number < 1:
        raise ValidationFailed("Số văn bản phải là số dương.", details={"field": "number"})


def _document(sender: Organization, particulars: OutsideParticulars, origin: str, received_at: dt.datetime) -> Document:
    if particulars.external_id:
        found = Document.objects.filter(organization=sender, external_id=particulars.external_id).first()
        if found is not None:
            return found
    document = Document.objects.create(
        organization=sender,
        drafter=system_account(),
        doc_type=particulars.doc_type,
        subject=particulars.subject.strip(),
        body=particulars.body,
        place_name=particulars.place_name,
        number=particulars.number,
        number_year=particulars.issue_date.year if particulars.number and particulars.issue_date else None,
        code=particulars.code.strip(),
        issue_date=particulars.issue_date,
        signer_name=particulars.signer_name.strip(),
        signer_title_lines=list(particulars.signer_title_lines),
        confidentiality=particulars.confidentiality,
        register=Register.SECRET if particulars.confidentiality != Confidentiality.NORMAL else Register.REGULAR,
        urgency=particulars.urgency,
        deadline=particulars.deadline,
        answers=particulars.answers,
        origin=origin,
        external_id=particulars.external_id,
        status=Status.ISSUED,  # it was issued by its sender; nothing of the lifecycle happens here
        issued_at=received_at,
    )
    Recipient.objects.bulk_create(
        Recipient(document=document, position=position, display_name=line[:255])
        for position, line in enumerate(particulars.recipient_lines, start=1)
    )
    return document


def _recipient_line(document: Document, receiver: Organization) -> Recipient:
    """The line the delivery hangs on: the receiver, after the lines as printed."""
    found = document.recipients.filter(organization=receiver).first()
    if found is not None:
        return found
    last = document.recipients.order_by("-position").values_list("position", flat=True).first() or 0
    return Recipient.objects.create(
        document=document, position=last + 1, organization=receiver, display_name=str(receiver)
    )


@transaction.atomic
def outside_arrival_create(
    *,
    receiver: Organization,
    sender: Organization,
    particulars: OutsideParticulars,
    origin: str,
    pdf: bytes | None = None,
    actor: Any = None,
    accept: bool = False,
    received_at: dt.datetime | None = None,
) -> Delivery:
    """A document from outside arrives at `receiver`: one transaction for the document (or the one already
    there with the same sender and external id — a packet seen twice), its lines, its PDF, the delivery in
    ARRIVED, the audit event in the receiver's chain and "document_arrived" after commit. With `accept`, the
    actor (the receiver's clerk) registers it at once with the next incoming number."""
    if origin not in FROM_OUTSIDE:
        raise ValidationFailed("Nguồn văn bản đến không hợp lệ.", details={"field": "origin"})
    if receiver.outside:
        raise ValidationFailed(
            f"{receiver} không thuộc hệ thống: không nhận văn bản ở đây.", details={"field": "receiver"}
        )
    if sender.pk == receiver.pk:
        raise ValidationFailed("Cơ quan gửi trùng với cơ quan nhận.", details={"field": "sender"})
    if actor is not None and not has_role(user=actor, organization_id=receiver.pk, roles=(Role.CLERK,)):
        raise PermissionDenied("Chỉ văn thư của cơ quan nhận mới vào sổ văn bản đến.")
    if accept and actor is None:
        raise ValidationFailed("Cần văn thư vào sổ văn bản đến.", details={"field": "actor"})
    _check(particulars)
    received_at = received_at or vn_now()
    document = _document(sender, particulars, origin, received_at)
    if pdf is not None and not document.artifacts.filter(kind=ArtifactKind.ISSUED).exists():
        DocumentArtifact.objects.create(document=document, kind=ArtifactKind.ISSUED, sha256=blobs.put(pdf))
    target = f"o:{receiver.pk}"
    delivery = Delivery.objects.filter(document=document, target=target).first()
    if delivery is not None:  # seen before: nothing new arrives
        return delivery
    delivery = Delivery.objects.create(
        document=document,
        recipient=_recipient_line(document, receiver),
        kind=DeliveryKind.ORGANIZATION,
        target=target,
        organization=receiver,
        status=DeliveryStatus.ARRIVED,
        sent_at=received_at,
        status_at=received_at,
    )
    DeliveryEvent.objects.create(delivery=delivery, status=DeliveryStatus.ARRIVED, at=received_at, actor=actor)
    details = {"delivery": delivery.pk, "origin": origin, "sender": str(sender), "code": document.code}
    artifact = document.artifacts.filter(kind=ArtifactKind.ISSUED).first()
    if artifact is not None:
        for check in _arrival_pdf_checks:
            check(delivery, artifact.read())
    record_event(
        organization_id=receiver.pk,
        actor=actor,
        action="delivery.arrived_from_outside",
        obj=document,
        from_state="",
        to_state=DeliveryStatus.ARRIVED,
        details=details,
    )
    publish_on_commit(
        DocumentEvent(
            name="document_arrived",
            document_id=document.pk,
            organization_id=receiver.pk,
            actor_id=getattr(actor, "pk", None),
            from_state="",
            to_state=DeliveryStatus.ARRIVED,
            data=details,
        )
    )
    if accept:
        arrival_accept(delivery=delivery, actor=actor)
        delivery.refresh_from_db()
    return delivery
