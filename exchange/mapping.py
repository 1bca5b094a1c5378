"""Fields of a document ↔ fields of an edXML packet (the table is in docs/exchange.md, "Mapping").

Outgoing: an issued document and one of its outside deliveries → a `DocumentPacket` (new, recall, update,
replace); a delivery of a document we received → a `StatusPacket` back to its sender. Incoming: a
`DocumentPacket` → `OutsideParticulars` for `documents.services.outside.outside_arrival_create`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.conf import settings

from documents.models import (
    ArtifactKind,
    Delivery,
    Document,
    DocumentArtifact,
    DocumentType,
    Origin,
    ReplacementKind,
    Urgency,
)
from documents.services.outside import OutsideParticulars
from exchange.edxml import (
    NEW,
    RECALL,
    REPLACE,
    UPDATE,
    Attachment,
    Business,
    DocumentPacket,
    Organ,
    Replacement,
    ResponseFor,
    StaffInfo,
    StatusPacket,
    TraceHeader,
    document_id,
)
from exchange.parsing import PacketRefused, parse_date
from organizations.authority import lines_of_signer_info, signer_info
from organizations.models import Organization

# OtherInfo/Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc (4, hỏa tốc hẹn giờ, is read as hỏa tốc).
PRIORITY_OF_URGENCY = {Urgency.NORMAL: 0, Urgency.KHAN: 1, Urgency.THUONG_KHAN: 2, Urgency.HOA_TOC: 3}
URGENCY_OF_PRIORITY = {value: key for key, value in PRIORITY_OF_URGENCY.items()} | {4: Urgency.HOA_TOC}
# DocumentType/Type: 1 administrative document (văn bản hành chính); TypeDetail's list is not settled (RULES.md),
# so it comes from EXCHANGE_TYPE_DETAILS ({"ke_hoach": 3, …}), 0 where not configured; TypeName is what matters.
ADMINISTRATIVE = 1


def organ_of(organization: Organization) -> Organ:
    return Organ(
        organ_id=organization.organ_code,
        name=organization.name,
        in_charge=organization.parent_line_name,
        email=organization.email,
    )


def split_document_id(value: str) -> tuple[str, dt.date | None, str] | None:
    """ "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT" → (organ, date, code); None when it is not of that form."""
    parts = [part.strip() for part in (value or "").split(",", 2)]
    if len(parts) != 3 or not all(parts):
        return None
    try:
        return parts[0], parse_date(parts[1], field="DocumentId"), parts[2]
    except Exception:  # a malformed date: not a DocumentId we can follow
        return None


def our_document_id(document: Document) -> str:
    """The DocumentId of a document: its own for one that came through the exchange, else computed."""
    if document.external_id:
        return document.external_id
    return document_id(document.organization.organ_code, document.issue_date, document.code)


def _issued_pdf(document: Document) -> bytes | None:
    artifacts = {
        a.kind: a
        for a in DocumentArtifact.objects.filter(document=document, kind__in=[ArtifactKind.ISSUED, ArtifactKind.SIGNED])
    }
    artifact = artifacts.get(ArtifactKind.ISSUED) or artifacts.get(ArtifactKind.SIGNED)
    return artifact.read() if artifact is not None else None


def _page_count(pdf: bytes) -> int:
    """OtherInfo/PageAmount, read with pyHanko's parser; 0 when the PDF cannot be read."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])
    except Exception:
        return 0


def _signer_fields(document: Document) -> tuple[str, str, str]:
    """(Competence, Position, FullName) from the frozen title lines (organizations.authority.signer_info):
    "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH" and "PHÓ CHỦ TỊCH"; the head signing directly has one line, which is both."""
    name = document.signer_name or (document.signer.display_name if document.signer_id else "")
    competence, position = signer_info(document.signer_title_lines)
    return competence, position, name


def signer_lines(competence: str, position: str) -> tuple[str, ...]:
    """The title lines back from Competence and Position ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH" is two lines)."""
    return lines_of_signer_info(competence, position)


def _business(document: Document, delivery: Delivery, *, recall_reason: str | None) -> Business:
    staff = StaffInfo(
        department=document.drafting_unit.name if document.drafting_unit_id else "",
        staff=document.drafter.display_name,
        email=document.drafter.email,
    )
    if recall_reason is not None:
        return Business(doc_type=RECALL, reason=recall_reason, staff=staff)
    replaced = document.replaces
    if replaced is None:
        return Business(doc_type=NEW, staff=staff)
    to_organ = delivery.recipient.organ_code
    replacement = Replacement(document_id=our_document_id(replaced), organ_ids=(to_organ,))
    if document.replacement_kind == ReplacementKind.CORRECTION:
        return Business(
            doc_type=UPDATE,
            reason="Đính chính văn bản",
            staff=staff,
            document_info=1,
            receivers=((to_organ, 1),),
            replacements=(replacement,),
        )
    return Business(doc_type=REPLACE, reason="Thay thế văn bản", staff=staff, replacements=(replacement,))


def _answers(document: Document) -> tuple[ResponseFor, ...]:
    answered = document.answers
    if answered is None or not answered.organization.organ_code:
        return ()
    return (
        ResponseFor(
            organ_id=answered.organization.organ_code,
            code=answered.code,
            promulgation_date=answered.issue_date,
            document_id=our_document_id(answered),
        ),
    )


