"""Signing use cases: render and sign outside any lock, then hand the bytes to the document services.

The slow parts (WeasyPrint, the private-key operation) run before `documents.services` opens its
transaction and locks the row; the lifecycle service stores the PDF with its hash and moves the state.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from core.images import read_png
from documents import blobs
from documents import services as document_services
from documents.errors import IntegrityFailed, InvalidTransition, PermissionDenied, ValidationFailed
from documents.models import ArtifactKind, Attachment, AttachmentKind, Document, DocumentArtifact, Status
from organizations.models import Organization, Role, SealImage, SignatureImage
from organizations.selectors import has_role
from signing import pades
from signing.keys import DocumentSigner, KeyStore
from signing.permissions import check_sign
from signing.rendering import field_values, render_pdf


def signature_image_for(user_id: int | None) -> pades.StampImage | None:
    """The signer's handwritten signature (uploaded on /me/), or None: the stamp is then text only."""
    image = SignatureImage.objects.filter(user_id=user_id).first() if user_id else None
    return pades.StampImage(bytes(image.png), image.width, image.height) if image else None


def seal_image_for(organization_id: int) -> pades.StampImage | None:
    """The organization's seal at its real width, or None: the organization's stamp is then text only."""
    seal = SealImage.objects.filter(organization_id=organization_id).first()
    if seal is None:
        return None
    return pades.StampImage(bytes(seal.png), seal.width_px, seal.height_px, width_mm=float(seal.width_mm))


