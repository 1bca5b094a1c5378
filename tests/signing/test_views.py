"""The verification page and API, the document view and PDF, the plan upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.errors import PermissionDenied
from documents.models import Document, Status
from signing import services as signing_services
from tests.factories import UserFactory, advance, make_draft
from tests.signing.helpers import artifact, issued_document


def _pdf_upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("van-ban.pdf", data, content_type="application/pdf")


def test_verify_page_reports_a_valid_issued_plan_to_anyone(client, office_keys):
    # given an issued plan and a visitor who is not logged in
    pdf = artifact(issued_document(office_keys))

    # when the visitor uploads it on the verification page
    response = client.post("/verify/", {"file": _pdf_upload(pdf)})

    # then the page names both signers and says the document is valid
    html = response.content.decode()
    assert response.status_code == 200
    assert "Văn bản đã ban hành, nguyên vẹn." in html
    assert office_keys.deputy.full_name in html
    assert office_keys.organization.name in html
    assert "chỉ điền biểu mẫu (số, ngày)" in html


def test_verify_api_reports_tampering_as_json_with_a_vietnamese_reason(client, office_keys):
    # given an issued plan with one signed byte flipped
    data = bytearray(artifact(issued_document(office_keys)))
    data[data.index(b"stream\n") + 30] ^= 0x01

    # when it is posted to the API
    response = client.post("/api/signing/verify/", {"file": _pdf_upload(bytes(data))})

    # then the JSON says it is not valid, and why
    body = response.json()
    assert response.status_code == 200
    assert body["ok"] is False
    assert body["signatures"][0]["intact"] is False
    assert "nội dung đã bị sửa sau khi ký" in body["signatures"][0]["problems"][0]
    assert body["signatures"][0]["chain"][0]["subject"].startswith("Common Name: ")


def test_verify_page_refuses_a_file_that_is_not_a_pdf(client, db):
    # given a text file
    upload = SimpleUploadedFile("ghi-chu.txt", b"hello", content_type="text/plain")

    # when uploaded, then the form says so
    response = client.post("/verify/", {"file": upload})
    assert "Tệp không phải là PDF." in response.content.decode()


def test_document_view_and_pdf_for_members_only(client, office_keys):
    # given an issued plan, a member of the office and an outsider
    document = issued_document(office_keys)
    outsider = UserFactory()

    # when each asks for the HTML view and the PDF
    client.force_login(office_keys.drafter)
    html = client.get(f"/documents/{document.pk}/")
    pdf = client.get(f"/documents/{document.pk}/pdf")
    client.force_login(outsider)
    refused = client.get(f"/documents/{document.pk}/")

    # then the member gets the filled document and the issued PDF byte for byte; the outsider finds nothing
    assert html.status_code == 200
    assert f'value="{document.number:02d}"' in html.content.decode()
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == artifact(document)
    assert refused.status_code == 404  # not visible: its existence is not disclosed


def test_only_the_assigned_signer_may_sign(office_keys):
    # given a plan awaiting the deputy's signature
    document = advance(
        make_draft(office_keys, signer=office_keys.deputy, signature_form="KT"), office_keys, to="awaiting_signature"
    )

    # when the head (who has a key too) tries to sign it
    with pytest.raises(PermissionDenied):
        signing_services.sign_document(document=document, actor=office_keys.head)

    # then nothing was signed
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert not document.artifacts.exists()


def test_import_upload_creates_a_draft_for_the_drafter(client, office):
    # given a drafter and a small plain-text plan
    text = (
        "KẾ HOẠCH\n\nTổ chức ngày hội đọc sách năm 2026\n\n"
        "I. MỤC ĐÍCH\n\n- Khuyến khích học sinh đọc sách.\n\n"
        "Nơi nhận:\n- Các trường trực thuộc (để thực hiện);\n- Lưu: VT, TH.\n\n"
        f"TRƯỞNG PHÒNG\n\n{office.head.full_name}\n"
    )
    client.force_login(office.drafter)

    # when the plan is uploaded
    response = client.post(
        "/import/",
        {"organization": office.organization.pk, "file": SimpleUploadedFile("ke-hoach.txt", text.encode())},
    )

    # then a draft exists with the plan's fields and the head as signer; the page links to it and says
    # which "Nơi nhận" lines it found in the directory (none here: the office has no named group)
    document = Document.objects.get(drafter=office.drafter)
    assert response.status_code == 200
    assert f'href="/documents/{document.pk}/"' in response.content.decode()
    assert 'Các trường trực thuộc — <span class="error">chưa khớp</span>' in response.content.decode()
    assert document.subject == "Tổ chức ngày hội đọc sách năm 2026"
    assert document.signer == office.head
    assert [(r.display_name, r.purpose) for r in document.recipients.all()] == [("Các trường trực thuộc", "execute")]
