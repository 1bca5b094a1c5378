"""Versions and their word-level diff (documents.diff), the pages, and attachments through the pages: upload with a
Vietnamese error that keeps what was typed, download with the right headers, a comment on a step with a file."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from documents.diff import Segment, diff_text, diff_versions, rebuild, tokens
from documents.models import Attachment, Document, Status
from documents.services.attachments import attachment_add
from tests.documents import attachment_files as files
from tests.factories import Office, make_office, start_draft
from workflow.actions import edit_draft, perform


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- documents.diff ---------------------------------------------------------------------------------------------


def test_tokens_keep_every_character_and_vietnamese_words_whole() -> None:
    text = "Căn cứ Kế hoạch số 12/KH-SGDĐT,\n  ngày 02/01/2026;"
    assert "".join(tokens(text)) == text
    assert "SGDĐT" in tokens(text)
    assert "hoạch" in tokens(text)
    assert "\n  " in tokens(text)


def test_a_changed_word_shows_as_that_word_not_the_whole_line() -> None:
    old = "Kế hoạch truyền thông giáo dục năm 2025 trên địa bàn huyện"
    new = "Kế hoạch truyền thông giáo dục mầm non năm 2026 trên địa bàn huyện"
    segments = diff_text(old, new)
    assert Segment("insert", "mầm non ") in segments
    assert Segment("delete", "2025") in segments
    assert Segment("insert", "2026") in segments
    assert segments[0] == Segment("equal", "Kế hoạch truyền thông giáo dục ")
    assert rebuild(segments, side="old") == old
    assert rebuild(segments, side="new") == new


def test_a_long_body_is_compared_line_by_line_then_word_by_word() -> None:
    lines = [f"{n}. Nội dung thứ {n} của kế hoạch.\n" for n in range(1, 2001)]
    old = "".join(lines)
    new = old.replace("Nội dung thứ 1500 của", "Nội dung đã sửa thứ 1500 của")
    segments = diff_text(old, new)
    changes = [s for s in segments if s.op != "equal"]
    assert [(s.op, s.text.strip()) for s in changes] == [("insert", "đã sửa")]
    assert rebuild(segments, side="new") == new


def test_whitespace_and_line_breaks_are_kept() -> None:
    segments = diff_text("I. MỤC ĐÍCH\n\n1. Mục đích", "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích")
    assert rebuild(segments, side="new") == "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích"
    assert Segment("insert", ", YÊU CẦU") in segments


def test_diff_versions_covers_subject_bases_body_recipients_and_the_other_fields() -> None:
    old = {
        "subject": "Kế hoạch A",
        "legal_bases": ["Căn cứ X;"],
        "body": "Nội dung",
        "recipients": [{"display_name": "Sở GD&ĐT", "purpose": "report"}],
        "urgency": "normal",
    }
    new = {
        "subject": "Kế hoạch B",
        "legal_bases": ["Căn cứ X;", "Căn cứ Y;"],
        "body": "Nội dung",
        "recipients": [{"display_name": "Sở GD&ĐT", "purpose": "report"}, {"display_name": "Các trường"}],
        "urgency": "urgent",
    }
    fields = {f.name: f for f in diff_versions(old, new)}
    assert fields["subject"].changed
    assert Segment("insert", "Căn cứ Y;\n") in fields["legal_bases"].segments
    assert not fields["body"].changed
    assert Segment("insert", "- Các trường\n") in fields["recipients"].segments
    assert fields["urgency"].segments == [Segment("delete", "normal"), Segment("insert", "urgent")]
    assert "signer" not in fields


# --- the pages ----------------------------------------------------------------------------------------------


def _edited(office: Office) -> Document:
    document = start_draft(office, subject="Kế hoạch truyền thông năm 2025")
    return edit_draft(
        document=document,
        actor=office.drafter,
        subject="Kế hoạch truyền thông <script>alert(1)</script> năm 2026",
        body=document.body + "\n- Tổ chức hội nghị.",
    )


@pytest.mark.django_db
def test_the_document_page_lists_versions_with_author_hash_and_what_changed(
    office: Office, django_assert_max_num_queries
) -> None:
    document = _edited(office)
    client = client_for(office.drafter)
    response = client.get(reverse("workflow:document", args=[document.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="versions"' in page
    for version in document.versions.all():
        assert version.content_hash[:16] in page
    assert "Sửa dự thảo: trích yếu, nội dung" in page
    assert "<script>alert(1)</script>" not in page
    with django_assert_max_num_queries(12):
        assert client.get(reverse("workflow:versions", args=[document.pk])).status_code == 200


@pytest.mark.django_db
def test_the_diff_page_marks_words_added_and_removed_with_accessible_text(office: Office) -> None:
    document = _edited(office)
    response = client_for(office.drafter).get(reverse("workflow:diff", args=[document.pk]), {"a": 1, "b": 2})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<del><span class="visually-hidden">[bỏ: </span>2025<span class="visually-hidden">]</span></del>' in page
    assert "[thêm: </span>2026" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # typed HTML is text, never markup
    assert "<script>alert(1)" not in page
    assert "- Tổ chức hội nghị." in page


@pytest.mark.django_db
def test_versions_and_diff_are_for_readers_only(office: Office) -> None:
    document = _edited(office)
    stranger = make_office().drafter
    client = client_for(stranger)
    assert client.get(reverse("workflow:versions", args=[document.pk])).status_code == 404
    assert client.get(reverse("workflow:diff", args=[document.pk])).status_code == 404
    # a version that does not exist is a 404 in Vietnamese, never a 500
    response = client_for(office.drafter).get(reverse("workflow:diff", args=[document.pk]), {"a": 9, "b": "x"})
    assert response.status_code == 404
    assert "Không có phiên bản đã chọn." in response.content.decode()


@pytest.mark.django_db
def test_upload_then_download_with_the_right_type_and_a_vietnamese_file_name(office: Office) -> None:
    document = start_draft(office)
    client = client_for(office.drafter)
    upload = files.docx_bytes()
    response = client.post(
        reverse("workflow:attach", args=[document.pk]),
        {"file": _named_file("Dự toán kinh phí.docx", upload), "comment": "Phụ lục kinh phí"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    download = client.get(reverse("workflow:attachment", args=[document.pk, attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''D%E1%BB%B1%20to%C3%A1n%20kinh%20ph%C3%AD.docx" in disposition
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == upload
    # someone who may not read the document gets nothing
    stranger = client_for(make_office().head)
    assert stranger.get(reverse("workflow:attachment", args=[document.pk, attachment.pk])).status_code == 404


@pytest.mark.django_db
def test_a_bad_upload_is_refused_in_vietnamese_and_the_note_typed_is_kept(office: Office) -> None:
    document = start_draft(office)
    response = client_for(office.drafter).post(
        reverse("workflow:attach", args=[document.pk]),
        {"file": _named_file("hoa-don.pdf", files.exe_bytes()), "comment": "Hóa đơn <b>tháng 3</b>"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tệp là chương trình chạy được" in page
    assert 'value="Hóa đơn &lt;b&gt;tháng 3&lt;/b&gt;"' in page
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_the_reviewer_returns_with_a_comment_and_a_file_in_one_step(office: Office) -> None:
    document = start_draft(office)
    perform(document=document, actor=office.drafter, action="submit", reviewer=office.deputy)
    client = client_for(office.deputy)
    page = client.get(reverse("workflow:document", args=[document.pk])).content.decode()
    assert reverse("workflow:step-comment", args=[document.pk]) in page
    # a bad file: nothing happens, the comment is kept
    refused = client.post(
        reverse("workflow:step-comment", args=[document.pk]),
        {"action": "return", "comment": "Sửa theo tệp góp ý", "file": _named_file("gop-y.pdf", files.zip_bomb())},
    )
    assert refused.status_code == 400
    assert "Sửa theo tệp góp ý</textarea>" in refused.content.decode()
    assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW
    # a good file: the file and the return together
    done = client.post(
        reverse("workflow:step-comment", args=[document.pk]),
        {"action": "return", "comment": "Sửa theo tệp góp ý", "file": _named_file("gop-y.pdf", files.pdf_bytes())},
    )
    assert done.status_code == 302
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT
    attachment = Attachment.objects.get()
    assert (attachment.step, attachment.comment) == ("review", "Sửa theo tệp góp ý")
    assert attachment.uploaded_by == office.deputy


@pytest.mark.django_db
def test_the_drafter_may_not_use_the_step_form_and_nothing_is_written(office: Office) -> None:
    document = start_draft(office)
    perform(document=document, actor=office.drafter, action="submit", reviewer=office.deputy)
    response = client_for(office.drafter).post(
        reverse("workflow:step-comment", args=[document.pk]),
        {"action": "approve", "comment": "tự duyệt", "file": _named_file("a.pdf", files.pdf_bytes())},
    )
    assert response.status_code == 403
    assert not Attachment.objects.exists()
    assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW


@pytest.mark.django_db
def test_the_drafter_removes_a_file_from_the_page(office: Office) -> None:
    document = start_draft(office)
    png = files.image_bytes("PNG")
    attachment = attachment_add(document=document, actor=office.drafter, file_name="a.png", data=png)
    assert client_for(office.deputy).post(
        reverse("workflow:attachment-remove", args=[document.pk, attachment.pk])
    ).status_code in (403, 404)
    response = client_for(office.drafter).post(reverse("workflow:attachment-remove", args=[document.pk, attachment.pk]))
    assert response.status_code == 302
    assert not Attachment.objects.exists()


def _named_file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.django_db
def test_the_diff_page_in_english(office: Office) -> None:
    document = _edited(office)
    client = client_for(office.drafter)
    response = client.get(reverse("workflow:diff", args=[document.pk]), {"a": 1, "b": 2}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Differences between version 1 and 2" in page
    assert "[removed: </span>2025" in page
    assert "<h2>Subject" in page


@pytest.mark.django_db
def test_the_document_page_costs_the_same_queries_whatever_the_number_of_files_and_versions(office: Office) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    document = start_draft(office)
    client = client_for(office.drafter)
    url = reverse("workflow:document", args=[document.pk])
    attachment_add(document=document, actor=office.drafter, file_name="a.pdf", data=files.pdf_bytes())
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(4):
        edit_draft(document=document, actor=office.drafter, body=f"Nội dung lần {number}")
        attachment_add(
            document=document, actor=office.drafter, file_name=f"{number}.png", data=files.image_bytes("PNG")
        )
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert page.count('class="hash"') == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_a_body_rewritten_from_top_to_bottom_is_still_diffed_and_rebuilt() -> None:
    old = " ".join(f"từ{n}" for n in range(40_000))
    new = " ".join(f"chữ{n}" for n in range(40_000))
    segments = diff_text(old, new)
    assert rebuild(segments, side="old") == old
    assert rebuild(segments, side="new") == new
