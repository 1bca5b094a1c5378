"""The only code that changes a document. One function per use case, each in one transaction:

check permission → FSM transition → side data (version hash, number) → audit event → domain event on commit.

Every function takes the acting user as `actor`, locks the document row (documents.locks) and works on
the locked, fresh row, so a stale instance passed in can never win a race.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from audit.services import record_event
from documents.dates import vn_now, vn_today
from documents.errors import ConcurrentUpdate, InvalidTransition, PermissionDenied, ValidationFailed
from documents.events import DocumentEvent, publish_on_commit
from documents.limits import check_draft
from documents.locks import lock_document
from documents.models import (
    ArtifactKind,
    Confidentiality,
    Delivery,
    DeliveryStatus,
    Document,
    DocumentArtifact,
    DocumentType,
    Dossier,
    Purpose,
    Recipient,
    Register,
    Status,
    Urgency,
    Version,
)
from documents.numbering import allocate_number, format_code
from documents.permissions import end_grants, may_cancel, may_recall
from documents.versioning import content_hash, content_snapshot
from organizations.models import Organization, Role, SignatureForm, Unit
from organizations.selectors import (
    default_reviewer,
    has_role,
    may_be_signer,
    may_review,
    may_sign_with,
    membership_of,
    roles_in,
    signer_title_lines,
)

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


# --- helpers -------------------------------------------------------------------------------------


def _transition(document: Document, method: str) -> str:
    """Run one FSM transition; returns the state it left. Refusals become 409s with a clear message."""
    from_state = document.status
    try:
        getattr(document, method)()
    except TransitionNotAllowed as exc:
        raise InvalidTransition(
            f"Không thể thực hiện thao tác khi văn bản đang ở trạng thái “{document.get_status_display()}”.",
            details={"status": from_state, "action": method},
        ) from exc
    return from_state


def _save(document: Document, fields: Iterable[str]) -> None:
    try:
        document.save(update_fields=[*fields, "status", "updated_at"])
    except ConcurrentTransition as exc:
        raise ConcurrentUpdate() from exc


def _finish(
    document: Document, *, actor: Any, action: str, event: str, from_state: str, details: dict[str, Any] | None = None
) -> Document:
    """Audit event in this transaction, domain event after it commits."""
    record_event(
        organization_id=document.organization_id,
        actor=actor,
        action=action,
        obj=document,
        from_state=from_state,
        to_state=document.status,
        details={"version": document.current_version.number if document.current_version else None, **(details or {})},
    )
    publish_on_commit(
        DocumentEvent(
            name=event,
            document_id=document.pk,
            organization_id=document.organization_id,
            actor_id=getattr(actor, "pk", None),
            from_state=from_state,
            to_state=document.status,
            data=details or {},
        )
    )
    return document


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _validate_choices(values: Mapping[str, Any]) -> None:
    checks = {
        "signature_form": SignatureForm.values,
        "confidentiality": Confidentiality.values,
        "urgency": Urgency.values,
    }
    for name, allowed in checks.items():
        if name in values and values[name] not in allowed:
            raise ValidationFailed(f"Giá trị “{values[name]}” không hợp lệ cho trường {name}.", details={"field": name})
    subject = values.get("subject")
    if subject is not None and not str(subject).strip():
        raise ValidationFailed("Trích yếu không được để trống.", details={"field": "subject"})
    if subject is not None and len(str(subject)) > 500:
        raise ValidationFailed("Trích yếu dài quá 500 ký tự.", details={"field": "subject"})


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


def _check_named(*, organization_id: int, drafter_id: int, reviewer: Any = None, signer: Any = None) -> None:
    """Reviewer and signer are active leaders (or delegates, for the signer) of the issuing organization,
    never the drafter, never a system account (organizations.selectors)."""
    if reviewer is not None and not may_review(user=reviewer, organization_id=organization_id, drafter_id=drafter_id):
        raise ValidationFailed(
            "Người duyệt phải là lãnh đạo (cấp trưởng, cấp phó) đang công tác tại cơ quan ban hành, khác người soạn.",
            details={"field": "reviewer"},
        )
    if signer is not None and not may_be_signer(user=signer, organization_id=organization_id, drafter_id=drafter_id):
        raise ValidationFailed(
            "Người ký phải là lãnh đạo hoặc người được giao ký của cơ quan ban hành, khác người soạn.",
            details={"field": "signer"},
        )


# --- drafting ------------------------------------------------------------------------------------


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


# --- lifecycle -----------------------------------------------------------------------------------


@transaction.atomic
def document_submit(*, document: Document, actor: Any, reviewer: Any = None) -> Document:
    """Drafter sends the draft for review. Needs content, type, signer and at least one recipient."""
    document = lock_document(document.pk)
    _require(document.drafter_id == getattr(actor, "pk", None), "Chỉ người soạn thảo được trình văn bản.")
    missing = []
    if not document.body.strip():
        missing.append("nội dung")
    if not document.signer_id:
        missing.append("người ký")
    if not document.recipients.exists():
        missing.append("nơi nhận")
    if missing and document.status == Status.DRAFT:
        raise ValidationFailed(f"Chưa thể trình: thiếu {', '.join(missing)}.", details={"missing": missing})
    from_state = _transition(document, "submit")
    document.reviewer = (
        reviewer
        or document.reviewer
        or default_reviewer(
            organization_id=document.organization_id,
            drafting_unit_id=document.drafting_unit_id,
            drafter_id=document.drafter_id,
        )
    )
    if document.reviewer is None:
        raise ValidationFailed("Cơ quan chưa có người duyệt (cấp phó hoặc người đứng đầu).")
    # Checked again here: a person named at drafting may have left, or lost the post, since.
    _check_named(
        organization_id=document.organization_id,
        drafter_id=document.drafter_id,
        reviewer=document.reviewer,
        signer=document.signer,
    )
    document.unit_reviewer = _pick_unit_reviewer(document)
    document.unit_approved_at = None
    document.returned_comment = ""
    _save(document, ["reviewer", "unit_reviewer", "unit_approved_at", "returned_comment"])
    return _finish(
        document,
        actor=actor,
        action="document.submit",
        event="document_submitted",
        from_state=from_state,
        details={"reviewer": document.reviewer.pk, "unit_reviewer": document.unit_reviewer_id},
    )


def _pick_unit_reviewer(document: Document) -> Any:
    """Where the organization reviews on two levels: the lead of the drafting unit, if it has one."""
    if not document.organization.two_level_review or document.drafting_unit_id is None:
        return None
    from organizations.models import Membership

    lead = (
        Membership.objects.filter(
            organization_id=document.organization_id,
            unit_id=document.drafting_unit_id,
            role=Role.UNIT_LEAD,
            is_active=True,
        )
        .exclude(user_id=document.drafter_id)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return lead.user if lead else None


@transaction.atomic
def document_unit_approve(*, document: Document, actor: Any, comment: str = "") -> Document:
    """First review level: the unit lead approves; the document stays in review for the deputy."""
    document = lock_document(document.pk)
    _require(
        document.unit_reviewer_id is not None and document.unit_reviewer_id == getattr(actor, "pk", None),
        "Chỉ trưởng đơn vị được giao mới được duyệt cấp đơn vị.",
    )
    if document.status != Status.IN_REVIEW or document.unit_approved_at is not None:
        raise InvalidTransition("Văn bản không còn chờ duyệt cấp đơn vị.", details={"status": document.status})
    document.unit_approved_at = vn_now()
    _save(document, ["unit_approved_at"])
    return _finish(
        document,
        actor=actor,
        action="document.unit_approve",
        event="document_unit_approved",
        from_state=document.status,
        details={"comment": comment},
    )


@transaction.atomic
def document_approve(*, document: Document, actor: Any, comment: str = "") -> Document:
    """The assigned reviewer approves the content; the document goes to its signer."""
    document = lock_document(document.pk)
    _require(document.reviewer_id == getattr(actor, "pk", None), "Chỉ người được giao duyệt mới được duyệt văn bản.")
    _require(document.reviewer_id != document.drafter_id, "Người duyệt phải khác người soạn thảo.")
    if document.unit_reviewer_id is not None and document.unit_approved_at is None:
        raise InvalidTransition("Văn bản chưa được trưởng đơn vị duyệt.", details={"status": document.status})
    from_state = _transition(document, "approve")
    _save(document, [])
    return _finish(
        document,
        actor=actor,
        action="document.approve",
        event="document_approved",
        from_state=from_state,
        details={"comment": comment},
    )


@transaction.atomic
def document_return(*, document: Document, actor: Any, comment: str) -> Document:
    """Reviewer (in review) or signer (awaiting signature) sends it back to the drafter, with a reason."""
    if not comment or not comment.strip():
        raise ValidationFailed("Trả lại văn bản phải ghi rõ ý kiến.", details={"field": "comment"})
    document = lock_document(document.pk)
    if document.status != Status.IN_REVIEW:
        expected = document.signer_id
    elif document.unit_reviewer_id is not None and document.unit_approved_at is None:
        expected = document.unit_reviewer_id  # the first level has it
    else:
        expected = document.reviewer_id
    _require(expected == getattr(actor, "pk", None), "Chỉ người đang được giao xử lý mới được trả lại văn bản.")
    from_state = _transition(document, "return_for_revision")
    document.returned_comment = comment.strip()
    _save(document, ["returned_comment"])
    return _finish(
        document,
        actor=actor,
        action="document.return",
        event="document_returned",
        from_state=from_state,
        details={"comment": comment.strip()},
    )


@transaction.atomic
def document_sign(
    *, document: Document, actor: Any, signed_pdf: bytes | None = None, expected_version_id: int | None = None
) -> Document:
    """The signer signs with the form they hold; the current version's hash is frozen as the signed one.

    `expected_version_id` is the version the PDF was rendered from: if the content moved on meanwhile,
    the signature is refused rather than stored against the wrong text."""
    document = lock_document(document.pk)
    _require(document.signer_id == getattr(actor, "pk", None), "Chỉ người ký được giao mới được ký văn bản.")
    from_state = _transition(document, "sign")
    today = vn_today()
    if not may_sign_with(
        user=actor,
        organization=document.organization,
        form=document.signature_form,
        doc_type_id=document.doc_type_id,
        on=today,
    ):
        raise PermissionDenied(
            f"Người ký không có thẩm quyền ký theo thể thức “{document.get_signature_form_display()}” vào ngày này."
        )
    version = document.current_version
    if expected_version_id is not None and expected_version_id != document.current_version_id:
        raise ValidationFailed("Văn bản vừa thay đổi trong khi ký; vui lòng ký lại.")
    if version is None or content_hash(content_snapshot(document)) != version.content_hash:
        raise ValidationFailed("Nội dung văn bản không khớp phiên bản đã duyệt; không thể ký.")
    membership = membership_of(user=actor, organization_id=document.organization_id)
    document.signer_title_lines = signer_title_lines(
        organization=document.organization,
        form=document.signature_form,
        signer_post_title=membership.post_title if membership else "",
    )
    document.signed_version = version
    document.signed_at = vn_now()
    details: dict[str, Any] = {"content_hash": version.content_hash, "signature_form": document.signature_form}
    if signed_pdf is not None:
        details["pdf_sha256"] = _store_artifact(document, ArtifactKind.SIGNED, signed_pdf)
    _save(document, ["signer_title_lines", "signed_version", "signed_at"])
    return _finish(
        document, actor=actor, action="document.sign", event="document_signed", from_state=from_state, details=details
    )


def _store_artifact(document: Document, kind: str, pdf: bytes) -> str:
    digest = hashlib.sha256(pdf).hexdigest()
    DocumentArtifact.objects.create(document=document, kind=kind, pdf=pdf, sha256=digest)
    return digest


def _require_clerk(document: Document, actor: Any) -> None:
    _require(
        has_role(user=actor, organization_id=document.organization_id, roles=(Role.CLERK,)),
        "Chỉ văn thư của cơ quan ban hành mới được thực hiện thao tác này.",
    )


@transaction.atomic
def document_register(*, document: Document, actor: Any) -> Document:
    """The clerk gives the number and date. The counter is locked last and held only until commit."""
    document = lock_document(document.pk)
    _require_clerk(document, actor)
    from_state = _transition(document, "register_number")
    if document.signed_version_id is None or document.signed_version_id != document.current_version_id:
        raise ValidationFailed("Văn bản chưa có bản đã ký hợp lệ.")
    now = vn_now()
    document.number_year = now.year
    document.issue_date = now.date()
    document.registered_at = now
    # Taken last: the counter row stays locked only for the few statements before commit.
    document.number = allocate_number(
        organization_id=document.organization_id, register=document.register, year=now.year
    )
    document.code = format_code(document, document.number)
    _save(document, ["number_year", "issue_date", "registered_at", "number", "code"])
    return _finish(
        document,
        actor=actor,
        action="document.register",
        event="document_registered",
        from_state=from_state,
        details={
            "number": document.number,
            "code": document.code,
            "register": document.register,
            "issue_date": document.issue_date.isoformat(),
        },
    )


@transaction.atomic
def document_issue(*, document: Document, actor: Any, issued_pdf: bytes | None = None) -> Document:
    """The clerk sends it: one Delivery per "Nơi nhận" line; the issued PDF is what recipients get."""
    document = lock_document(document.pk)
    _require_clerk(document, actor)
    from_state = _transition(document, "issue")
    now = vn_now()
    document.issued_at = now
    Delivery.objects.bulk_create(
        [Delivery(document=document, recipient=recipient, sent_at=now) for recipient in document.recipients.all()]
    )
    details: dict[str, Any] = {"deliveries": document.recipients.count()}
    if issued_pdf is not None:
        details["pdf_sha256"] = _store_artifact(document, ArtifactKind.ISSUED, issued_pdf)
    _save(document, ["issued_at"])
    return _finish(
        document, actor=actor, action="document.issue", event="document_issued", from_state=from_state, details=details
    )


@transaction.atomic
def document_archive(*, document: Document, actor: Any, dossier: Dossier) -> Document:
    """Filed into a hồ sơ of the same organization by its clerk or the drafting unit."""
    document = lock_document(document.pk)
    roles = roles_in(user=actor, organization_id=document.organization_id)
    membership = membership_of(user=actor, organization_id=document.organization_id)
    in_drafting_unit = bool(
        membership
        and membership.role != Role.AUDITOR
        and document.drafting_unit_id
        and membership.unit_id == document.drafting_unit_id
    )
    _require(
        Role.CLERK in roles or in_drafting_unit or document.drafter_id == getattr(actor, "pk", None),
        "Chỉ văn thư hoặc đơn vị soạn thảo được lưu văn bản vào hồ sơ.",
    )
    from_state = _transition(document, "archive")
    if dossier.organization_id != document.organization_id:
        raise ValidationFailed("Hồ sơ không thuộc cơ quan ban hành.", details={"field": "dossier"})
    if dossier.is_closed:
        raise ValidationFailed("Hồ sơ đã kết thúc, không thể lưu thêm văn bản.", details={"field": "dossier"})
    document.dossier = dossier
    _save(document, ["dossier"])
    return _finish(
        document,
        actor=actor,
        action="document.archive",
        event="document_archived",
        from_state=from_state,
        details={"dossier": dossier.code, "retention": dossier.retention_label},
    )


@transaction.atomic
def document_recall(*, document: Document, actor: Any, reason: str) -> Document:
    """The head recalls an issued document; every delivery is marked recalled and recipients notified."""
    if not reason or not reason.strip():
        raise ValidationFailed("Thu hồi văn bản phải ghi rõ lý do.", details={"field": "reason"})
    document = lock_document(document.pk)
    _require(may_recall(actor, document), "Chỉ người đứng đầu cơ quan được thu hồi văn bản.")
    from_state = _transition(document, "recall")
    recalled = document.deliveries.update(status=DeliveryStatus.RECALLED)
    _save(document, [])
    return _finish(
        document,
        actor=actor,
        action="document.recall",
        event="document_recalled",
        from_state=from_state,
        details={"reason": reason.strip(), "deliveries": recalled},
    )


@transaction.atomic
def document_cancel(*, document: Document, actor: Any, reason: str = "") -> Document:
    """The drafter or the head abandons a draft or a document still in review."""
    document = lock_document(document.pk)
    _require(may_cancel(actor, document), "Chỉ người soạn thảo hoặc người đứng đầu được hủy văn bản.")
    from_state = _transition(document, "cancel")
    _save(document, [])
    ended = end_grants(document=document)
    return _finish(
        document,
        actor=actor,
        action="document.cancel",
        event="document_cancelled",
        from_state=from_state,
        details={"reason": reason.strip(), **({"grants_ended": ended} if ended else {})},
    )


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


# --- dossiers ------------------------------------------------------------------------------------


@transaction.atomic
def dossier_open(
    *,
    actor: Any,
    organization: Organization,
    code: str,
    title: str,
    year: int,
    retention_years: int | None,
    owner_unit: Unit | None = None,
) -> Dossier:
    """The clerk opens a hồ sơ from the year's list; `retention_years=None` means permanent."""
    _require(
        has_role(user=actor, organization_id=organization.pk, roles=(Role.CLERK, Role.HEAD)),
        "Chỉ văn thư hoặc người đứng đầu được mở hồ sơ.",
    )
    if not code.strip() or not title.strip():
        raise ValidationFailed("Hồ sơ cần có số, ký hiệu và tiêu đề.")
    if Dossier.objects.filter(organization=organization, year=year, code=code.strip()).exists():
        raise ValidationFailed(f"Hồ sơ {code} năm {year} đã có.", details={"field": "code"})
    dossier = Dossier.objects.create(
        organization=organization,
        code=code.strip(),
        title=title.strip(),
        year=year,
        retention_years=retention_years,
        owner_unit=owner_unit,
    )
    record_event(
        organization_id=organization.pk,
        actor=actor,
        action="dossier.open",
        obj=dossier,
        details={"code": dossier.code, "retention": dossier.retention_label},
    )
    return dossier


