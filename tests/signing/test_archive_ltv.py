"""Archive copies that outlive the certificates: the archive step stores the issued PDF plus its validation data
(DSS: certificates, OCSP, CRLs, PAdES B-LT) and a document timestamp (B-LTA); it validates offline and after the
signer's certificate expired, where the issued copy cannot; refresh_archive_timestamps renews only what lapses.

Real parts: the flow's own steps, Certomancer's TSA, OCSP responder and CRLs on a local port (tests/pki)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from audit.models import AuditEvent
from documents.models import ArtifactKind, Document, DocumentArtifact, Status
from signing import archive
from signing.timestamps import signature_timestamp_time
from signing.verification import Verdict, verify_pdf
from tests.factories import Office, start_draft
from tests.pki import PASSPHRASE, TestPki
from tests.pki.fixtures import blank_pdf, pki, sign_blank, tsa  # noqa: F401 - fixtures
from tests.workflow.helpers import run_steps

pytestmark = pytest.mark.django_db

ALL_STEPS = ("submit", "approve", "sign", "register", "issue", "archive")


@pytest.fixture
def pki_office(settings, tmp_path: Path, office: Office, pki: TestPki) -> Office:  # noqa: F811
    """The office's keys issued by the test PKI (OCSP and CRL URLs at the local responder), its root trusted."""
    keys = tmp_path / "keys"
    settings.KEYSTORE_DIR, settings.SIGNING_KEY_PASSPHRASE = keys, ""
    settings.SIGNING_TRUST_ROOTS = [str(pki.write_roots(tmp_path / "trust"))]
    for relative, label in [
        (f"users/{office.head.username}.p12", "signer"),
        (f"users/{office.deputy.username}.p12", "signer"),
        (f"organizations/org-{office.organization.pk}.p12", "org"),
    ]:
        path = keys / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pki.pkcs12(label))
        path.with_name(path.name + ".pass").write_bytes(PASSPHRASE)
    return office


def _archived(office: Office) -> Document:
    document = run_steps(start_draft(office), office, *ALL_STEPS)
    assert document.status == Status.ARCHIVED
    return document


def _pdf(document: Document, kind: str) -> tuple[bytes, str]:
    artifact = DocumentArtifact.objects.get(document=document, kind=kind)
    return artifact.read(), artifact.sha256


def test_the_archive_step_stores_a_b_lta_copy_that_outlives_the_certificates(
    pki_office: Office,
    tsa: TestPki,  # noqa: F811
    tmp_path: Path,
) -> None:
    document = _archived(pki_office)

    # the archived copy exists with its hash; the issued one is a prefix of it, unchanged
    archived, digest = _pdf(document, ArtifactKind.ARCHIVED)
    issued, issued_digest = _pdf(document, ArtifactKind.ISSUED)
    assert hashlib.sha256(archived).hexdigest() == digest
    assert hashlib.sha256(issued).hexdigest() == issued_digest
    assert archived.startswith(issued)
    assert len(archived) > len(issued)
    event = AuditEvent.objects.filter(action="document.archive").latest("pk")
    assert event.details["pdf_sha256"] == digest

    # today, offline: issued, every signature valid, the organization's untouched by the archive revision
    report = verify_pdf(archived)
    assert report.verdict == Verdict.ISSUED, report.summary
    assert [s.status for s in report.signatures] == ["valid", "valid"]
    assert report.has_validation_data
    assert [t.trusted for t in report.timestamps] == [True]
    organization = next(s for s in report.signatures if s.is_organization)
    assert organization.modification_level == "LTA_UPDATES"
    assert organization.changed_fields == []

    # three years on, the signers' certificates expired: the archive copy still proves them, the issued cannot
    later = tsa.now + dt.timedelta(days=3 * 365)
    assert verify_pdf(archived, moment=later).verdict == Verdict.ISSUED
    assert all(s.validated_at is not None for s in verify_pdf(archived, moment=later).signatures)
    stale = verify_pdf(issued, moment=later)
    assert stale.verdict == Verdict.INVALID
    assert "không có hiệu lực tại thời điểm kiểm tra" in stale.summary

    # pyHanko alone, fetching off, as of the signature's timestamp with the archived data (hard-fail revocation)
    for label, pdf, expected in [("archived", archived, True), ("issued", issued, False)]:
        reader = PdfFileReader(io.BytesIO(pdf))
        for sig in reader.embedded_signatures:
            if sig.sig_object_type == "/DocTimeStamp":
                continue
            kwargs = {
                "trust_roots": [tsa.root],
                "allow_fetching": False,
                "moment": signature_timestamp_time(sig.signer_info),
                "retroactive_revinfo": True,
                "revocation_mode": "hard-fail",
            }
            try:
                context = DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
            except NoDSSFoundError:  # the issued copy: no revocation data at all
                context = ValidationContext(ocsps=[], crls=[], **kwargs)
            assert validate_pdf_signature(sig, context).bottom_line is expected, label

    # poppler's pdfsig accepts both signatures of the archive copy
    path = tmp_path / "archived.pdf"
    path.write_bytes(archived)
    result = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=False)  # noqa: S603, S607
    assert result.stdout.count("Signature Validation: Signature is Valid.") == 2, result.stdout


