"""Every form of the desk refuses bad input the same way: a Vietnamese message, a 4xx (never a 500), nothing
half-written, and what the person typed shown again. The forms: drafting (new and edit), import of a plan, an
attachment on a draft, a comment with a file on a step, the receive page (upload and typed in), a return comment.

The bad inputs: an empty trích yếu, a 50 MB file (the request limit answers 413 before any form reads it), an .exe
renamed .pdf, and HTML typed into a text (kept as typed, printed as text, never run)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse

from audit.models import AuditEvent
from documents.extraction import PROGRAM_REFUSED
from documents.models import Attachment, Document, Origin, Status
from tests.documents import attachment_files as files
from tests.factories import Office, document_type, make_office, start_draft
from workflow.actions import perform

pytestmark = pytest.mark.django_db

MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"  # the body is already encoded
SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def typed(office: Office, **changes: object) -> dict:
    values = {
        "organization": office.organization.pk,
        "doc_type": document_type().pk,
        "subject": "Kế hoạch hội thi giáo viên dạy giỏi cấp huyện",
        "legal_bases": "Căn cứ Kế hoạch số 12/KH-SGDĐT của Sở Giáo dục và Đào tạo;",
        "body": "I. MỤC ĐÍCH\n\n1. Tôn vinh giáo viên dạy giỏi.",
        "recipients": "- Sở GD&ĐT tỉnh Long An (b/c);\n- Các trường trực thuộc (để thực hiện);",
        "signer": office.head.pk,
        "signature_form": "direct",  # the head signs in his own name (KT. is for a deputy)
        "urgency": "normal",
        "confidentiality": "normal",
    }
    return {**values, **changes}


def arrival_typed(office: Office, **changes: object) -> dict:
    values = {
        "receiver": office.organization.pk,
        "sender": "Sở Giáo dục và Đào tạo",
        "sender_parent": "UBND TỈNH LONG AN",
        "code": "120/SGDĐT-GDTrH",
        "issue_date": "2026-01-05",
        "doc_type": "cong_van",
        "subject": "Tổ chức hội thi giáo viên dạy giỏi",
        "signer_name": "Nguyễn Văn Giám",
        "signer_title_lines": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "recipient_lines": "- Như trên;\n- Lưu: VT, GDTrH.",
        "urgency": "normal",
        "confidentiality": "normal",
    }
    return {**values, **changes}


def exe_as_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("ke-hoach.pdf", files.exe_bytes(), content_type="application/pdf")


# --- an empty trích yếu ------------------------------------------------------------------------------------------


def test_new_draft_with_an_empty_subject_is_refused_and_keeps_what_was_typed(office: Office) -> None:
    response = client_for(office.drafter).post(reverse("workflow:new"), typed(office, subject="   "))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Trường này là bắt buộc" in page or "Trích yếu không được để trống" in page
    assert "1. Tôn vinh giáo viên dạy giỏi." in page  # the body typed is there again
    assert "Căn cứ Kế hoạch số 12/KH-SGDĐT" in page
    assert not Document.objects.exists()


def test_editing_a_draft_to_an_empty_subject_is_refused_and_writes_no_version(office: Office) -> None:
    document = start_draft(office)
    response = client_for(office.drafter).post(
        reverse("workflow:edit", args=[document.pk]), typed(office, subject="", body="Nội dung mới đã gõ")
    )
    assert response.status_code == 400
    assert "Nội dung mới đã gõ" in response.content.decode()
    assert document.versions.count() == 1


def test_an_arrival_typed_in_without_a_subject_is_refused_and_keeps_what_was_typed(office: Office) -> None:
    response = client_for(office.clerk).post(reverse("receiving:receive-register"), arrival_typed(office, subject=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Trường này là bắt buộc" in page
    assert "120/SGDĐT-GDTrH" in page
    assert not Document.objects.filter(origin=Origin.RECEIVED).exists()


def test_an_imported_plan_without_a_subject_is_refused_in_vietnamese(office: Office) -> None:
    text = "KẾ HOẠCH\n\n\n\nNơi nhận:\n- Lưu: VT.\n"
    upload = SimpleUploadedFile("ke-hoach.txt", text.encode())
    response = client_for(office.drafter).post(
        reverse("signing:import"), {"organization": office.organization.pk, "file": upload}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Document.objects.exists()


def test_a_return_without_a_comment_is_refused_in_vietnamese(office: Office) -> None:
    document = start_draft(office)
    perform(document=document, actor=office.drafter, action="submit", reviewer=office.deputy)
    response = client_for(office.deputy).post(
        reverse("workflow:act", args=[document.pk]), {"action": "return", "comment": " "}
    )
    assert response.status_code == 400
    assert "Trả lại văn bản phải ghi rõ ý kiến." in response.content.decode()
    assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW


# --- a 50 MB file ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fifty_megabytes() -> bytes:
    """One multipart body with a 50 MB "PDF", encoded once for every form."""
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024), content_type="application/pdf")
    return encode_multipart(BOUNDARY, {"file": big, "comment": "Ý kiến đã gõ", "subject": "Kế hoạch"})


def _form_urls(office: Office) -> list[tuple[object, str]]:
    draft = start_draft(office)
    return [
        (office.drafter, reverse("workflow:new")),
        (office.drafter, reverse("workflow:edit", args=[draft.pk])),
        (office.drafter, reverse("workflow:attach", args=[draft.pk])),
        (office.drafter, reverse("workflow:step-comment", args=[draft.pk])),
        (office.drafter, reverse("workflow:act", args=[draft.pk])),
        (office.drafter, reverse("signing:import")),
        (office.drafter, reverse("signing:verify")),
        (office.clerk, reverse("receiving:receive")),
        (office.clerk, reverse("receiving:receive-register")),
    ]


def test_a_50_mb_file_is_a_413_page_in_vietnamese_on_every_form(office: Office, fifty_megabytes: bytes) -> None:
    for user, url in _form_urls(office):
        response = client_for(user).post(url, data=fifty_megabytes, content_type=MULTIPART)
        assert response.status_code == 413, url
        assert "Dữ liệu gửi lên quá lớn (tối đa 25 MB)." in response.content.decode(), url
    assert not Attachment.objects.exists()
    assert Document.objects.count() == 1  # the draft made above, nothing more


def test_a_file_over_the_attachment_limit_but_under_the_request_limit_is_refused_by_the_form(
    office: Office, settings
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    document = start_draft(office)
    big = SimpleUploadedFile("lon.pdf", files.pdf_bytes() + b"\n" * (2 * 1024 * 1024))
    response = client_for(office.drafter).post(
        reverse("workflow:attach", args=[document.pk]), {"file": big, "comment": "Bản scan"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tệp quá lớn (tối đa 1 MB một tệp)." in page
    assert 'value="Bản scan"' in page


# --- an .exe renamed .pdf ----------------------------------------------------------------------------------------


def test_an_exe_renamed_pdf_is_refused_as_an_attachment(office: Office) -> None:
    document = start_draft(office)
    response = client_for(office.drafter).post(
        reverse("workflow:attach", args=[document.pk]), {"file": exe_as_pdf(), "comment": "Phụ lục"}
    )
    assert response.status_code == 400
    assert "Tệp là chương trình chạy được" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_exe_renamed_pdf_is_refused_with_a_step_comment_and_the_step_is_not_taken(office: Office) -> None:
    document = start_draft(office)
    perform(document=document, actor=office.drafter, action="submit", reviewer=office.deputy)
    response = client_for(office.deputy).post(
        reverse("workflow:step-comment", args=[document.pk]),
        {"action": "approve", "comment": "Đồng ý, xem tệp", "file": exe_as_pdf()},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tệp là chương trình chạy được" in page
    assert "Đồng ý, xem tệp</textarea>" in page
    assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW


def test_an_exe_renamed_pdf_is_refused_by_the_import(office: Office) -> None:
    response = client_for(office.drafter).post(
        reverse("signing:import"), {"organization": office.organization.pk, "file": exe_as_pdf()}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert PROGRAM_REFUSED in page
    assert f'value="{office.organization.pk}" selected' in page  # the organization chosen is kept
    assert not Document.objects.exists()


def test_an_exe_renamed_pdf_is_refused_by_the_receive_page(office: Office, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    response = client_for(office.clerk).post(
        reverse("receiving:receive"), {"receiver": office.organization.pk, "file": exe_as_pdf()}
    )
    assert response.status_code == 400
    assert PROGRAM_REFUSED in response.content.decode()
    assert not Document.objects.filter(origin=Origin.RECEIVED).exists()


def test_an_exe_renamed_pdf_is_refused_by_the_signature_check(office: Office) -> None:
    response = client_for(office.drafter).post(reverse("signing:verify"), {"file": exe_as_pdf()})
    assert response.status_code == 400
    assert "Tệp không phải là PDF." in response.content.decode()


# --- HTML typed into a text ----------------------------------------------------------------------------------------


def test_html_in_the_subject_is_stored_as_typed_and_shown_as_text(office: Office) -> None:
    client = client_for(office.drafter)
    response = client.post(reverse("workflow:new"), typed(office, subject=f"Kế hoạch {SCRIPT}", body=f"<b>{SCRIPT}"))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.subject == f"Kế hoạch {SCRIPT}"
    for url in (
        reverse("workflow:document", args=[document.pk]),
        reverse("workflow:versions", args=[document.pk]),
        reverse("workflow:inbox") + "?tab=submitted",
    ):
        page = client.get(url).content.decode()
        assert SCRIPT not in page, url
    assert ESCAPED in client.get(reverse("workflow:document", args=[document.pk])).content.decode()


def test_html_in_a_return_comment_and_an_attachment_note_is_shown_as_text(office: Office) -> None:
    document = start_draft(office)
    client = client_for(office.drafter)
    client.post(reverse("workflow:attach", args=[document.pk]), {"file": files_pdf(), "comment": SCRIPT})
    perform(document=document, actor=office.drafter, action="submit", reviewer=office.deputy)
    response = client_for(office.deputy).post(
        reverse("workflow:act", args=[document.pk]), {"action": "return", "comment": f"Sửa lại {SCRIPT}"}
    )
    assert response.status_code == 302
    page = client.get(reverse("workflow:document", args=[document.pk])).content.decode()
    assert SCRIPT not in page
    assert f"Sửa lại {ESCAPED}" in page
    assert AuditEvent.objects.filter(action="document.return", details__comment=f"Sửa lại {SCRIPT}").exists()


def test_html_in_an_arrival_typed_in_is_shown_as_text(office: Office) -> None:
    clerk = client_for(office.clerk)
    response = clerk.post(reverse("receiving:receive-register"), arrival_typed(office, subject=f"Công văn {SCRIPT}"))
    assert response.status_code == 302
    page = clerk.get(response["Location"]).content.decode()
    assert SCRIPT not in page
    assert ESCAPED in page


def files_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("phu-luc.pdf", files.pdf_bytes())


def test_another_office_cannot_post_to_these_forms(office: Office) -> None:
    document = start_draft(office)
    stranger = client_for(make_office().drafter)
    assert stranger.post(reverse("workflow:attach", args=[document.pk]), {"file": files_pdf()}).status_code == 404


# --- the import takes Word and PDF as well as .txt (the good case of the import form) --------------------------


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_import_takes_a_word_or_pdf_plan_told_by_its_content(office: Office, kind: str) -> None:
    from tests.documents.word import plan_docx
    from tests.signing.foreign import letter_pdf

    data = plan_docx() if kind == "docx" else letter_pdf()
    # named .txt on purpose: the bytes decide
    upload = SimpleUploadedFile("ke-hoach.txt", data)
    response = client_for(office.drafter).post(
        reverse("signing:import"), {"organization": office.organization.pk, "file": upload}
    )
    assert response.status_code == 200, response.content.decode()[-2000:]
    document = Document.objects.get()
    assert document.status == Status.DRAFT
    assert document.drafter == office.drafter
    assert "Đã tạo dự thảo" in response.content.decode()