def signed_pdf_for_document(*, document: Document, key: DocumentSigner) -> bytes:
    """The document rendered with blank number and date, certified by the signer (FILL_FORMS)."""
    rendered = render_pdf(document)
    return pades.sign_as_signer(
        rendered.pdf,
        key=key,
        signer_box=rendered.signer_box,
        organization_box=rendered.organization_box,
        signer_name=document.signer.display_name if document.signer_id else "",
        location=document.place_name,
        signature_image=signature_image_for(document.signer_id),
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
    signed = signed_pdf_for_document(document=document, key=key)
    blobs.put(signed)  # stored now, outside the lock; document_sign's own put then finds it (documents.blobs)
    return signed, document.current_version_id


def sign_document(*, document: Document, actor: Any, signer_backend: DocumentSigner | None = None) -> Document:
    """The signer signs: render and sign with the actor's key, then `document_sign` stores the signed PDF.

    If the content changed between rendering and the state change (returned, edited, re-approved), the
    signature is refused: the stored PDF is always the version that was signed.
    """
    signed, version_id = prepare_signature(document=document, actor=actor, signer_backend=signer_backend)
    return document_services.document_sign(
        document=document, actor=actor, signed_pdf=signed, expected_version_id=version_id
    )


def _issuable(document: Document, actor: Any) -> Document:
    """The document as it is now, registered and issued by a clerk of its organization. Checked again by
    document_issue; checked here so the organization's key is never used for others."""
    document = Document.objects.select_related("organization", "doc_type").get(pk=document.pk)
    if document.status != Status.REGISTERED:
        raise InvalidTransition("Văn bản phải được cấp số trước khi phát hành.", details={"status": document.status})
    if not has_role(user=actor, organization_id=document.organization_id, roles=(Role.CLERK,)):
        raise PermissionDenied("Chỉ văn thư của cơ quan ban hành mới được phát hành văn bản.")
    return document


def prepare_issue(*, document: Document, actor: Any, organization_backend: DocumentSigner | None = None) -> bytes:
    """Fill number and date into the signer's PDF and apply the organization's signature, outside any lock."""
    document = _issuable(document, actor)
    artifact = DocumentArtifact.objects.filter(document=document, kind=ArtifactKind.SIGNED).first()
    if artifact is None:
        raise ValidationFailed("Văn bản chưa có bản PDF đã ký của người ký.")
    signed = artifact.read()  # checked against its SHA-256 (documents.blobs)
    key = organization_backend or KeyStore().for_organization(document.organization)
    issued = pades.fill_and_seal(
        signed,
        values=field_values(document),
        key=key,
        organization_name=document.organization.name,
        organization_label=str(document.organization),  # the name with its place (Organization.__str__)
        seal_image=seal_image_for(document.organization_id),
    )
    blobs.put(issued)  # stored now, outside the lock; document_issue's own put then finds it (documents.blobs)
    return issued


def attachment_line(document: Document) -> str:
    """The number and code an attachment carries at the top right of its first page: "Số: 01/KH-PGDĐT"."""
    return f"Số: {document.code}"


def prepare_attachment_seals(
    *, document: Document, actor: Any, organization_backend: DocumentSigner | None = None
) -> dict[int, bytes]:
    """The organization's signature on every PDF attachment of the draft (step ""), outside any lock: {attachment
    id: signed copy}. DOCX, XLSX and images are not signed (the decree expects signed attachments in PDF): they
    travel as they are. A file whose bytes no longer match their stored SHA-256 stops the issue (IntegrityFailed,
    500)."""
    document = _issuable(document, actor)
    attachments = list(
        Attachment.objects.filter(document=document, step="", kind=AttachmentKind.PDF).order_by("created_at", "id")
    )
    if not attachments:
        return {}
    if not document.code:
        raise ValidationFailed("Văn bản chưa có số, ký hiệu: không ký số được tệp đính kèm.")
    key = organization_backend or KeyStore().for_organization(document.organization)
    line = attachment_line(document)
    sealed: dict[int, bytes] = {}
    for attachment in attachments:
        try:
            data = attachment.read()  # checked against its SHA-256 (documents.blobs)
        except IntegrityFailed as error:  # name the file: the clerk has to know which one
            raise IntegrityFailed(
                f"Tệp đính kèm «{attachment.file_name}» không khớp mã băm đã lưu; không thể phát hành.",
                details={**error.details, "attachment": attachment.pk},
            ) from error
        try:
            sealed[attachment.pk] = pades.seal_attachment(
                data, key=key, organization_name=document.organization.name, line=line
            )
        except ValidationFailed as error:  # name the file: the clerk has to know which one
            raise ValidationFailed(
                f"Tệp đính kèm «{attachment.file_name}»: {error.message}",
                details={**(error.details or {}), "attachment": attachment.pk},
            ) from error
    for copy in sealed.values():  # stored now, outside the lock; document_issue's own put then finds them
        blobs.put(copy)
    return sealed


def issue_document(*, document: Document, actor: Any, organization_backend: DocumentSigner | None = None) -> Document:
    """The clerk issues a registered document: fill number and date, apply the organization's signature, and
    sign the draft's PDF attachments (`prepare_attachment_seals`)."""
    issued = prepare_issue(document=document, actor=actor, organization_backend=organization_backend)
    copies = prepare_attachment_seals(document=document, actor=actor, organization_backend=organization_backend)
    return document_services.document_issue(document=document, actor=actor, issued_pdf=issued, attachment_pdfs=copies)


def wants_digital_signature(*, actor: Any) -> bool:
    """Sign digitally when the signer has an active credential in the directory (any backend) or a key file,
    or always when settings.REQUIRE_DIGITAL_SIGNATURE."""
    from signing.credentials import has_active_credential

    return (
        settings.REQUIRE_DIGITAL_SIGNATURE or has_active_credential(actor) or KeyStore().user_key_path(actor).exists()
    )


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


MAX_SEAL_BYTES = 1024 * 1024
SEAL_SIDE_PX = (100, 2000)


def check_seal_png(data: bytes) -> tuple[int, int]:
    """(width, height) of a real PNG (core.images) with transparency (a seal is printed over the signature),
    else ValidationFailed in Vietnamese."""
    png = read_png(data, max_bytes=MAX_SEAL_BYTES, what="Ảnh con dấu")
    if not png.transparent:
        raise ValidationFailed("Ảnh con dấu phải có nền trong suốt (PNG có kênh alpha).", details={"field": "image"})
    low, high = SEAL_SIDE_PX
    if not (low <= png.width <= high and low <= png.height <= high):
        raise ValidationFailed(
            f"Kích thước ảnh {png.width}×{png.height} px không hợp lý: mỗi cạnh từ {low} đến {high} px.",
            details={"field": "image"},
        )
    return png.width, png.height


@transaction.atomic
def seal_image_set(*, actor: Any, organization: Organization, data: bytes, width_mm: Decimal) -> SealImage:
    """The organization's seal image (transparent PNG, checked by content like a signature image) and its real
    width; replaces the one it had. Set by an administrator (the admin) or the organization's head."""
    if not (
        getattr(actor, "is_superuser", False)
        or has_role(user=actor, organization_id=organization.pk, roles=(Role.HEAD,))
    ):
        raise PermissionDenied("Chỉ quản trị hoặc thủ trưởng cơ quan mới được đặt ảnh con dấu.")
    if not Decimal("15") <= width_mm <= Decimal("60"):
        raise ValidationFailed("Đường kính con dấu phải từ 15 đến 60 mm.", details={"field": "width_mm"})
    width, height = check_seal_png(data)
    digest = hashlib.sha256(data).hexdigest()
    seal, _created = SealImage.objects.update_or_create(
        organization=organization,
        defaults={
            "png": data,
            "sha256": digest,
            "width_px": width,
            "height_px": height,
            "width_mm": width_mm,
            "uploaded_at": timezone.now(),
        },
    )
    record_event(
        organization_id=organization.pk,
        actor=actor,
        action="seal_image.set",
        obj=seal,
        details={"sha256": digest, "width_px": width, "height_px": height, "width_mm": str(width_mm)},
    )
    return seal
