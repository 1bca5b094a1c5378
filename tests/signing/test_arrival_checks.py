"""The signature check of every arrival's PDF (signing.arrivals): real PDFs, real keys of real (throwaway) CAs.

Valid (signed by a key of the trusted test CA), untrusted (a second CA nobody configured), modified (content drawn
over the page in an incremental update, or a signed byte flipped), unsigned; stored on receipt, shown beside the
document on the arrival page and in the API, and refused in one click with the reason filled in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import ArrivalCheck, DeliveryStatus, Origin, SignatureVerdict
from documents.services.outside import OutsideParticulars, outside_arrival_create, outside_sender
from signing.arrivals import check_arrival_pdf
from tests.factories import Office, document_type, make_office
from tests.signing.foreign import change_after_signing, flip_signed_byte, foreign_signer, letter_pdf, sign_foreign
from tests.signing.helpers import artifact, issued_document

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def letter() -> bytes:
    return letter_pdf()


@pytest.fixture
def signed_by_trusted(letter, test_ca, keystore, tmp_path) -> bytes:
    signer = foreign_signer(test_ca, tmp_path, common_name="Nguyễn Văn Giám", organization="Sở GD&ĐT Long An")
    return sign_foreign(letter, signer)


@pytest.fixture
def signed_by_stranger(letter, other_ca, keystore, tmp_path) -> bytes:
    signer = foreign_signer(other_ca, tmp_path, common_name="Nguyễn Văn Lạ", organization="Cơ quan lạ")
    return sign_foreign(letter, signer)


def test_a_pdf_signed_with_a_trusted_key_is_valid_and_names_its_signer(signed_by_trusted):
    # given another office's PDF, signed with a key of the CA this system trusts
    # when it is checked
    result = check_arrival_pdf(signed_by_trusted)
    # then it is valid, and the signer, their organization, the time and the issuing CA are named
    assert result.verdict == SignatureVerdict.VALID
    [signer] = result.signers
    assert (signer["name"], signer["organization"]) == ("Nguyễn Văn Giám", "Sở GD&ĐT Long An")
    assert signer["issuer"] == "CA thử nghiệm của bộ kiểm thử"
    assert signer["signing_time"] is not None


def test_a_pdf_signed_by_an_unknown_ca_is_untrusted_not_invalid(signed_by_stranger):
    # given a PDF signed with a key of a CA nobody configured, its bytes untouched
    # when it is checked
    result = check_arrival_pdf(signed_by_stranger)
    # then it is untrusted (shown apart from invalid), and the reason says so
    assert result.verdict == SignatureVerdict.UNTRUSTED
    assert result.reason.startswith("Chữ ký số không xác thực được")
    assert result.signers[0]["intact"] is True


def test_content_drawn_over_the_page_after_signing_is_modified(signed_by_trusted):
    # given the trusted PDF with a red box drawn over page 1 in an incremental update
    tampered = change_after_signing(signed_by_trusted)
    # when it is checked
    result = check_arrival_pdf(tampered)
    # then it was changed after signing, though the signed bytes themselves are intact
    assert result.verdict == SignatureVerdict.MODIFIED
    assert result.reason == "Chữ ký số không hợp lệ: văn bản đã bị thay đổi sau khi ký."
    assert result.signers[0]["intact"] is True
    assert result.signers[0]["modification_level"] == "OTHER"


def test_a_flipped_byte_inside_the_signed_range_is_modified(signed_by_trusted):
    # given the trusted PDF with one signed byte flipped
    # when it is checked, then the signature no longer covers what is there
    result = check_arrival_pdf(flip_signed_byte(signed_by_trusted))
    assert result.verdict == SignatureVerdict.MODIFIED
    assert result.signers[0]["intact"] is False


def test_an_unsigned_pdf_and_a_broken_file(letter, keystore):
    # given a PDF without any signature, and bytes that are not a PDF at all
    # when each is checked, then the first is unsigned and the second is a finding, not an exception
    assert check_arrival_pdf(letter).verdict == SignatureVerdict.UNSIGNED
    broken = check_arrival_pdf(b"%PDF-1.7\n" + b"\x00" * 64)
    assert broken.verdict == SignatureVerdict.MODIFIED
    assert "tệp PDF hỏng" in broken.reason


def test_our_own_issued_pdf_is_valid_and_a_renumbered_one_is_not(office_keys):
    # given a plan issued here (signer's certification, clerk's seal with its field lock)
    issued = artifact(issued_document(office_keys))
    # when it is checked as an arrival, then it is valid; with a signed byte flipped, modified
    assert check_arrival_pdf(issued).verdict == SignatureVerdict.VALID
    assert check_arrival_pdf(flip_signed_byte(issued)).verdict == SignatureVerdict.MODIFIED


# --- on receipt, on the page, in the API --------------------------------------------------------------------


def _arrive(office: Office, pdf: bytes, *, external_id: str):
    return outside_arrival_create(
        receiver=office.organization,
        sender=outside_sender(name="Sở Giáo dục và Đào tạo", parent_line_name="UBND TỈNH LONG AN"),
        particulars=OutsideParticulars(
            doc_type=document_type("ke_hoach"),
            subject="Tổ chức hội thi giáo viên dạy giỏi cấp tỉnh năm học 2025 - 2026",
            code="120/KH-SGDĐT",
            number=120,
            issue_date=dt.date(2026, 1, 5),
            external_id=external_id,
        ),
        origin=Origin.EXCHANGE,
        pdf=pdf,
    )


def test_an_arrival_changed_after_signing_is_shown_invalid_and_refused_in_one_click(client, signed_by_trusted):
    # given a Phòng, and a packet whose PDF was changed after signing
    office = make_office(name="Phòng Giáo dục và Đào tạo", place_name="Cần Giuộc", abbreviation="PGDĐT")
    delivery = _arrive(office, change_after_signing(signed_by_trusted), external_id="000.00.12.H41,2026/01/05,120")

    # then the check was stored on receipt, in the receiver's audit chain
    check = ArrivalCheck.objects.get(document=delivery.document)
    assert check.verdict == SignatureVerdict.MODIFIED
    assert AuditEvent.objects.filter(organization=office.organization, action="document.signature_checked").exists()

    # when the clerk opens the arrival
    client.force_login(office.clerk)
    page = client.get(reverse("receiving:arrival", args=[delivery.pk])).content.decode()
    # then the verdict is beside the document, in words and colour, with a refusal whose reason is filled in
    assert 'class="signature-check modified"' in page
    assert "✗ Không hợp lệ: bị thay đổi sau khi ký" in page
    assert "Nguyễn Văn Giám" in page
    assert ">Chữ ký số không hợp lệ: văn bản đã bị thay đổi sau khi ký.</textarea>" in page

    # and the API says the same
    body = client.get(f"/api/arrivals/{delivery.pk}/").json()
    assert [(c["verdict"], c["reason"]) for c in body["signature_checks"]] == [("modified", check.reason)]

    # when the clerk presses "Từ chối (02)" as it stands
    response = client.post(reverse("receiving:act", args=[delivery.pk, "refuse"]), {"reason": check.reason})
    # then the arrival is refused with that reason, which the sender reads
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.note) == (DeliveryStatus.REFUSED, check.reason)


def test_an_arrival_signed_by_an_unknown_ca_is_shown_untrusted(client, signed_by_stranger):
    # given an arrival whose PDF is intact but signed by a CA nobody configured
    office = make_office(name="Phòng Giáo dục và Đào tạo", place_name="Cần Đước", abbreviation="PGDĐT")
    delivery = _arrive(office, signed_by_stranger, external_id="000.00.12.H41,2026/01/05,121")
    # when the clerk opens it
    client.force_login(office.clerk)
    page = client.get(reverse("receiving:arrival", args=[delivery.pk])).content.decode()
    # then it is untrusted, worded apart from invalid
    assert 'class="signature-check untrusted"' in page
    assert "⚠ Chứng thư số không được tin cậy" in page
    assert "Không hợp lệ" not in page


def test_the_same_pdf_to_two_organizations_is_checked_once(signed_by_trusted):
    # given one packet addressed to two hosted Phòngs
    first = make_office(name="Phòng Giáo dục và Đào tạo", place_name="Cần Giuộc", abbreviation="PGDĐT")
    second = make_office(name="Phòng Giáo dục và Đào tạo", place_name="Bến Lức", abbreviation="PGDĐT")
    # when it arrives at both
    a = _arrive(first, signed_by_trusted, external_id="000.00.12.H41,2026/01/05,122")
    b = _arrive(second, signed_by_trusted, external_id="000.00.12.H41,2026/01/05,122")
    # then one document, one check, valid
    assert a.document_id == b.document_id
    assert list(ArrivalCheck.objects.values_list("verdict", flat=True)) == [SignatureVerdict.VALID]


def test_an_internal_arrival_is_checked_once_issued(office_keys, django_capture_on_commit_callbacks):
    # given a plan signed and registered here
    # when the clerk issues it (the check runs after the issue commits)
    with django_capture_on_commit_callbacks(execute=True):
        document = issued_document(office_keys)
    # then its issued PDF, what every addressee receives, is checked and valid
    check = ArrivalCheck.objects.get(document=document)
    assert check.verdict == SignatureVerdict.VALID
    assert check.sha256 == document.artifacts.get(kind="issued").sha256
    assert {s["name"] for s in check.signers} == {office_keys.deputy.full_name, office_keys.organization.name}
