"""Documents that point at each other: a plan drafted on the basis of an arrival (căn cứ), a report back
(trả lời), a correction or replacement (đính chính, thay thế), and the reporting duties a plan lays on its
recipients (docs/distribution.md, "Links between documents").

Each service runs in one transaction with its audit event and a domain event on commit. New drafts go through
`document_create`, so every drafting rule holds for them as for any other draft.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from audit.services import record_event
from documents.citing import basis_line, citation, issuer_name
from documents.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from documents.limits import SUBJECT_MAX, text_problem
from documents.locks import lock_document
from documents.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Document,
    DocumentType,
    Purpose,
    Recurrence,
    ReplacementKind,
    ReportingDuty,
    Status,
)
from documents.reporting import open_periods
from documents.selectors import visible_documents
from documents.services._common import _finish, _require
from documents.services.drafting import DRAFTING_ROLES, document_create
from organizations.models import Membership, Organization, Role
from organizations.selectors import has_role

# The delivery has been taken in by its addressee: from here on it may be acted upon.
ACCEPTED_STATES = (
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.ASSIGNED,
    DeliveryStatus.IN_PROGRESS,
    DeliveryStatus.DONE,
)
CORRECTABLE_STATES = (Status.ISSUED, Status.ARCHIVED)
# --- who acts for a delivery ----------------------------------------------------------------------


def _organization_acting_for(delivery: Delivery, actor: Any) -> Organization:
    """The organization a delivery reached, in whose name the actor writes back; refused if the delivery was
    not for them or has not been taken in."""
    user_id = getattr(actor, "pk", None)
    memberships = Membership.objects.filter(user_id=user_id, is_active=True, role__in=DRAFTING_ROLES).select_related(
        "organization"
    )
    if delivery.kind == DeliveryKind.ORGANIZATION:
        membership = memberships.filter(organization_id=delivery.organization_id).first()
    elif delivery.kind == DeliveryKind.UNIT:
        membership = memberships.filter(unit_id=delivery.unit_id).first()
    elif delivery.kind == DeliveryKind.PERSON and delivery.person_id == user_id:
        membership = memberships.order_by("pk").first()
    else:
        membership = None
    if membership is None:
        raise PermissionDenied("Chỉ cán bộ của nơi nhận văn bản mới soạn văn bản triển khai hoặc báo cáo.")
    if delivery.status not in ACCEPTED_STATES:
        raise InvalidTransition(
            f"Văn bản đến đang ở trạng thái “{delivery.get_status_display()}”: cần tiếp nhận trước.",
            details={"status": delivery.status},
        )
    # Citing a document is reading it: the one rule decides (the clerk, the leaders once it is registered, the
    # people it was assigned to), so nobody writes on the basis of what they may not open.
    if not visible_documents(user=actor).filter(pk=delivery.document_id).exists():
        raise PermissionDenied(
            "Chỉ người được đọc văn bản đến (văn thư, lãnh đạo, người được giao xử lý) mới soạn văn bản triển khai"
            " hoặc báo cáo."
        )
    return membership.organization


def _delivery(delivery: Delivery) -> Delivery:
    found = (
        Delivery.objects.select_related("document", "document__organization", "document__doc_type")
        .filter(pk=delivery.pk)
        .first()
    )
    if found is None:
        raise NotFound("Không tìm thấy văn bản đến.")
    if found.document.status not in (Status.ISSUED, Status.ARCHIVED):
        raise InvalidTransition(
            "Văn bản đã bị thu hồi hoặc không còn hiệu lực.", details={"status": found.document.status}
        )
    return found


def _link_finish(document: Document, *, actor: Any, action: str, event: str, details: dict[str, Any]) -> Document:
    return _finish(document, actor=actor, action=action, event=event, from_state=document.status, details=details)


# --- drafting from an arrival ---------------------------------------------------------------------


@transaction.atomic
def draft_on_basis_of(
    *, delivery: Delivery, actor: Any, doc_type: DocumentType, subject: str | None = None
) -> Document:
    """A plan of the receiving organization "Căn cứ" the accepted arrival: the căn cứ line written first in its
    legal bases, the two documents linked (`bases` / `implemented_by`)."""
    delivery = _delivery(delivery)
    organization = _organization_acting_for(delivery, actor)
    basis = delivery.document
    document = document_create(
        actor=actor,
        organization=organization,
        doc_type=doc_type,
        subject=subject if subject is not None else basis.subject,
        legal_bases=[basis_line(basis)],
        confidentiality=basis.confidentiality,
    )
    document.bases.add(basis)
    return _link_finish(
        document,
        actor=actor,
        action="document.link_basis",
        event="document_drafted_on_basis",
        details={"basis": basis.pk, "basis_code": basis.code, "delivery": delivery.pk},
    )


def _reply_line(sender: Organization) -> dict[str, Any]:
    """The "Nơi nhận" line of a report back: the sender from the directory, or — a body not hosted here — an
    outside line reached the way its document came (its organ code: the exchange; its e-mail otherwise)."""
    if not sender.outside:
        return {"display_name": sender.name, "purpose": Purpose.REPORT, "organization": sender}
    return {
        "display_name": str(sender),
        "purpose": Purpose.REPORT,
        "organ_code": sender.organ_code,
        "email": "" if sender.organ_code else sender.email,
    }


@transaction.atomic
def draft_reply(*, delivery: Delivery, actor: Any, doc_type: DocumentType, subject: str | None = None) -> Document:
    """A report back on an accepted arrival: a draft addressed to the sender organization ("b/c"), answering it
    (`answers`). Issued, it pays the organization's reporting obligation toward that document. Without a
    subject: "Kết quả thực hiện Kế hoạch số … ngày … của …"."""
    delivery = _delivery(delivery)
    organization = _organization_acting_for(delivery, actor)
    original = delivery.document
    sender = original.organization
    document = document_create(
        actor=actor,
        organization=organization,
        doc_type=doc_type,
        subject=subject if subject is not None else f"Kết quả thực hiện {citation(original)}"[:SUBJECT_MAX],
        recipients=[_reply_line(sender)],
        confidentiality=original.confidentiality,
    )
    document.answers = original
    document.save(update_fields=["answers"])
    return _link_finish(
        document,
        actor=actor,
        action="document.link_answer",
        event="document_drafted_reply",
        details={"answers": original.pk, "answers_code": original.code, "delivery": delivery.pk},
    )


# --- corrections ----------------------------------------------------------------------------------


def _correction_fields(document: Document, kind: str) -> dict[str, Any]:
    """A replacement keeps the form and the trích yếu; a correction is a công văn đính chính (RULES.md,
    "Correction and recall") whose trích yếu is printed after "V/v"."""
    if kind == ReplacementKind.REPLACEMENT:
        return {"doc_type": document.doc_type, "subject": document.subject, "body": document.body}
    cong_van = DocumentType.objects.filter(code="cong_van").first() or document.doc_type
    cited = citation(document)
    subject = f"đính chính {cited}"
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
    opening = f"{document.organization.name} đính chính {cited} về việc {document.subject.rstrip(' .;')} như sau:"
    return {"doc_type": cong_van, "subject": subject, "body": f"{opening}\n\n{document.body}".strip()}


def may_correct(user: Any, document: Document) -> bool:
    """The drafter or a leader of the issuing organization corrects or replaces an issued document."""
    if document.status not in CORRECTABLE_STATES:
        return False
    return document.drafter_id == getattr(user, "pk", None) or has_role(
        user=user, organization_id=document.organization_id, roles=(Role.HEAD, Role.DEPUTY)
    )


@transaction.atomic
def draft_correction(*, document: Document, actor: Any, kind: str) -> Document:
    """A new draft that corrects (đính chính) or replaces (thay thế) an issued document, by its drafter or a
    leader of the issuing organization: content and recipients copied, `replaces` set. Once issued, the
    recipients of both see the link."""
    if kind not in ReplacementKind.values:
        raise ValidationFailed(f"Loại “{kind}” không hợp lệ: đính chính hoặc thay thế.", details={"field": "kind"})
    document = (
        Document.objects.select_related("organization", "doc_type", "drafting_unit")
        .prefetch_related("recipients")
        .filter(pk=document.pk)
        .first()
    )
    if document is None:
        raise NotFound("Không tìm thấy văn bản.")
    if document.status not in CORRECTABLE_STATES:
        raise InvalidTransition(
            "Chỉ đính chính hoặc thay thế văn bản đã phát hành.", details={"status": document.status}
        )
    _require(
        may_correct(actor, document),
        "Chỉ người soạn thảo hoặc lãnh đạo cơ quan ban hành mới soạn văn bản đính chính, thay thế.",
    )
    recipients = [
        {
            "display_name": line.display_name,
            "purpose": line.purpose,
            "organization": line.organization,
            "unit": line.unit,
            "person": line.person,
            "group": line.group,
            "email": line.email,
            "organ_code": line.organ_code,  # an outside body reached by the exchange gets the correction the same way
        }
        for line in document.recipients.all()
    ]
    correction = document_create(
        actor=actor,
        organization=document.organization,
        legal_bases=list(document.legal_bases),
        drafting_unit=document.drafting_unit if document.drafter_id == actor.pk else None,
        recipients=recipients,
        confidentiality=document.confidentiality,
        urgency=document.urgency,
        place_name=document.place_name,
        **_correction_fields(document, kind),
    )
    correction.replaces, correction.replacement_kind = document, kind
    correction.save(update_fields=["replaces", "replacement_kind"])
    return _link_finish(
        correction,
        actor=actor,
        action="document.link_correction",
        event="document_drafted_correction",
        details={"replaces": document.pk, "replaces_code": document.code, "kind": kind},
    )


# --- reporting duties -----------------------------------------------------------------------------


@transaction.atomic
def reporting_duty_add(
    *, document: Document, actor: Any, description: str, due_date: dt.date, recurrence: str = Recurrence.ONCE
) -> ReportingDuty:
    """The drafter asks the recipients to report back by a date, once or every year; each recipient organization
    owes it from the issue on (documents.reporting)."""
    description = (description or "").strip()
    if not description:
        raise ValidationFailed("Nội dung báo cáo không được để trống.", details={"field": "description"})
    if problem := text_problem(description, max_length=500):
        raise ValidationFailed(problem, details={"field": "description"})
    if recurrence not in Recurrence.values:
        raise ValidationFailed(f"Định kỳ “{recurrence}” không hợp lệ.", details={"field": "recurrence"})
    # Bounded so a yearly duty's next periods stay dates (year 9999 has no following year).
    if not isinstance(due_date, dt.date) or not dt.date(2000, 1, 1) <= due_date <= dt.date(2099, 12, 31):
        raise ValidationFailed("Hạn báo cáo không hợp lệ (từ năm 2000 đến 2099).", details={"field": "due_date"})
    document = lock_document(document.pk)
    _require(document.drafter_id == getattr(actor, "pk", None), "Chỉ người soạn thảo được thêm yêu cầu báo cáo.")
    if document.status != Status.DRAFT:
        raise InvalidTransition(
            "Chỉ thêm yêu cầu báo cáo khi văn bản còn là dự thảo.", details={"status": document.status}
        )
    duty = ReportingDuty.objects.create(
        document=document, description=description, due_date=due_date, recurrence=recurrence, created_by=actor
    )
    _link_finish(
        document,
        actor=actor,
        action="document.reporting_duty_add",
        event="reporting_duty_added",
        details={"duty": duty.pk, "due_date": due_date.isoformat(), "recurrence": recurrence},
    )
    return duty


@transaction.atomic
def reporting_open_periods(*, today: dt.date) -> int:
    """When the year turns (command `open_reporting_periods`, daily or on 1 January): each organization owing a
    yearly duty gets this year's obligation; one audit event per plan, by the system. Returns how many."""
    opened = open_periods(today=today)
    by_document: dict[int, list[Any]] = {}
    for obligation in opened:
        by_document.setdefault(obligation.duty.document_id, []).append(obligation)
    documents = Document.objects.in_bulk(list(by_document))
    for document_id, obligations in by_document.items():
        record_event(
            organization_id=documents[document_id].organization_id,
            actor=None,
            action="document.reporting_periods_open",
            obj=documents[document_id],
            details={"obligations": [[o.organization_id, o.period, o.due_date.isoformat()] for o in obligations]},
        )
    return len(opened)


__all__ = [
    "basis_line",
    "citation",
    "draft_correction",
    "draft_on_basis_of",
    "draft_reply",
    "issuer_name",
    "may_correct",
    "reporting_duty_add",
    "reporting_open_periods",
]
