"""Sign → register → fill and seal → verify, with real keys, real PDFs, and tampering that must show."""

from __future__ import annotations

import hashlib
import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from documents.models import ArtifactKind, Status
from signing.rendering import ORGANIZATION_FIELD, SIGNER_FIELD, render_pdf
from signing.verification import UnreadablePdf, Verdict, verify_pdf
from tests.signing.conftest import as_trust_root
from tests.signing.helpers import artifact, issued_document, signed_document


def test_issued_plan_verifies_with_both_signatures_intact_and_only_form_filling(office_keys, trust_roots):
    # given a plan signed KT. by the deputy, numbered by the clerk and sealed by the organization
    document = issued_document(office_keys)

    # when anyone verifies the PDF the recipients received
    report = verify_pdf(artifact(document), trust_roots=trust_roots)

    # then both signatures are intact and trusted, and the signer's saw only the number and date filled
    assert report.ok, report.summary
    signer, organization = report.signatures
    assert (signer.field_name, organization.field_name) == (SIGNER_FIELD, ORGANIZATION_FIELD)
    assert signer.signer_name == office_keys.deputy.full_name
    assert organization.signer_name == office_keys.organization.name
    assert signer.intact
    assert signer.valid
    assert signer.trusted
    assert signer.certifying
    assert signer.modification_level == "FORM_FILLING"
    assert set(signer.changed_fields) <= {"so", "ngay", "thang", "nam"}
    assert "so" in signer.changed_fields
    assert organization.intact
    assert organization.trusted
    assert organization.modification_level == "NONE"
    assert [c.subject.split("Common Name: ")[1].split(",")[0] for c in signer.chain] == [
        office_keys.deputy.full_name,
        "CA thử nghiệm của bộ kiểm thử",
    ]
    assert signer.signing_time is not None
    assert signer.signing_time.utcoffset().total_seconds() == 7 * 3600


def test_issued_pdf_holds_the_number_and_date_in_its_fields_and_is_stored_with_its_hash(office_keys):
    # given an issued plan
    document = issued_document(office_keys)
    stored = document.artifacts.get(kind=ArtifactKind.ISSUED)

    # when its form fields are read back
    fields = PdfReader(io.BytesIO(stored.read())).get_fields()

    # then they hold the register's number and date as printed lines (one field per line, issue 12), and the
    # stored hash is the bytes' hash
    assert document.status == Status.ISSUED
    assert fields["so"]["/V"] == f"Số: {document.number:02d}/KH-{office_keys.organization.abbreviation}"
    day, year = f"{document.issue_date.day:02d}", document.issue_date.year
    assert fields["ngay"]["/V"].startswith(f"{office_keys.organization.place_name}, ngày {day} tháng ")
    assert fields["ngay"]["/V"].endswith(f" năm {year}")
    assert "thang" not in fields
    assert "nam" not in fields
    assert stored.sha256 == hashlib.sha256(stored.read()).hexdigest()


def test_signed_pdf_has_the_organization_field_empty_before_the_clerk(office_keys, trust_roots):
    # given a plan just signed by its signer
    document = signed_document(office_keys)
    signed = artifact(document, ArtifactKind.SIGNED)

    # when it is read
    reader = PdfFileReader(io.BytesIO(signed))
    fields = PdfReader(io.BytesIO(signed)).get_fields()

    # then the signer's certification signature is there, the organization's field waits empty
    assert [s.field_name for s in reader.embedded_signatures] == [SIGNER_FIELD]
    assert ORGANIZATION_FIELD in fields
    assert fields[ORGANIZATION_FIELD].get("/V") is None
    assert fields["so"]["/V"] == ""
    assert verify_pdf(signed, trust_roots=trust_roots).ok


def test_one_byte_changed_in_the_signed_content_is_reported_as_tampered(office_keys, trust_roots):
    # given an issued plan with one byte of its first stream altered
    data = bytearray(artifact(issued_document(office_keys)))
    position = data.index(b"stream\n") + len(b"stream\n") + 20
    data[position] ^= 0x01

    # when it is verified
    report = verify_pdf(bytes(data), trust_roots=trust_roots)

    # then it fails, and says the signer's signature no longer matches the content
    assert not report.ok
    signer = report.signatures[0]
    assert not signer.intact
    assert "không còn nguyên vẹn" in " ".join(signer.problems)
    assert report.verdict == Verdict.CHANGED_AFTER_ISSUE
    assert report.summary.startswith("Văn bản đã bị thay đổi sau khi ban hành — không hợp lệ.")


def test_body_text_changed_in_an_incremental_update_is_reported(office_keys, trust_roots):
    # given an issued plan whose first page is replaced, in an incremental update, by a rendering of other text
    document = issued_document(office_keys)
    document.body = document.body.replace("Nâng cao chất lượng", "Hủy bỏ toàn bộ")
    forged_page = PdfFileReader(io.BytesIO(render_pdf(document).pdf)).root["/Pages"]["/Kids"][0]
    writer = IncrementalPdfFileWriter(io.BytesIO(artifact(document)))
    page = writer.root["/Pages"]["/Kids"][0]
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=forged_page["/Contents"].data))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)

    # when it is verified
    report = verify_pdf(out.getvalue(), trust_roots=trust_roots)

    # then both signatures are still intact bytes-wise, but the change after them is called out
    assert not report.ok
    signer, organization = report.signatures
    assert signer.intact
    assert signer.modification_level == "OTHER"
    assert any("ngoài việc điền số và ngày" in p for p in signer.problems)
    assert organization.modification_level == "OTHER"


def test_a_signature_from_an_untrusted_ca_is_intact_but_not_trusted(office_keys, other_ca):
    # given an issued plan, and a trust root that did not issue its keys
    document = issued_document(office_keys)

    # when it is verified against that root
    report = verify_pdf(artifact(document), trust_roots=[as_trust_root(other_ca)])

    # then the bytes are intact but nobody vouches for the signers
    assert not report.ok
    assert all(s.intact and not s.trusted for s in report.signatures)
    assert "không được một tổ chức cấp chứng thư tin cậy xác thực" in report.summary


def test_a_pdf_without_signatures_or_not_a_pdf_at_all_is_refused_clearly(office_keys, trust_roots):
    # given an unsigned rendering and some bytes that are not a PDF
    document = signed_document(office_keys)
    unsigned = render_pdf(document).pdf

    # when both are verified
    unsigned_report = verify_pdf(unsigned, trust_roots=trust_roots)
    with pytest.raises(UnreadablePdf) as garbage:
        verify_pdf(b"%PDF-1.7\nnot really", trust_roots=trust_roots)

    # then each says why, in Vietnamese: no signature is a verdict, an unreadable file is refused
    assert not unsigned_report.ok
    assert unsigned_report.verdict == Verdict.UNSIGNED
    assert unsigned_report.problems == ["Tệp không có chữ ký số nào."]
    assert "Không đọc được tệp PDF" in garbage.value.message
