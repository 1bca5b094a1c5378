"""One verdict per uploaded PDF, in Vietnamese on the page and as a code in the API."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from documents.models import ArtifactKind
from signing.verification import Verdict, verify_pdf
from tests.signing.conftest import as_trust_root
from tests.signing.helpers import artifact, issued_document, signed_document

NOT_ISSUED = "Văn bản đã ký nhưng chưa được phát hành (chưa có chữ ký của cơ quan, chưa có số và ngày)."


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("van-ban.pdf", data, content_type="application/pdf")


def test_a_pdf_signed_by_the_signer_only_is_signed_but_not_issued(client, office_keys):
    # given the signer's PDF: no number, no date, no organization's signature
    signed = artifact(signed_document(office_keys), ArtifactKind.SIGNED)

    # when it is verified on the page and through the API
    page = client.post("/verify/", {"file": _upload(signed)})
    api = client.post("/api/signing/verify/", {"file": _upload(signed)})

    # then both say it was signed but never issued, and the page does not call it valid
    assert page.status_code == 200
    assert NOT_ISSUED in page.content.decode()
    assert "Văn bản đã ban hành" not in page.content.decode()
    assert api.json()["verdict"] == "signed_not_issued"
    assert api.json()["verdict_message"] == NOT_ISSUED
    assert api.json()["summary"].startswith(NOT_ISSUED)


def test_an_issued_pdf_is_issued_and_intact_in_the_api(client, office_keys):
    # given the PDF the recipients received
    issued = artifact(issued_document(office_keys))

    # when it is posted to the API
    body = client.post("/api/signing/verify/", {"file": _upload(issued)}).json()

    # then the verdict code and its message say issued and intact
    assert body["verdict"] == "issued"
    assert body["verdict_message"] == "Văn bản đã ban hành, nguyên vẹn."
    assert body["ok"] is True


def test_the_signers_pdf_altered_before_issue_is_changed_after_signing(office_keys, trust_roots):
    # given the signer's PDF with one signed byte flipped
    data = bytearray(artifact(signed_document(office_keys), ArtifactKind.SIGNED))
    data[data.index(b"stream\n") + 30] ^= 0x01

    # when it is verified, then it was changed after signing (it was never issued)
    report = verify_pdf(bytes(data), trust_roots=trust_roots)
    assert report.verdict == Verdict.CHANGED_AFTER_SIGNING
    assert report.summary.startswith("Văn bản đã bị thay đổi sau khi ký — không hợp lệ.")


def test_an_intact_pdf_from_an_unknown_ca_is_untrusted_not_invalid(office_keys, other_ca):
    # given an issued plan checked against a root that did not issue its keys
    issued = artifact(issued_document(office_keys))

    # when it is verified
    report = verify_pdf(issued, trust_roots=[as_trust_root(other_ca)])

    # then the verdict is "untrusted", and no signature is called tampered
    assert report.verdict == Verdict.UNTRUSTED
    assert not any(s.tampered for s in report.signatures)
    assert report.summary.startswith("Văn bản được ký bằng chứng thư số mà hệ thống không tin cậy")


def test_without_configured_trust_roots_the_verdict_is_untrusted(office_keys):
    # given an issued plan and no trust root at all
    issued = artifact(issued_document(office_keys))

    # when it is verified, then nobody can be vouched for
    assert verify_pdf(issued, trust_roots=[]).verdict == Verdict.UNTRUSTED


def test_the_api_schema_lists_every_verdict_code(tmp_path, db):
    # when the OpenAPI schema is generated (and validated)
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    # then the verdict is an enum of the codes the API answers with
    text = (tmp_path / "schema.yaml").read_text()
    assert all(f"- {verdict.value}" in text for verdict in Verdict)
    assert "verdict_message" in text
