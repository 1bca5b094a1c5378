"""Signing use cases: render and sign outside any lock, then hand the bytes to the document services.

The slow parts (WeasyPrint, the private-key operation) run before `documents.services` opens its
transaction and locks the row; the lifecycle service stores the PDF with its hash and moves the state.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings

from documents import services as document_services
from documents.errors import InvalidTransition, PermissionDenied, ValidationFailed
from documents.models import ArtifactKind, Document, DocumentArtifact, Status
from organizations.models import Role
from organizations.selectors import has_role
from signing import pades
from signing.keys import DocumentSigner, KeyStore
from signing.permissions import check_sign
from signing.rendering import YEAR_FIELD, field_values, render_pdf


def signed_pdf_for_document(*, document: Document, key: DocumentSigner) -> bytes:
    """The document rendered with blank number and date, certified by the signer (FILL_FORMS)."""
    rendered = render_pdf(document)
    return pades.sign_as_signer(
        rendered.pdf,
        key=key,
        signer_box=rendered.signer_box,
        organization_box=rendered.organization_box,
        year_value=field_values(document)[YEAR_FIELD],
        signer_name=document.signer.display_name if document.signer_id else "",
        location=document.place_name,
    )


def prepare_signature(
    *, document: Document, actor: Any, signer_backend: DocumentSigner | None = None
) -> tuple[bytes, int | None]:
    """Render and sign as the signer, outside any transaction or lock (the slow part).

    Returns the signed PDF and the version it was rendered from, for `document_sign(expected_version_id=…)`.
    """
    document = Document.objects.select_related("organization", "doc_type", "signer", "current_version").get(
        pk=document.pk
    )
    # Checked again by document_sign; checked here so no one else's key ever signs this PDF.
    check_sign(user=actor, document=document)
    key = signer_backend or KeyStore().for_user(actor)
    return signed_pdf_for_document(document=document, key=key), document.current_version_id


def sign_document(*, document: Document, actor: Any, signer_backend: DocumentSigner | None = None) -> Document:
    """The signer signs: render and sign with the actor's key, then `document_sign` stores the signed PDF.

    If the content changed between rendering and the state change (returned, edited, re-approved), the
    signature is refused: the stored PDF is always the version that was signed.
    """
    signed, version_id = prepare_signature(document=document, actor=actor, signer_backend=signer_backend)
    return document_services.document_sign(
        document=document, actor=actor, signed_pdf=signed, expected_version_id=version_id
    )


def prepare_issue(*, document: Document, actor: Any, organization_backend: DocumentSigner | None = None) -> bytes:
    """Fill number and date into the signer's PDF and apply the organization's signature, outside any lock."""
    document = Document.objects.select_related("organization").get(pk=document.pk)
    if document.status != Status.REGISTERED:
        raise InvalidTransition("Văn bản phải được cấp số trước khi phát hành.", details={"status": document.status})
    if not has_role(user=actor, organization_id=document.organization_id, roles=(Role.CLERK,)):
        # Checked again by document_issue; checked here so the organization's key is never used for others.
        raise PermissionDenied("Chỉ văn thư của cơ quan ban hành mới được phát hành văn bản.")
    artifact = DocumentArtifact.objects.filter(document=document, kind=ArtifactKind.SIGNED).first()
    if artifact is None:
        raise ValidationFailed("Văn bản chưa có bản PDF đã ký của người ký.")
    signed = bytes(artifact.pdf)
    if hashlib.sha256(signed).hexdigest() != artifact.sha256:
        raise ValidationFailed("Bản PDF đã ký không khớp mã băm đã lưu; không thể phát hành.")
    key = organization_backend or KeyStore().for_organization(document.organization)
    return pades.fill_and_seal(
        signed, values=field_values(document), key=key, organization_name=document.organization.name
    )


def issue_document(*, document: Document, actor: Any, organization_backend: DocumentSigner | None = None) -> Document:
    """The clerk issues a registered document: fill number and date, apply the organization's signature."""
    issued = prepare_issue(document=document, actor=actor, organization_backend=organization_backend)
    return document_services.document_issue(document=document, actor=actor, issued_pdf=issued)


def wants_digital_signature(*, actor: Any) -> bool:
    """Sign digitally when the signer has a key, or always when settings.REQUIRE_DIGITAL_SIGNATURE."""
    return settings.REQUIRE_DIGITAL_SIGNATURE or KeyStore().user_key_path(actor).exists()


def wants_organization_seal(*, document: Document) -> bool:
    """Seal when the signer's PDF exists (it has the field waiting), or always when required."""
    return (
        settings.REQUIRE_DIGITAL_SIGNATURE
        or DocumentArtifact.objects.filter(document_id=document.pk, kind=ArtifactKind.SIGNED).exists()
    )


def sign_step(*, document: Document, actor: Any) -> Document:
    """The Sign step: a PAdES signature when the signer has a key; without one, the signature is recorded
    without a PDF unless settings.REQUIRE_DIGITAL_SIGNATURE (then KeyNotFound, 409)."""
    if wants_digital_signature(actor=actor):
        return sign_document(document=document, actor=actor)
    return document_services.document_sign(document=document, actor=actor)


def issue_step(*, document: Document, actor: Any) -> Document:
    """The Issue step: number, date and the organization's signature on the signer's PDF when there is
    one; otherwise issued as recorded (same rule as `sign_step`)."""
    if wants_organization_seal(document=document):
        return issue_document(document=document, actor=actor)
    return document_services.document_issue(document=document, actor=actor)
