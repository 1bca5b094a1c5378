"""RFC 3161 timestamps from a real TSA (Certomancer's, tests/pki): on the signer's and the organization's
signatures and on an auditor's sealed PDF when SIGNING_TSA_URL is set; verification then shows the
timestamp's time as the signing time and says so."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.models import ArtifactKind, Status
from signing import pades
from signing.keys import KeyStore
from signing.timestamps import TimestampUnavailable, signature_timestamp_time
from signing.verification import Verdict, verify_pdf
from tests.factories import Office
from tests.pki import TestPki
from tests.pki.fixtures import blank_pdf, pki, tsa  # noqa: F401 - fixtures
from tests.signing.conftest import as_trust_root
from tests.signing.helpers import artifact, issued_document, signed_document

pytestmark = pytest.mark.django_db


def _stamp_times(pdf: bytes) -> list[dt.datetime | None]:
    reader = PdfFileReader(io.BytesIO(pdf))
    return [signature_timestamp_time(sig.signer_info) for sig in reader.embedded_signatures]


def test_both_signatures_carry_a_timestamp_and_verification_shows_its_time(
    office_keys: Office,
    test_ca,
    tsa: TestPki,  # noqa: F811
) -> None:
    before = dt.datetime.now(dt.UTC)
    document = issued_document(office_keys)
    after = dt.datetime.now(dt.UTC)
    pdf = artifact(document, ArtifactKind.ISSUED)
    times = _stamp_times(pdf)
    assert len(times) == 2
    assert all(t is not None and before - dt.timedelta(seconds=2) <= t <= after for t in times)

    report = verify_pdf(pdf, trust_roots=[as_trust_root(test_ca), tsa.root])
    assert report.verdict == Verdict.ISSUED, report.summary
    for signature, stamped in zip(report.signatures, times, strict=True):
        assert signature.signing_time_source == "timestamp"
        assert signature.timestamp_authority == "TSA thử nghiệm"
        assert signature.signing_time == stamped
    as_json = report.as_dict()["signatures"][0]
    assert as_json["signing_time_source"] == "timestamp"
    assert as_json["signing_time"] == times[0].astimezone(report.signatures[0].signing_time.tzinfo).isoformat()


def test_the_verify_page_says_the_time_is_a_timestamp(client, settings, office_keys: Office, tsa: TestPki) -> None:  # noqa: F811
    pdf = artifact(signed_document(office_keys), ArtifactKind.SIGNED)
    settings.SIGNING_TRUST_ROOTS = []  # KEYSTORE_DIR/ca.pem: the office's CA; the TSA's root is not needed to show
    response = client.post(reverse("signing:verify"), {"file": SimpleUploadedFile("a.pdf", pdf)})
    assert response.status_code == 200
    assert "theo dấu thời gian của TSA thử nghiệm" in response.content.decode()


def test_without_a_tsa_signatures_are_as_before(settings, office_keys: Office, test_ca) -> None:
    settings.SIGNING_TSA_URL = ""
    pdf = artifact(signed_document(office_keys), ArtifactKind.SIGNED)
    assert _stamp_times(pdf) == [None]
    report = verify_pdf(pdf, trust_roots=[as_trust_root(test_ca)])
    assert report.signatures[0].signing_time_source == "signer"
    assert report.verdict == Verdict.SIGNED_NOT_ISSUED


def test_the_auditors_sealed_pdf_carries_a_timestamp(office_keys: Office, tsa: TestPki, blank_pdf: bytes) -> None:  # noqa: F811
    key = KeyStore().for_organization(office_keys.organization)
    sealed = pades.seal_pdf(blank_pdf, key=key, organization_name="Phòng thử", reason="Xác nhận")
    assert _stamp_times(sealed)[0] is not None


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_tsa_that_does_not_answer_is_a_503_and_nothing_is_signed(settings, office_keys: Office) -> None:
    from signing import services as signing_services
    from tests.factories import advance, make_draft

    settings.SIGNING_TSA_URL = f"http://127.0.0.1:{_closed_port()}/tsa"
    document = advance(make_draft(office_keys, signer=office_keys.head), office_keys, to="awaiting_signature")
    with pytest.raises(TimestampUnavailable) as caught:
        signing_services.sign_document(document=document, actor=office_keys.head)
    assert caught.value.http_status == 503
    assert "dấu thời gian" in caught.value.message
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert not document.artifacts.exists()
