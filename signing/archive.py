"""Archive copies that stay verifiable after the certificates expire (PAdES B-LT, B-LTA).

At archiving (`prepare_archive`, before the archive step's transaction): the issued PDF gets one incremental
revision with its DSS — the certificates, OCSP responses and CRLs of every signature and of their timestamps,
fetched now — and, when a TSA is configured, a document timestamp over all of it (B-LTA). The result is the
ARCHIVED artifact; the issued one never changes. pyHanko's difference analysis rates such a revision
LTA_UPDATES, which the organization's lock allows.

Later (`refresh_archive_timestamp`, `manage.py refresh_archive_timestamps`): before the last document
timestamp's TSA certificate expires, the validation data of that timestamp and a new document timestamp are
appended (pyHanko's archival timestamp chain), so the chain of proofs never lapses.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.db import transaction
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from audit.services import record_event
from documents import blobs
from documents.errors import ValidationFailed
from documents.models import ArtifactKind, Document, DocumentArtifact, Status
from signing import timestamps
from signing.verification import load_intermediates, load_trust_roots

logger = logging.getLogger(__name__)


class ArchiveRefused(ValidationFailed):
    """The archive copy cannot vouch for the signatures (revoked, unknown root, unreachable responder)."""

    code = "archive_refused"
    default_message = "Không lập được bản lưu trữ có dữ liệu xác thực dài hạn."


def _context(
    roots: list[asn1_x509.Certificate] | None, *, moment: dt.datetime | None = None, online: bool = True
) -> ValidationContext:
    # hard-fail: a certificate that names an OCSP responder or CRL must get an answer, else the copy would
    # not be verifiable later; a "revoked" answer stops the archive copy.
    kwargs: dict[str, Any] = {
        "trust_roots": roots if roots is not None else load_trust_roots(),
        "other_certs": load_intermediates(),
        "allow_fetching": online,
        "revocation_mode": "hard-fail",
    }
    if moment is not None:
        kwargs["moment"] = moment
    return ValidationContext(**kwargs)


def _name(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.native.get("common_name", "")) or cert.subject.human_friendly


def _refusal(sig: EmbeddedPdfSignature, exc: Exception) -> ArchiveRefused:
    name = _name(sig.signer_cert)
    kind = type(exc).__name__
    if "Revoked" in kind:
        message = f"Chứng thư số của {name} đã bị thu hồi: không lập bản lưu trữ cho văn bản có chữ ký không hợp lệ."
    elif "PathBuilding" in kind:
        message = f"Chứng thư số của {name} không thuộc tổ chức cấp chứng thư được tin cậy: không lập được bản lưu trữ."
    else:
        message = f"Không lấy được dữ liệu xác thực (OCSP/CRL) cho chứng thư số của {name}; hãy thử lưu trữ lại sau."
    logger.info("Archive copy refused for %s: %s", sig.field_name, kind)
    return ArchiveRefused(message, details={"field": str(sig.field_name), "reason": kind})


def archive_copy(
    issued: bytes,
    *,
    trust_roots: list[asn1_x509.Certificate] | None = None,
    timestamper: TimeStamper | None = None,
    use_tsa: bool = True,
) -> bytes:
    """The issued PDF plus one revision with its DSS (B-LT) and, with a TSA, a document timestamp (B-LTA).

    Network and signing work: call it outside any transaction or lock."""
    reader = PdfFileReader(io.BytesIO(issued))
    context = _context(trust_roots)
    signatures = list(reader.embedded_signatures)
    if not signatures:
        raise ArchiveRefused("Bản phát hành không có chữ ký số: không lập bản lưu trữ.")

    async def collect() -> list[Any]:
        paths: list[Any] = []
        try:
            for sig in signatures:
                try:
                    paths += await collect_validation_info(sig, context)
                except Exception as exc:
                    raise _refusal(sig, exc) from None
        finally:
            await context.aclose()  # the HTTP session it opened belongs to this event loop
        return paths

    paths = asyncio.run(collect())
    writer = IncrementalPdfFileWriter(io.BytesIO(issued))
    DocumentSecurityStore.supply_dss_in_writer(writer, None, validation_context=context, paths=paths)
    stamper = timestamper if timestamper is not None else (timestamps.timestamper() if use_tsa else None)
    if stamper is None:
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    # The timestamp's own validation data (TSA chain, its revocation data) goes into a DSS revision after it.
    return PdfTimeStamper(stamper).timestamp_pdf(writer, "sha256", validation_context=_context(trust_roots)).getvalue()


def refreshed_copy(
    archived: bytes, *, timestamper: TimeStamper, trust_roots: list[asn1_x509.Certificate] | None = None
) -> bytes:
    """The archived PDF with the last timestamp's validation data and a new document timestamp appended."""
    reader = PdfFileReader(io.BytesIO(archived))
    output = PdfTimeStamper(timestamper).update_archival_timestamp_chain(reader, _context(trust_roots), in_place=False)
    return output.getvalue()


