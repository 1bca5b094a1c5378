"""Review: submitting, the unit lead's and the reviewer's approvals, returning for revision, handing over."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from documents.dates import vn_now
from documents.errors import InvalidTransition, ValidationFailed
from documents.locks import lock_document
from documents.models import Document, Status
from documents.services._common import _check_named, _finish, _require, _save, _transition
from organizations.models import Role
from organizations.selectors import default_reviewer, has_role


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


def step_holder_id(document: Document) -> int | None:
    """Who holds a document in review or awaiting signature: the one who may return it (or comment on the step,
    documents.services.attachments). The signer once it awaits signature."""
    if document.status != Status.IN_REVIEW:
        return document.signer_id
    if document.unit_reviewer_id is not None and document.unit_approved_at is None:
        return document.unit_reviewer_id  # the first level has it
    return document.reviewer_id


@transaction.atomic
def document_return(*, document: Document, actor: Any, comment: str) -> Document:
    """Reviewer (in review) or signer (awaiting signature) sends it back to the drafter, with a reason."""
    if not comment or not comment.strip():
        raise ValidationFailed("Trả lại văn bản phải ghi rõ ý kiến.", details={"field": "comment"})
    document = lock_document(document.pk)
    expected = step_holder_id(document)
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
