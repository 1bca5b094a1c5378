"""Drafting: a new draft and its edits, each edit a new immutable version with its recipients."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation

from core.converters import MAX_ID
from documents import limits
from documents.errors import InvalidTransition, ValidationFailed
from documents.importer import purpose_of
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
from documents.services._common import (
    _check_named,
    _check_signature_form,
    _finish,
    _require,
    _save,
    _validate_choices,
)
from documents.versioning import content_hash, content_snapshot
from organizations.models import (
    ORGAN_CODE_PATTERN,
    Membership,
    Organization,
    RecipientGroup,
    Role,
    SignatureForm,
    Unit,
)
from organizations.selectors import has_role, membership_of

DRAFTING_ROLES = (Role.HEAD, Role.DEPUTY, Role.UNIT_LEAD, Role.STAFF, Role.CLERK)
EDITABLE_FIELDS = (
    "doc_type",
    "type_title",
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


DIRECTORY_FIELDS = ("organization", "unit", "person", "group")


def _id_of(value: Any, *, line: int) -> int | None:
    """An id, or the id of an instance; anything else is the caller's mistake, told in Vietnamese."""
    if value is None or value == "":
        return None
    value = getattr(value, "pk", value)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isascii():
        raise ValidationFailed("Mã nơi nhận không hợp lệ.", details={"field": "recipients", "line": line})
    if isinstance(value, str) and not value.isdigit():
        raise ValidationFailed("Mã nơi nhận không hợp lệ.", details={"field": "recipients", "line": line})
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValidationFailed("Mã nơi nhận không hợp lệ.", details={"field": "recipients", "line": line})
    return number


