"""Drafting: a new draft and its edits, each edit a new immutable version with its recipients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction

from documents.errors import InvalidTransition, ValidationFailed
from documents.limits import check_draft
from documents.locks import lock_document
from documents.models import (
    Confidentiality,
    Document,
    DocumentType,
    Purpose,
    Recipient,
    Register,
    Status,
    Urgency,
    Version,
)
from documents.services._common import _check_named, _finish, _require, _save, _validate_choices
from documents.versioning import content_hash, content_snapshot
from organizations.models import Organization, Role, SignatureForm, Unit
from organizations.selectors import has_role, membership_of

DRAFTING_ROLES = (Role.HEAD, Role.DEPUTY, Role.UNIT_LEAD, Role.STAFF, Role.CLERK)
EDITABLE_FIELDS = (
    "doc_type",
    "subject",
    "body",
    "legal_bases",
    "drafting_unit",
    "signer",
    "reviewer",
    "signature_form",
    "confidentiality",
    "urgency",
    "deadline",
    "place_name",
    "filing_line",
)


def _write_recipients(document: Document, recipients: Sequence[Mapping[str, Any]]) -> None:
    document.recipients.all().delete()
    rows = []
    for position, line in enumerate(recipients, start=1):
        name = str(line.get("display_name", "")).strip()
        purpose = line.get("purpose", "") or ""
        if not name:
            raise ValidationFailed("Mỗi dòng nơi nhận cần có tên.", details={"field": "recipients", "line": position})
        if purpose not in Purpose.values:
            raise ValidationFailed(f"Mục đích “{purpose}” không hợp lệ.", details={"field": "recipients"})
        rows.append(
            Recipient(
                document=document,
                position=position,
                display_name=name,
                purpose=purpose,
                organization=line.get("organization"),
                unit=line.get("unit"),
                person=line.get("person"),
                group=line.get("group"),
            )
        )
    Recipient.objects.bulk_create(rows)


def _new_version(document: Document, *, actor: Any) -> Version:
    snapshot = content_snapshot(document)
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = Version.objects.create(
        document=document, number=last + 1, content=snapshot, content_hash=content_hash(snapshot), created_by=actor
    )
    document.current_version = version
    return version


def _check_units(organization: Organization, drafting_unit: Unit | None) -> None:
    if drafting_unit is not None and drafting_unit.organization_id != organization.pk:
        raise ValidationFailed("Đơn vị soạn thảo không thuộc cơ quan ban hành.", details={"field": "drafting_unit"})


@transaction.atomic
def document_create(
    *,
    actor: Any,
    organization: Organization,
    doc_type: DocumentType,
    subject: str,
    body: str = "",
    legal_bases: Sequence[str] = (),
    drafting_unit: Unit | None = None,
    signer: Any = None,
    reviewer: Any = None,
    signature_form: str = SignatureForm.DIRECT,
    recipients: Sequence[Mapping[str, Any]] = (),
    confidentiality: str = Confidentiality.NORMAL,
    urgency: str = Urgency.NORMAL,
    deadline: date | None = None,
    place_name: str = "",
    filing_line: str = "",
) -> Document:
    """A new draft with its first version. The actor becomes the drafter."""
    _require(
        has_role(user=actor, organization_id=organization.pk, roles=DRAFTING_ROLES),
        "Chỉ cán bộ của cơ quan mới được soạn văn bản của cơ quan.",
    )
    texts = {"subject": subject, "body": body, "place_name": place_name, "filing_line": filing_line}
    check_draft(values={**texts, "legal_bases": legal_bases}, recipients=recipients)
    _validate_choices(
        {"subject": subject, "signature_form": signature_form, "confidentiality": confidentiality, "urgency": urgency}
    )
    if drafting_unit is None:
        membership = membership_of(user=actor, organization_id=organization.pk)
        drafting_unit = membership.unit if membership else None
    _check_units(organization, drafting_unit)
    _check_named(organization_id=organization.pk, drafter_id=actor.pk, reviewer=reviewer, signer=signer)
    document = Document.objects.create(
        organization=organization,
        drafting_unit=drafting_unit,
        drafter=actor,
        doc_type=doc_type,
        subject=subject.strip(),
        body=body,
        legal_bases=[line.strip() for line in legal_bases if line.strip()],
        signer=signer,
        reviewer=reviewer,
        signature_form=signature_form,
        confidentiality=confidentiality,
        register=Register.SECRET if confidentiality != Confidentiality.NORMAL else Register.REGULAR,
        urgency=urgency,
        deadline=deadline,
        place_name=place_name or organization.place_name,
        filing_line=filing_line or _default_filing_line(drafting_unit),
    )
    _write_recipients(document, recipients)
    _new_version(document, actor=actor)
    document.save(update_fields=["current_version"])
    return _finish(document, actor=actor, action="document.create", event="document_created", from_state="")


def _default_filing_line(unit: Unit | None) -> str:
    return f"VT, {unit.abbreviation}." if unit else "VT."


@transaction.atomic
def document_update_draft(
    *, document: Document, actor: Any, recipients: Sequence[Mapping[str, Any]] | None = None, **changes: Any
) -> Document:
    """Edit a draft: only its drafter, only while it is a draft. Each edit is a new immutable version."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Không được sửa các trường: {', '.join(sorted(unknown))}.")
    document = lock_document(document.pk)
    if document.status != Status.DRAFT:
        raise InvalidTransition(
            "Văn bản đã trình hoặc đã ký không được sửa nội dung.", details={"status": document.status}
        )
    _require(document.drafter_id == getattr(actor, "pk", None), "Chỉ người soạn thảo được sửa dự thảo.")
    check_draft(values=changes, recipients=recipients)
    _validate_choices(changes)
    _check_units(document.organization, changes.get("drafting_unit", document.drafting_unit))
    _check_named(
        organization_id=document.organization_id,
        drafter_id=document.drafter_id,
        reviewer=changes.get("reviewer"),
        signer=changes.get("signer"),
    )
    for name, value in changes.items():
        setattr(document, name, value.strip() if name == "subject" else value)
    if "confidentiality" in changes:
        document.register = Register.SECRET if document.is_secret else Register.REGULAR
    if recipients is not None:
        _write_recipients(document, recipients)
    version = _new_version(document, actor=actor)
    _save(document, [*changes, "register", "current_version"])
    return _finish(
        document,
        actor=actor,
        action="document.edit",
        event="document_edited",
        from_state=document.status,
        details={
            "fields": sorted(changes) + (["recipients"] if recipients is not None else []),
            "content_hash": version.content_hash,
        },
    )