def test_refresh_adds_a_timestamp_only_where_the_last_one_expires_soon(
    settings,
    pki_office: Office,
    pki: TestPki,  # noqa: F811
) -> None:
    settings.SIGNING_TSA_URL = pki.short_tsa_url  # a TSA whose certificate expires in 100 days
    near = _archived(pki_office)
    settings.SIGNING_TSA_URL = pki.tsa_url  # 30 years
    far = _archived(pki_office)
    near_before, near_digest = _pdf(near, ArtifactKind.ARCHIVED)
    far_before, _ = _pdf(far, ArtifactKind.ARCHIVED)
    assert archive.protection_expires(near_before) < pki.now + dt.timedelta(days=101)

    call_command("refresh_archive_timestamps", "--within-days", "30")  # nothing lapses within 30 days
    assert _pdf(near, ArtifactKind.ARCHIVED)[0] == near_before

    call_command("refresh_archive_timestamps")  # default: 365 days
    near_after, near_after_digest = _pdf(near, ArtifactKind.ARCHIVED)
    assert _pdf(far, ArtifactKind.ARCHIVED)[0] == far_before
    assert near_after.startswith(near_before)
    assert hashlib.sha256(near_after).hexdigest() == near_after_digest
    report = verify_pdf(near_after)
    assert report.verdict == Verdict.ISSUED, report.summary
    assert [t.authority for t in report.timestamps] == ["TSA sắp hết hạn", "TSA thử nghiệm"]
    assert archive.protection_expires(near_after) > pki.now + dt.timedelta(days=20 * 365)
    event = AuditEvent.objects.get(action="document.archive_timestamp")
    assert event.details["previous_sha256"] == near_digest
    assert event.details["pdf_sha256"] == near_after_digest


def test_without_a_tsa_the_copy_is_b_lt_and_a_revoked_signer_is_refused(
    settings,
    pki: TestPki,  # noqa: F811
    blank_pdf: bytes,  # noqa: F811
) -> None:
    settings.SIGNING_TSA_URL = ""
    copy = archive.archive_copy(sign_blank(blank_pdf, pki.signer()), trust_roots=[pki.root])
    report = verify_pdf(copy, trust_roots=[pki.root])
    assert report.has_validation_data
    assert report.timestamps == []
    assert report.verdict == Verdict.SIGNED_NOT_ISSUED

    with pytest.raises(archive.ArchiveRefused) as refused:
        archive.archive_copy(sign_blank(blank_pdf, pki.signer("revoked")), trust_roots=[pki.root])
    assert "Trần Thị Thu Hồi đã bị thu hồi" in refused.value.message
    assert refused.value.http_status < 500
