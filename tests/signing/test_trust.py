"""Trust is configuration: roots and intermediates from files or folders, SHA-1 only by an explicit policy, and
"untrusted" (intact, unknown root) kept apart from "invalid" (broken or refused) and "revoked"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from asn1crypto import pem
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.verification import Verdict, load_trust_roots, verify_pdf
from tests.pki import TestPki
from tests.pki.fixtures import blank_pdf, pki, sign_blank  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(pki: TestPki, blank_pdf: bytes) -> bytes:  # noqa: F811
    return sign_blank(blank_pdf, pki.signer())


def test_a_root_dropped_into_the_trust_folder_is_trusted(settings, tmp_path: Path, pki: TestPki, signed: bytes) -> None:  # noqa: F811
    folder = tmp_path / "trust"
    folder.mkdir()
    settings.SIGNING_TRUST_ROOTS = [str(folder)]
    before = verify_pdf(signed)
    assert before.verdict == Verdict.UNTRUSTED
    assert [s.status for s in before.signatures] == ["untrusted"]
    assert before.as_dict()["signatures"][0]["status"] == "untrusted"

    pki.write_roots(folder)  # what the administrator does: drop the CA's certificate in the folder
    (folder / "README.txt").write_text("not a certificate: ignored")
    after = verify_pdf(signed)
    assert after.verdict == Verdict.SIGNED_NOT_ISSUED
    assert [s.status for s in after.signatures] == ["valid"]


def test_roots_as_der_files_and_pem_bundles(settings, tmp_path: Path, pki: TestPki) -> None:  # noqa: F811
    der = tmp_path / "root.cer"
    der.write_bytes(pki.root.dump())
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(pem.armor("CERTIFICATE", pki.root.dump()) + pem.armor("CERTIFICATE", pki.cert("interm").dump()))
    settings.SIGNING_TRUST_ROOTS = [str(der), str(bundle)]
    subjects = [c.subject.native["common_name"] for c in load_trust_roots()]
    assert subjects == ["Root CA thử nghiệm", "Root CA thử nghiệm", "CA trung gian thử nghiệm"]


def test_intermediates_come_from_configuration_when_the_signature_lacks_them(
    settings,
    tmp_path: Path,
    pki: TestPki,  # noqa: F811
    blank_pdf: bytes,  # noqa: F811
) -> None:
    bare = signers.SimpleSigner(
        signing_cert=pki.cert("signer"),
        signing_key=pki.arch.key_set.get_private_key("signer"),
        cert_registry=SimpleCertificateStore.from_certs([]),  # the CMS carries the signer's certificate only
    )
    pdf = sign_blank(blank_pdf, bare)
    settings.SIGNING_TRUST_ROOTS = [str(pki.write_roots(tmp_path / "roots"))]
    assert verify_pdf(pdf).verdict == Verdict.UNTRUSTED  # no path to the root without the intermediate
    (tmp_path / "intermediates").mkdir()
    (tmp_path / "intermediates" / "interm.pem").write_bytes(pem.armor("CERTIFICATE", pki.cert("interm").dump()))
    settings.SIGNING_TRUST_INTERMEDIATES = [str(tmp_path / "intermediates")]
    assert verify_pdf(pdf).verdict == Verdict.SIGNED_NOT_ISSUED


def test_sha1_is_refused_unless_the_policy_allows_it_for_older_signatures(
    settings,
    pki: TestPki,  # noqa: F811
    blank_pdf: bytes,  # noqa: F811
) -> None:
    pdf = sign_blank(blank_pdf, pki.signer(), md_algorithm="sha1")
    roots = [pki.root]

    settings.SIGNING_ALLOW_SHA1_BEFORE = ""
    refused = verify_pdf(pdf, trust_roots=roots)
    assert refused.verdict == Verdict.INVALID  # not "untrusted": the certificate is fine, the algorithm is not
    assert [s.status for s in refused.signatures] == ["invalid"]
    assert "SHA-1" in refused.summary

    settings.SIGNING_ALLOW_SHA1_BEFORE = "2015-01-01"  # signatures made before 2015 only: this one is newer
    assert verify_pdf(pdf, trust_roots=roots).verdict == Verdict.INVALID
    assert "01/01/2015" in verify_pdf(pdf, trust_roots=roots).summary

    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)
    settings.SIGNING_ALLOW_SHA1_BEFORE = tomorrow.isoformat()
    allowed = verify_pdf(pdf, trust_roots=roots)
    assert allowed.verdict == Verdict.SIGNED_NOT_ISSUED, allowed.summary

    sha256 = sign_blank(blank_pdf, pki.signer())
    settings.SIGNING_ALLOW_SHA1_BEFORE = ""
    assert verify_pdf(sha256, trust_roots=roots).verdict == Verdict.SIGNED_NOT_ISSUED


def test_a_revoked_certificate_is_revoked_not_untrusted(pki: TestPki, blank_pdf: bytes) -> None:  # noqa: F811
    pdf = sign_blank(blank_pdf, pki.signer("revoked"))
    report = verify_pdf(pdf, trust_roots=[pki.root], online=True)  # the local OCSP responder answers
    assert report.verdict == Verdict.REVOKED
    assert [s.status for s in report.signatures] == ["revoked"]
    assert "Trần Thị Thu Hồi đã bị thu hồi" in report.summary
    assert report.as_dict()["signatures"][0]["revoked"] is True
    # Offline, with no revocation data in the file, nobody can know: intact and trusted as far as it shows.
    assert verify_pdf(pdf, trust_roots=[pki.root]).verdict == Verdict.SIGNED_NOT_ISSUED


def test_the_api_and_the_page_show_untrusted_apart_from_invalid(
    client, settings, tmp_path: Path, signed: bytes
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.SIGNING_TRUST_ROOTS = [str(tmp_path)]  # an empty folder: nothing trusted
    response = client.post(
        reverse("signing-api:verify"),
        {"file": SimpleUploadedFile("a.pdf", signed, content_type="application/pdf")},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "untrusted"
    assert body["signatures"][0]["status"] == "untrusted"


def test_the_receiving_clerks_check_refuses_sha1_as_invalid_not_untrusted(pki: TestPki, blank_pdf: bytes) -> None:  # noqa: F811
    from documents.models import SignatureVerdict
    from signing.arrivals import check_arrival_pdf

    result = check_arrival_pdf(sign_blank(blank_pdf, pki.signer(), md_algorithm="sha1"), trust_roots=[pki.root])
    assert result.verdict == SignatureVerdict.MODIFIED
    assert "thuật toán không được chấp nhận" in result.reason
    assert check_arrival_pdf(sign_blank(blank_pdf, pki.signer()), trust_roots=[]).verdict == SignatureVerdict.UNTRUSTED
