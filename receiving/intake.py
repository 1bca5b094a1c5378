"""Registering a document that arrives on paper or as a file (text, PDF, Word): read it, let the clerk complete
it, register it with the next incoming number. The upload page and `manage.py receive_document` both go through
here, so they read, check and register alike.

1. `read_upload(data, file_name)`: documents.extraction turns the file into text lines, documents.importer's
   `read_document` reads what the document says of itself and what it could not read; the sender is looked up in
   the organ directory (organizations.selectors.organ_for_name) for its code; a PDF's signatures are checked
   (signing.arrivals) now, outside any transaction — the check in the receiving transaction then finds the answer.
2. `ArrivalForm` (receiving.forms) holds the particulars, pre-filled; the clerk completes what is missing.
3. `register_arrival(...)`: one transaction — the sender (found or created, documents.services.outside
   .outside_sender), the document, its PDF, its signature check, the delivery and its acceptance with the next
   incoming number (outside_arrival_create(..., origin=RECEIVED, accept=True)). An error leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from documents.catalog import DOCUMENT_TYPES
from documents.errors import ValidationFailed
from documents.extraction import ExtractedText, extract_text
from documents.importer import PARTICULARS, PlanParseError, particulars_of, read_document
from documents.limits import text_problem
from documents.models import Confidentiality, Delivery, DocumentType, Origin, Urgency
from documents.services.outside import OutsideParticulars, outside_arrival_create, outside_sender
from organizations.models import Organization, Role
from organizations.selectors import organ_for_name
from signing.arrivals import ArrivalCheckResult, check_arrival_pdf, checked_in_advance

# Without these the incoming register has no row to write (Appendix IV: issuer, number and code, date, type and
# trích yếu) and nobody answers for the document (the signer).
REQUIRED = ("sender", "code", "issue_date", "doc_type", "subject", "signer_name")
# Even with --allow-incomplete / an incomplete form: the document and its register row cannot do without these.
ALWAYS_REQUIRED = ("sender", "doc_type", "subject")
BODY_MAX = 200_000
_NUMBER = re.compile(r"^\s*(?P<number>\d{1,7})\s*/")


@dataclass
class Intake:
    """A received file, read: the particulars for the form, what could not be read, and the signature check."""

    file_name: str
    kind: str
    sha256: str
    values: dict[str, Any]
    unread: list[str]
    notes: list[str] = field(default_factory=list)
    check: ArrivalCheckResult | None = None
    body: str = ""

    @property
    def unread_labels(self) -> list[str]:
        return [PARTICULARS[name] for name in self.unread]


def read_upload(data: bytes, *, file_name: str = "") -> Intake:
    """Read a received file; raises documents.extraction.UnreadableFile (400) for a file it cannot take."""
    extracted: ExtractedText = extract_text(data, file_name=file_name)
    try:
        reading = read_document(extracted.text)
    except PlanParseError as exc:  # only a NUL byte gets here: not a text at all
        raise ValidationFailed(str(exc), details={"field": "file"}) from exc
    plan = reading.plan
    values = particulars_of(plan)
    values["sender_organ_code"] = ""
    values["urgency"], values["confidentiality"] = plan.urgency, plan.confidentiality
    if values["sender"]:
        organ = organ_for_name(name=values["sender"], parent_line_name=values["sender_parent"])
        values["sender_organ_code"] = organ.code if organ is not None else ""
    notes = [*extracted.notes, *reading.notes]
    body = plan.body
    if len(body) > BODY_MAX:
        body = body[:BODY_MAX]
        notes.append("Nội dung dài quá: chỉ giữ 200.000 ký tự đầu (bản đầy đủ là tệp đã nhận).")
    check = check_arrival_pdf(data, file_name=file_name) if extracted.kind == "pdf" else None
    return Intake(
        file_name=file_name,
        kind=extracted.kind,
        sha256=hashlib.sha256(data).hexdigest(),
        values=values,
        unread=reading.unread,
        notes=notes,
        check=check,
        body=body,
    )


def receiving_organizations(user: Any) -> QuerySet[Organization]:
    """The hosted organizations whose incoming register this person keeps (their clerk)."""
    return Organization.objects.filter(
        outside=False,
        memberships__user_id=getattr(user, "pk", None),
        memberships__role=Role.CLERK,
        memberships__is_active=True,
    ).order_by("name", "pk")


def number_of(code: str) -> int | None:
    """The number in "45/KH-PGDĐT" (None for "/KH-PGDĐT", a draft's)."""
    match = _NUMBER.match(code or "")
    return int(match["number"]) if match else None


def missing(values: dict[str, Any], *, allow_incomplete: bool = False) -> list[str]:
    """The particulars still missing before registration: REQUIRED, or ALWAYS_REQUIRED when incomplete is allowed."""
    needed = ALWAYS_REQUIRED if allow_incomplete else REQUIRED
    gaps = [name for name in needed if not values.get(name)]
    if "code" in needed and values.get("code") and number_of(values["code"]) is None:
        gaps.append("code")
    return [name for name in PARTICULARS if name in gaps]


def document_type(code: str) -> DocumentType:
    for type_code, name, abbreviation in DOCUMENT_TYPES:
        if type_code == code:
            return DocumentType.objects.get_or_create(code=code, defaults={"name": name, "abbreviation": abbreviation})[
                0
            ]
    raise ValidationFailed("Tên loại văn bản không có trong danh mục.", details={"field": "doc_type"})


def possible_duplicates(*, receiver: Organization, code: str, issue_date: dt.date | None) -> QuerySet[Delivery]:
    """Arrivals of this organization with the same number and code and date (RULES: warn about duplicates)."""
    if not code or issue_date is None:
        return Delivery.objects.none()
    return (
        Delivery.objects.filter(organization=receiver, document__code=code.strip(), document__issue_date=issue_date)
        .select_related("document", "document__organization", "incoming")
        .order_by("pk")
    )


def _lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.splitlines()
    return tuple(" ".join(line.split()) for line in value or () if line and line.strip())


def register_arrival(
    *,
    receiver: Organization,
    clerk: Any,
    values: dict[str, Any],
    pdf: bytes | None = None,
    file_name: str = "",
    body: str = "",
    allow_incomplete: bool = False,
) -> Delivery:
    """Register a received document in `receiver`'s incoming register, in one transaction (the sender included:
    a refusal leaves no new outside body behind). `values` are the completed particulars (ArrivalForm's
    cleaned data, or the command's)."""
    gaps = missing(values, allow_incomplete=allow_incomplete)
    if gaps:
        labels = ", ".join(PARTICULARS[name] for name in gaps)
        raise ValidationFailed(f"Còn thiếu: {labels}.", details={"field": gaps[0], "missing": gaps})
    code = " ".join((values.get("code") or "").split())
    if problem := text_problem(body, max_length=BODY_MAX):
        raise ValidationFailed(f"Nội dung: {problem}", details={"field": "body"})
    particulars = OutsideParticulars(
        doc_type=document_type(values["doc_type"]),
        subject=" ".join(values["subject"].split()),
        code=code,
        number=number_of(code),
        issue_date=values.get("issue_date"),
        place_name=" ".join((values.get("place_name") or "").split()),
        signer_name=" ".join((values.get("signer_name") or "").split()),
        signer_title_lines=_lines(values.get("signer_title_lines")),
        recipient_lines=_lines(values.get("recipient_lines")),
        body=body,
        urgency=values.get("urgency") or Urgency.NORMAL,
        confidentiality=values.get("confidentiality") or Confidentiality.NORMAL,
    )
    if pdf is not None:
        checked_in_advance(pdf, file_name=file_name)  # verified now, not under the receiving transaction
    with transaction.atomic():
        sender = outside_sender(
            name=values["sender"],
            parent_line_name=values.get("sender_parent") or "",
            organ_code=values.get("sender_organ_code") or "",
            place_name=particulars.place_name,
        )
        return outside_arrival_create(
            receiver=receiver,
            sender=sender,
            particulars=particulars,
            origin=Origin.RECEIVED,
            pdf=pdf,
            actor=clerk,
            accept=True,
        )