def _directory_of(organization_id: int, ids: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    """The names of the chosen entries that a drafter of `organization_id` may pick, by field; four queries
    at most whatever the number of lines. An id missing from the answer is not allowed."""
    found: dict[str, dict[int, str]] = {name: {} for name in DIRECTORY_FIELDS}
    if ids["organization"]:
        organizations = Organization.objects.filter(pk__in=ids["organization"], outside=False).exclude(
            pk=organization_id
        )
        found["organization"] = {o.pk: str(o) for o in organizations}
    if ids["unit"]:
        units = Unit.objects.filter(pk__in=ids["unit"], organization_id=organization_id)
        found["unit"] = dict(units.values_list("pk", "name"))
    if ids["person"]:
        members = Membership.objects.filter(
            organization_id=organization_id, is_active=True, user_id__in=ids["person"], user__is_active=True
        ).select_related("user")
        found["person"] = {m.user_id: m.user.display_name for m in members}
    if ids["group"]:
        groups = RecipientGroup.objects.filter(pk__in=ids["group"], organization_id=organization_id)
        found["group"] = dict(groups.values_list("pk", "name"))
    return found


NOT_IN_DIRECTORY = {
    "organization": "Cơ quan nhận không có trong danh bạ (hoặc là chính cơ quan ban hành).",
    "unit": "Đơn vị nhận không thuộc cơ quan ban hành.",
    "person": "Người nhận không phải cán bộ đang công tác tại cơ quan ban hành.",
    "group": "Nhóm nơi nhận không thuộc cơ quan ban hành.",
}


def _organ_code(value: Any, *, picked: bool, where: dict[str, Any]) -> str:
    """An outside line's OrganId for the exchange ("000.00.12.H41"); a line of the directory has none."""
    code = str(value or "").strip().upper()
    if not code:
        return ""
    if picked:
        raise ValidationFailed(
            f"Dòng {where['line']}: mã định danh điện tử chỉ ghi cho nơi nhận ngoài hệ thống.", details=where
        )
    if not re.fullmatch(ORGAN_CODE_PATTERN, code):
        raise ValidationFailed(
            f"Dòng {where['line']}: mã định danh “{code[:20]}” không đúng dạng 000.00.12.H41.", details=where
        )
    return code


def _purpose_text(value: Any, *, purpose: str, where: dict[str, Any]) -> str:
    """The purpose as written ("để b/c"): it must say the purpose chosen; the label itself is not stored."""
    text = " ".join(str(value or "").split()).strip("() ")
    if not text:
        return ""
    if len(text) > 40 or purpose_of(text) != purpose or not purpose:
        raise ValidationFailed(
            f"Dòng {where['line']}: mục đích ghi “{text[:40]}” không khớp với mục đích đã chọn.", details=where
        )
    with translation.override("vi"):  # the label as the legal document prints it
        label = str(Purpose(purpose).label)
    return "" if text == label else text


def _type_title(value: str, *, doc_type: DocumentType) -> str:
    """The type name as printed: it begins with the type's own name ("CHƯƠNG TRÌNH HÀNH ĐỘNG" for a Chương
    trình) and says more than it; the name alone is not stored (it is printed anyway)."""
    title = " ".join(value.split())
    if not title or title.upper() == doc_type.name.upper():
        return ""
    if doc_type.is_cong_van or not title.upper().startswith(doc_type.name.upper() + " "):
        raise ValidationFailed(
            f"Tên loại in trên văn bản phải bắt đầu bằng “{doc_type.name.upper()}”.", details={"field": "type_title"}
        )
    return title.upper()


def _write_recipients(document: Document, recipients: Sequence[Mapping[str, Any]], *, new: bool = False) -> None:
    """The "Nơi nhận" lines, checked against the directory in one place (docs/distribution.md, "Sending"):
    a unit, a person (an active member) or a named group of the issuing organization, another organization
    of the directory, or — none of them — an outside body, with an e-mail address where it is reached so and an
    organ code (OrganId) where the exchange reaches it.
    The printed name defaults to the directory's name and stays what the drafter wrote when given."""
    chosen: list[dict[str, int | None]] = []
    for position, line in enumerate(recipients, start=1):
        ids = {name: _id_of(line.get(name), line=position) for name in DIRECTORY_FIELDS}
        if sum(value is not None for value in ids.values()) > 1:
            raise ValidationFailed(
                "Mỗi dòng nơi nhận chỉ chọn một cơ quan, đơn vị, cá nhân hoặc nhóm.",
                details={"field": "recipients", "line": position},
            )
        chosen.append(ids)
    wanted = {name: {ids[name] for ids in chosen if ids[name] is not None} for name in DIRECTORY_FIELDS}
    directory = _directory_of(document.organization_id, wanted)  # type: ignore[arg-type]
    rows = []
    for position, (line, ids) in enumerate(zip(recipients, chosen, strict=True), start=1):
        where = {"field": "recipients", "line": position}
        picked = next(((name, value) for name, value in ids.items() if value is not None), None)
        if picked and picked[1] not in directory[picked[0]]:
            raise ValidationFailed(f"Dòng {position}: {NOT_IN_DIRECTORY[picked[0]]}", details=where)
        name = str(line.get("display_name", "") or "").strip() or (directory[picked[0]][picked[1]] if picked else "")
        purpose = line.get("purpose", "") or ""
        purpose_text = _purpose_text(line.get("purpose_text"), purpose=purpose, where=where)
        email = str(line.get("email", "") or "").strip()
        organ_code = _organ_code(line.get("organ_code"), picked=bool(picked), where=where)
        if not name:
            raise ValidationFailed("Mỗi dòng nơi nhận cần có tên.", details=where)
        if purpose not in Purpose.values:
            raise ValidationFailed(f"Mục đích “{purpose}” không hợp lệ.", details=where)
        if email:
            if picked:
                raise ValidationFailed(
                    f"Dòng {position}: thư điện tử chỉ ghi cho nơi nhận ngoài hệ thống.", details=where
                )
            try:
                validate_email(email)
            except DjangoValidationError as exc:
                raise ValidationFailed(
                    f"Dòng {position}: địa chỉ thư điện tử “{email[:80]}” không hợp lệ.", details=where
                ) from exc
        rows.append(
            Recipient(
                document=document,
                position=position,
                display_name=name[: limits.RECIPIENT_MAX],
                purpose=purpose,
                purpose_text=purpose_text,
                email=email,
                organ_code=organ_code,
                **{f"{field}_id": value for field, value in ids.items()},
            )
        )
    if not new:  # a document written a moment ago has no lines to replace
        document.recipients.all().delete()
    Recipient.objects.bulk_create(rows)


def _new_version(document: Document, *, actor: Any, new: bool = False) -> Version:
    snapshot = content_snapshot(document)
    last = 0 if new else document.versions.order_by("-number").values_list("number", flat=True).first() or 0
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
    type_title: str = "",
    source_code: str = "",
    source_date_line: str = "",
) -> Document:
    """A new draft with its first version. The actor becomes the drafter. `source_code` and `source_date_line`
    are what an imported text said of its own number and date: kept for the drafter, never this draft's."""
    _require(
        has_role(user=actor, organization_id=organization.pk, roles=DRAFTING_ROLES),
        "Chỉ cán bộ của cơ quan mới được soạn văn bản của cơ quan.",
    )
    texts = {
        "subject": subject,
        "body": body,
        "place_name": place_name,
        "filing_line": filing_line,
        "type_title": type_title,
        "source_code": source_code,
        "source_date_line": source_date_line,
    }
    check_draft(values={**texts, "legal_bases": legal_bases}, recipients=recipients)
    _validate_choices(
        {"subject": subject, "signature_form": signature_form, "confidentiality": confidentiality, "urgency": urgency}
    )
    if drafting_unit is None:
        membership = membership_of(user=actor, organization_id=organization.pk)
        drafting_unit = membership.unit if membership else None
    _check_units(organization, drafting_unit)
    _check_named(organization_id=organization.pk, drafter_id=actor.pk, reviewer=reviewer, signer=signer)
    _check_signature_form(organization=organization, signer=signer, form=signature_form, doc_type=doc_type)
    document = Document.objects.create(
        organization=organization,
        drafting_unit=drafting_unit,
        drafter=actor,
        doc_type=doc_type,
        type_title=_type_title(type_title, doc_type=doc_type),
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
        source_code=source_code.strip(),
        source_date_line=source_date_line.strip(),
    )
    _write_recipients(document, recipients, new=True)
    _new_version(document, actor=actor, new=True)
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
    if {"signer", "signature_form", "doc_type"} & set(changes):
        _check_signature_form(
            organization=document.organization,
            signer=changes.get("signer", document.signer),
            form=changes.get("signature_form", document.signature_form),
            doc_type=changes.get("doc_type", document.doc_type),
        )
    if "type_title" in changes:
        changes["type_title"] = _type_title(changes["type_title"], doc_type=changes.get("doc_type", document.doc_type))
    elif "doc_type" in changes and document.type_title:
        # another type: the printed name of the old one goes unless it still names the new one
        try:
            changes["type_title"] = _type_title(document.type_title, doc_type=changes["doc_type"])
        except ValidationFailed:
            changes["type_title"] = ""
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
