"""A document's end: filed into a dossier, recalled after issue, or cancelled before its signature."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from documents.dates import vn_now
from documents.errors import ValidationFailed
from documents.locks import lock_document
from documents.models import ArtifactKind, DeliveryEvent, DeliveryStatus, Document, Dossier
from documents.permissions import end_grants, may_cancel, may_recall
from documents.services._common import _finish, _require, _save, _store_artifact, _transition
from documents.services.dossiers import file_into
from organizations.models import Role
from organizations.selectors import membership_of, roles_in


@transaction.atomic
def document_archive(
    *, document: Document, actor: Any, dossier: Dossier, archived_pdf: bytes | None = None
) -> Document:
    """Filed into a hồ sơ of the same organization by its clerk or the drafting unit.

    `archived_pdf`: the issued PDF with its validation data (signing.archive, prepared outside this
    transaction), stored as the ARCHIVED artifact with its SHA-256 in this transaction."""
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
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)  # fresh: closed meanwhile? positions
    entry = file_into(dossier=dossier, document=document, actor=actor)
    document.dossier = dossier
    _save(document, ["dossier"])
    details: dict[str, Any] = {
        "dossier": dossier.code,
        "position": entry.position,
        "retention": dossier.retention_label,
    }
    if archived_pdf is not None:
        details["pdf_sha256"] = _store_artifact(document, ArtifactKind.ARCHIVED, archived_pdf)
    return _finish(
        document,
        actor=actor,
        action="document.archive",
        event="document_archived",
        from_state=from_state,
        details=details,
    )


def _ask_back(*, document: Document, actor: Any, reason: str) -> int:
    """Every delivery that reached someone is asked back (13); each recipient agrees (15) or refuses (16)
    on their side. Outside bodies not yet sent to are simply not sent (15 at once)."""
    now = vn_now()
    reached = document.deliveries.exclude(status__in=(DeliveryStatus.REFUSED, DeliveryStatus.QUEUED))
    queued = document.deliveries.filter(status=DeliveryStatus.QUEUED)
    steps = [(pk, DeliveryStatus.RECALL_REQUESTED) for pk in reached.values_list("pk", flat=True)]
    steps += [(pk, DeliveryStatus.RECALLED) for pk in queued.values_list("pk", flat=True)]
    reached.update(status=DeliveryStatus.RECALL_REQUESTED, status_at=now)
    queued.update(status=DeliveryStatus.RECALLED, status_at=now)
    DeliveryEvent.objects.bulk_create(
        [DeliveryEvent(delivery_id=pk, status=status, at=now, actor=actor, note=reason) for pk, status in steps]
    )
    return len(steps)


@transaction.atomic
def document_recall(*, document: Document, actor: Any, reason: str) -> Document:
    """The head recalls an issued document; every delivery is marked recalled and recipients notified."""
    if not reason or not reason.strip():
        raise ValidationFailed("Thu hồi văn bản phải ghi rõ lý do.", details={"field": "reason"})
    document = lock_document(document.pk)
    _require(may_recall(actor, document), "Chỉ người đứng đầu cơ quan được thu hồi văn bản.")
    from_state = _transition(document, "recall")
    recalled = _ask_back(document=document, actor=actor, reason=reason.strip())
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
