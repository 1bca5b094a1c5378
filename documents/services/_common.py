"""What every document service shares: the FSM transition, the save, the audit-and-event finish, the checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django_fsm import ConcurrentTransition, TransitionNotAllowed

from audit.services import record_event
from documents import blobs
from documents.dates import vn_today
from documents.errors import ConcurrentUpdate, InvalidTransition, PermissionDenied, ValidationFailed
from documents.events import DocumentEvent, publish_on_commit
from documents.locks import last
from documents.models import Confidentiality, Document, DocumentArtifact, Urgency
from organizations.models import SignatureForm
from organizations.selectors import may_be_signer, may_review, signature_form_refusal


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
    """Audit event in this transaction, domain event after it commits.

    Both are handed to `documents.locks.last`: around a flow step they are written after the flow's own rows, so
    the audit chain head (locked by `record_event`) is held only by the last statements before commit. The
    outbox row goes first: it needs no lock, the chain head does.
    """
    version = document.current_version.number if document.current_version else None
    to_state = document.status

    def tail() -> None:
        publish_on_commit(
            DocumentEvent(
                name=event,
                document_id=document.pk,
                organization_id=document.organization_id,
                actor_id=getattr(actor, "pk", None),
                from_state=from_state,
                to_state=to_state,
                data=details or {},
            )
        )
        record_event(
            organization_id=document.organization_id,
            actor=actor,
            action=action,
            obj=document,
            from_state=from_state,
            to_state=to_state,
            details={"version": version, **(details or {})},
        )

    last(tail)
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


def _check_signature_form(*, organization: Any, signer: Any, form: str, doc_type: Any) -> None:
    """A named signer must hold the form today (organizations.selectors.signature_form_refusal); the signing day
    is checked again when they sign (document_sign)."""
    if signer is None:
        return
    refusal = signature_form_refusal(
        signer=signer, organization=organization, form=form, doc_type_id=getattr(doc_type, "pk", None), on=vn_today()
    )
    if refusal:
        raise ValidationFailed(refusal, details={"field": "signature_form"})


def _store_artifact(document: Document, kind: str, pdf: bytes) -> str:
    digest = blobs.put(pdf)  # the file first: a rollback leaves only an unreferenced file (documents.blobs)
    DocumentArtifact.objects.create(document=document, kind=kind, sha256=digest)
    return digest