def _not_after(cert: asn1_x509.Certificate) -> dt.datetime:
    return cert["tbs_certificate"]["validity"]["not_after"].native


def protection_expires(pdf: bytes) -> dt.datetime | None:
    """When the archive copy's newest proof lapses: the TSA certificate of its last document timestamp, or,
    without one, the first of its signers' certificates to expire. None: no signature at all."""
    reader = PdfFileReader(io.BytesIO(pdf))
    signatures = list(reader.embedded_signatures)
    stamps = [s for s in signatures if s.sig_object_type == "/DocTimeStamp"]
    if stamps:
        last = max(stamps, key=lambda s: int(s.byte_range[2]) + int(s.byte_range[3]))
        cert = timestamps.token_signer_certificate(last.signed_data)
        return _not_after(cert if cert is not None else last.signer_cert)
    return min((_not_after(s.signer_cert) for s in signatures), default=None)


def wants_archive_copy(*, document: Document) -> bool:
    """An archive copy is made for a document issued with the organization's signature (an ISSUED artifact)."""
    return (
        document.status == Status.ISSUED
        and DocumentArtifact.objects.filter(document_id=document.pk, kind=ArtifactKind.ISSUED).exists()
    )


def prepare_archive(*, document: Document) -> bytes | None:
    """The archive copy of the issued PDF, or None when the document has no issued PDF. Outside any lock:
    it fetches revocation data and asks the TSA; `document_archive(archived_pdf=…)` then only stores it."""
    artifact = DocumentArtifact.objects.filter(document_id=document.pk, kind=ArtifactKind.ISSUED).first()
    if artifact is None:
        return None
    archived = archive_copy(artifact.read())  # read checked against its SHA-256 (documents.blobs)
    blobs.put(archived)  # stored now, outside the lock; document_archive's own put then finds it
    return archived


def documents_due(*, within_days: int, now: dt.datetime | None = None) -> list[tuple[DocumentArtifact, dt.datetime]]:
    """Archived copies whose protection lapses within `within_days` (each with that date)."""
    limit = (now or dt.datetime.now(dt.UTC)) + dt.timedelta(days=within_days)
    due = []
    artifacts = DocumentArtifact.objects.filter(kind=ArtifactKind.ARCHIVED, document__status=Status.ARCHIVED)
    for artifact in artifacts.only("pk", "document_id", "sha256").iterator(chunk_size=20):
        expires = protection_expires(artifact.read())
        if expires is not None and expires <= limit:
            due.append((artifact, expires))
    return due


def refresh_archive_timestamp(*, artifact: DocumentArtifact, actor: Any = None) -> str:
    """A new document timestamp on one archive copy; returns the new SHA-256.

    The timestamp is made outside the transaction; the row is then locked and replaced only if nobody
    changed it meanwhile, with its audit event (old and new hashes: the new file begins with the old one)."""
    stamper = timestamps.timestamper()
    if stamper is None:
        raise ValidationFailed("Chưa cấu hình máy chủ cấp dấu thời gian (SIGNING_TSA_URL).")
    old_pdf, old_digest = artifact.read(), artifact.sha256  # checked against its SHA-256 (documents.blobs)
    new_pdf = refreshed_copy(old_pdf, timestamper=stamper)
    new_digest = blobs.put(new_pdf)  # before the transaction: a rollback leaves only an unreferenced file
    with transaction.atomic():
        locked = DocumentArtifact.objects.select_for_update().select_related("document").get(pk=artifact.pk)
        if locked.sha256 != old_digest:
            raise ValidationFailed("Bản lưu trữ vừa được thay đổi; hãy chạy lại.")
        locked.sha256 = new_digest
        locked.save(update_fields=["sha256"])
        record_event(
            organization_id=locked.document.organization_id,
            actor=actor,
            action="document.archive_timestamp",
            obj=locked.document,
            details={"previous_sha256": old_digest, "pdf_sha256": new_digest, "tsa": timestamps.tsa_url()},
        )
    return new_digest
