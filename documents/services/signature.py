"""Signature: the signer signs the current version, whose hash is frozen as the signed one."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from documents.dates import vn_now, vn_today
from documents.errors import PermissionDenied, ValidationFailed
from documents.locks import lock_document
from documents.models import ArtifactKind, Document
from documents.services._common import _finish, _require, _save, _store_artifact, _transition
from documents.versioning import content_hash, content_snapshot
from organizations.selectors import may_sign_with, title_lines_of


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
    # The authority chain's lines, frozen with the signature (TM. / KT. / PHÓ … for a collective's deputy).
    document.signer_title_lines = title_lines_of(
        signer=actor, organization=document.organization, form=document.signature_form
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
