"""Signing use cases: render and sign outside any lock, then hand the bytes to the document services.

The slow parts (WeasyPrint, the private-key operation) run before `documents.services` opens its
transaction and locks the row; the lifecycle service stores the PDF with its hash and moves the state.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction

from documents import services as document_services
from documents.errors import InvalidTransition, PermissionDenied, ValidationFailed
from documents.models import ArtifactKind, Document, DocumentArtifact, Status
from organizations.models import Role
from organizations.selectors import has_role
from signing import pades
from signing.keys import DocumentSigner, KeyStore
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


def sign_document(*, document: Document, actor: Any, signer_backend: DocumentSigner | None = None) -> Document:
    """The signer signs: render, sign with the actor's key, then `document_sign` stores the signed PDF.

    If the content changed between rendering and the state change (returned, edited, re-approved), the
    whole sign step is rolled back: the stored PDF is always the version that was signed.
    """
    document = Document.objects.select_related("organization", "doc_type", "signer", "current_version").get(
        pk=document.pk
    )
    if document.status != Status.AWAITING_SIGNATURE:
        raise InvalidTransition("Văn bản chưa ở bước chờ ký.", details={"status": document.status})
    if document.signer_id != getattr(actor, "pk", None):
        # Checked again by document_sign; checked here so no one else's key ever signs this PDF.
        raise PermissionDenied("Chỉ người ký được giao mới được ký văn bản.")
    rendered_version = document.current_version_id
    key = signer_backend or KeyStore().for_user(actor)
    signed = signed_pdf_for_document(document=document, key=key)
    with transaction.atomic():
        document = document_services.document_sign(document=document, actor=actor, signed_pdf=signed)
        if document.signed_version_id != rendered_version:
            raise ValidationFailed("Văn bản vừa thay đổi trong khi ký; vui lòng ký lại.")
    return document


def issue_document(*, document: Document, actor: Any, organization_backend: DocumentSigner | None = None) -> Document:
    """The clerk issues a registered document: fill number and date, apply the organization's signature."""
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
    issued = pades.fill_and_seal(
        signed, values=field_values(document), key=key, organization_name=document.organization.name
    )
    return document_services.document_issue(document=document, actor=actor, issued_pdf=issued)


def sign_step(*, document: Document, actor: Any) -> Document:
    """The flow's Sign step: a PAdES signature when the signer has a key; without one, the signature
    is recorded without a PDF unless settings.REQUIRE_DIGITAL_SIGNATURE (then KeyNotFound, 409)."""
    store = KeyStore()
    if store.user_key_path(actor).exists() or settings.REQUIRE_DIGITAL_SIGNATURE:
        return sign_document(document=document, actor=actor)
    return document_services.document_sign(document=document, actor=actor)


def issue_step(*, document: Document, actor: Any) -> Document:
    """The flow's Issue step: number and date filled and the organization's signature applied when the
    document carries the signer's PDF; otherwise issued as recorded (same rule as `sign_step`)."""
    has_signed_pdf = DocumentArtifact.objects.filter(document_id=document.pk, kind=ArtifactKind.SIGNED).exists()
    if has_signed_pdf or settings.REQUIRE_DIGITAL_SIGNATURE:
        return issue_document(document=document, actor=actor)
    return document_services.document_issue(document=document, actor=actor)