@transaction.atomic
def document_change_reviewer(*, document: Document, actor: Any, reviewer: Any) -> Document:
    """The head hands the review of a document in review to another leader (head or deputy)."""
    document = lock_document(document.pk)
    # A reviewer's leader is the head: only the head hands a review over (workflow.assignment.may_reassign).
    _require(
        has_role(user=actor, organization_id=document.organization_id, roles=(Role.HEAD,)),
        "Chỉ người đứng đầu cơ quan được giao lại việc duyệt.",
    )
    if document.status != Status.IN_REVIEW:
        raise InvalidTransition(
            "Chỉ giao lại việc duyệt khi văn bản đang chờ duyệt.", details={"status": document.status}
        )
    if reviewer is None:
        raise ValidationFailed("Chọn người duyệt mới.", details={"field": "reviewer"})
    _check_named(organization_id=document.organization_id, drafter_id=document.drafter_id, reviewer=reviewer)
    previous = document.reviewer_id
    document.reviewer = reviewer
    _save(document, ["reviewer"])
    return _finish(
        document,
        actor=actor,
        action="document.change_reviewer",
        event="document_reviewer_changed",
        from_state=document.status,
        details={"from": previous, "to": reviewer.pk},
    )


@transaction.atomic
def document_request_opinions(*, document: Document, actor: Any, units: Iterable[Any]) -> Document:
    """The drafter (at submit) or the reviewer (at review) asks other units of the issuing organization for
    their opinion before the signature. Their members may then read the document (docs/permissions.md)."""
    document = lock_document(document.pk)
    _require(
        getattr(actor, "pk", None) in (document.drafter_id, document.reviewer_id, document.unit_reviewer_id),
        "Chỉ người soạn thảo hoặc người duyệt được xin ý kiến đơn vị khác.",
    )
    unit_ids = sorted({getattr(unit, "pk", unit) for unit in units or ()})
    found = set(
        Unit.objects.filter(pk__in=unit_ids, organization_id=document.organization_id).values_list("pk", flat=True)
    )
    if found != set(unit_ids):
        raise ValidationFailed("Đơn vị xin ý kiến phải thuộc cơ quan ban hành.", details={"field": "consult_units"})
    if document.drafting_unit_id in found:
        raise ValidationFailed("Không xin ý kiến chính đơn vị soạn thảo.", details={"field": "consult_units"})
    document.consulted_units.add(*unit_ids)
    return _finish(
        document,
        actor=actor,
        action="document.request_opinions",
        event="document_opinions_requested",
        from_state=document.status,
        details={"units": unit_ids},
    )


@transaction.atomic
def document_give_opinion(*, document: Document, actor: Any, unit_id: int | None, comment: str) -> Document:
    """A consulted unit gives its opinion before the signature (xin ý kiến); the document does not move.

    Who may answer for the unit is the flow's business (its consultation task); this records the opinion.
    """
    if not comment or not comment.strip():
        raise ValidationFailed("Cho ý kiến phải ghi rõ nội dung ý kiến.", details={"field": "comment"})
    document = lock_document(document.pk)
    if document.status != Status.AWAITING_SIGNATURE:
        raise InvalidTransition(
            f"Văn bản đang ở trạng thái “{document.get_status_display()}”: không còn xin ý kiến.",
            details={"status": document.status},
        )
    return _finish(
        document,
        actor=actor,
        action="document.consult",
        event="document_opinion_given",
        from_state=document.status,
        details={"unit": unit_id, "comment": comment.strip()},
    )
