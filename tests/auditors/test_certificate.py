"""The trail certificate: a PDF sealed with the organization's key, its steps readable, its QR code the public
check's URL, and the public page showing what it states to whoever holds its id and hash."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import segno
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from auditors.models import TrailCertificate
from signing.verification import verify_pdf
from tests.factories import Office
from tests.signing.helpers import issued_document

pytestmark = pytest.mark.django_db


def _qr_matrix_from_png(image, *, scale: int = 4, border: int = 4) -> list[list[bool]]:
    """Read the modules back from the QR image (dark = True), sampling each module's centre."""
    gray = image.convert("L")
    modules = gray.width // scale - 2 * border
    half = scale // 2
    return [
        [gray.getpixel(((border + x) * scale + half, (border + y) * scale + half)) < 128 for x in range(modules)]
        for y in range(modules)
    ]


def test_the_certificate_is_sealed_lists_the_steps_and_its_qr_leads_to_the_public_check(
    client, office_keys: Office, trust_roots: list, tmp_path
) -> None:
    office = office_keys
    document = issued_document(office)
    client.force_login(office.auditor)
    # when the auditor exports the certificate
    response = client.post(reverse("auditors:certificate", args=[document.pk]))
    # then a PDF comes back, sealed by the organization with a signature pyHanko validates
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    report = verify_pdf(pdf, trust_roots=trust_roots)
    assert len(report.signatures) == 1
    seal = report.signatures[0]
    assert seal.intact
    assert seal.valid
    assert seal.trusted
    assert seal.signer_name == office.organization.name or office.organization.name in seal.chain[0].subject
    # the steps, the signatures and the hashes are in its text
    path = tmp_path / "chung-nhan.pdf"
    path.write_bytes(pdf)
    command = ["pdftotext", str(path), "-"]  # poppler-utils, a fixed command on a file the test wrote
    text = subprocess.run(command, capture_output=True, check=True, text=True).stdout  # noqa: S603
    for words in ("CHỨNG NHẬN QUÁ TRÌNH XỬ LÝ VĂN BẢN", "Trình duyệt", "Cấp số", "Phát hành", document.code):
        assert words in " ".join(text.split()), text
    assert office.deputy.full_name in text  # the signer (KT.) in the steps and the signatures
    issued = TrailCertificate.objects.get()
    flat = re.sub(r"\s+", "", text)
    assert issued.digest in flat
    assert document.artifacts.get(kind="issued").sha256 in flat
    # the export itself is on the organization's chain
    assert AuditEvent.objects.filter(action="document.trail_certificate", object_id=str(document.pk)).exists()
    # the QR code is the public check's URL
    url = "http://testserver" + reverse("auditors:verify", args=[issued.pk, issued.digest])
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert images, "the certificate has its QR image"
    assert _qr_matrix_from_png(images[0].image) == [
        [bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix
    ]
    # and whoever holds id and hash, signed in or not, sees what it states
    client.logout()
    public = client.get(url)
    assert public.status_code == 200
    page = public.content.decode()
    assert document.code in page
    assert "Phát hành" in page
    assert "127.0.0.1" not in page  # no client address: the certificate does not state it
    wrong = client.get(reverse("auditors:verify", args=[issued.pk, "0" * 64]))
    assert wrong.status_code == 404


def test_only_the_issuing_organizations_auditor_exports_a_certificate(client, office_keys: Office) -> None:
    office = office_keys
    document = issued_document(office)
    client.force_login(office.head)  # reads the document and its trail, but not the full history
    assert client.get(reverse("auditors:trail", args=[document.pk])).status_code == 200
    response = client.post(reverse("auditors:certificate", args=[document.pk]))
    assert response.status_code == 403
    assert not TrailCertificate.objects.exists()