def document_packet(
    *, delivery: Delivery, occurred_at: dt.datetime, recall_reason: str | None = None
) -> DocumentPacket:
    """The packet carrying `delivery.document` to the outside body of `delivery` (its line's organ code): the
    document itself (new, or update / replace of the one it corrects), or its recall without the file."""
    document = delivery.document
    organization = document.organization
    number, _slash, notation = document.code.partition("/")
    line = delivery.recipient
    pdf = _issued_pdf(document) if recall_reason is None else None
    attachments = ()
    if pdf is not None:
        name = re.sub(r"[^\w.-]+", "_", document.code or "van-ban") + ".pdf"
        attachments = (Attachment(content_id="1", name=name, content_type="application/pdf", data=pdf),)
    competence, position, full_name = _signer_fields(document)
    type_details: dict[str, int] = getattr(settings, "EXCHANGE_TYPE_DETAILS", {})
    return DocumentPacket(
        sender=organ_of(organization),
        receivers=(Organ(organ_id=line.organ_code, name=line.display_name, email=line.email),),
        document_id=our_document_id(document),
        code_number=number if notation else "",
        code_notation=notation or number,
        place=document.place_name,
        promulgation_date=document.issue_date,
        doc_type=ADMINISTRATIVE,
        type_detail=type_details.get(document.doc_type.code, 0),
        type_name=document.doc_type.name,
        subject=document.subject,
        content=document.body,
        signer_competence=competence,
        signer_position=position,
        signer_full_name=full_name,
        due_date=document.deadline,
        to_places=tuple(recipient.printed_line for recipient in document.recipients.order_by("position")),
        priority=PRIORITY_OF_URGENCY.get(document.urgency, 0),
        typer_notation=document.drafting_unit.abbreviation if document.drafting_unit_id else "",
        promulgation_amount=document.deliveries.count() + document.filed_copies.count(),
        page_amount=_page_count(pdf) if pdf else 0,
        response_for=_answers(document),
        trace=(TraceHeader(organ_id=organization.organ_code, timestamp=occurred_at),),
        business=_business(document, delivery, recall_reason=recall_reason),
        attachments=attachments,
    )


def status_packet(
    *, delivery: Delivery, code: str, occurred_at: dt.datetime, description: str = "", staff: str = ""
) -> StatusPacket:
    """The answer of the receiving organization of `delivery` (a document we received) to its outside sender."""
    document = delivery.document
    receiver = delivery.organization
    return StatusPacket(
        sender=organ_of(receiver),
        response_for=ResponseFor(
            organ_id=document.organization.organ_code,
            code=document.code,
            promulgation_date=document.issue_date,
            document_id=our_document_id(document),
        ),
        status_code=code,
        timestamp=occurred_at,
        description=description,
        staff=StaffInfo(department=receiver.name, staff=staff, email=receiver.email),
    )


# --- incoming ---------------------------------------------------------------------------------------------------


def document_type_for(packet: DocumentPacket) -> DocumentType:
    """By TypeName ("Kế hoạch"), else by the abbreviation of the code ("KH-PGDĐT" → KH), else Công văn."""
    types = list(DocumentType.objects.all())
    name = packet.type_name.casefold()
    by_name = next((t for t in types if t.name.casefold() == name), None) if name else None
    if by_name is not None:
        return by_name
    abbreviation = packet.code_notation.split("-", 1)[0] if "-" in packet.code_notation else ""
    by_abbreviation = next((t for t in types if abbreviation and t.abbreviation == abbreviation), None)
    if by_abbreviation is not None:
        return by_abbreviation
    fallback = next((t for t in types if t.code == "cong_van"), None)
    if fallback is None:
        raise PacketRefused("invalid", f"Không xác định được loại văn bản “{packet.type_name[:60]}”.")
    return fallback


def answered_document(packet: DocumentPacket) -> Document | None:
    """The document of ours a packet answers (ResponseFor): issued here with that organ code, date and code, or
    one we received with that DocumentId."""
    for answer in packet.response_for:
        found = document_by_id(answer.document_id)
        if found is not None:
            return found
    return None


def document_by_id(value: str, *, origin: str = Origin.INTERNAL) -> Document | None:
    """An issued document of one of our organizations, by its DocumentId."""
    parts = split_document_id(value)
    if parts is None:
        return None
    organ, date, code = parts
    return (
        Document.objects.filter(
            origin=origin, organization__organ_code=organ, organization__outside=False, issue_date=date, code=code
        )
        .select_related("organization")
        .first()
    )


def particulars_for(packet: DocumentPacket) -> OutsideParticulars:
    number = packet.code_number.strip()
    return OutsideParticulars(
        doc_type=document_type_for(packet),
        subject=packet.subject[:500],
        code=packet.code[:60],
        number=int(number) if number.isdigit() and int(number) > 0 else None,
        issue_date=packet.promulgation_date,
        place_name=packet.place[:100],
        signer_name=packet.signer_full_name[:150],
        signer_title_lines=signer_lines(packet.signer_competence, packet.signer_position),
        recipient_lines=tuple(place[:255] for place in packet.to_places),
        body=packet.content,
        urgency=URGENCY_OF_PRIORITY.get(packet.priority, Urgency.NORMAL),
        deadline=packet.due_date,
        external_id=packet.document_id[:120],
        answers=answered_document(packet),
    )


def sender_fields(packet: DocumentPacket | StatusPacket) -> dict[str, Any]:
    """What `outside_sender` needs of the packet's From."""
    sender = packet.sender
    return {
        "organ_code": sender.organ_id,
        "name": sender.name or sender.organ_id,
        "parent_line_name": sender.in_charge,
        "place_name": getattr(packet, "place", ""),
        "email": sender.email if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", sender.email or "") else "",
    }
