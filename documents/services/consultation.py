"""Consultation (xin ý kiến): other units of the issuing organization are asked, and answer, before signing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from documents.errors import InvalidTransition, ValidationFailed
from documents.locks import lock_document
from documents.models import Document, Status
from documents.services._common import _finish, _require
from organizations.models import Unit


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
