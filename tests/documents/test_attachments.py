"""Attachments: the type told by the bytes, the limits, the clean name, who may add and remove, the audit events."""

from __future__ import annotations

import hashlib

import pytest

from audit.models import AuditEvent
from documents.attachments import RejectedFile, check_file, clean_file_name
from documents.errors import InvalidTransition, PermissionDenied, ValidationFailed
from documents.models import Attachment
from documents.services.attachments import attachment_add, attachment_remove
from tests.documents import attachment_files as files
from tests.factories import Office, advance, make_draft

GOOD = [
    ("ke-hoach.pdf", files.pdf_bytes, "pdf"),
    ("du-toan.docx", files.docx_bytes, "docx"),
    ("danh-sach.xlsx", files.xlsx_bytes, "xlsx"),
    ("anh.png", lambda: files.image_bytes("PNG"), "png"),
    ("anh.jpg", lambda: files.image_bytes("JPEG"), "jpeg"),
]
BAD = [
    ("setup.pdf", files.exe_bytes, "chương trình chạy được"),
    ("bom.docx", files.zip_bomb, "giải nén ra quá lớn"),
    ("mat-khau.pdf", files.encrypted_pdf, "mật khẩu"),
    ("hong.pdf", lambda: b"%PDF-1.7\n" + b"\x13\x37" * 500, "PDF bị hỏng"),
    ("macro.xlsx", files.macro_workbook, "macro"),
    ("nen.docx", files.plain_zip, "không phải Word"),
    ("cu.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "mật khẩu hoặc định dạng cũ"),
    ("anh.png", lambda: b"\x89PNG\r\n\x1a\n" + b"junk" * 20, "ảnh bị hỏng"),
    ("ghi-chu.txt", lambda: "Kế hoạch".encode(), "Nội dung tệp không phải"),
    ("rong.pdf", lambda: b"", "Tệp rỗng"),
]


@pytest.mark.parametrize(("name", "make", "kind"), GOOD)
def test_each_allowed_kind_is_told_by_its_bytes(name: str, make, kind: str) -> None:
    checked = check_file(make(), file_name=name)
    assert checked.kind == kind


@pytest.mark.parametrize(("name", "make", "reason"), BAD)
def test_a_bad_file_is_refused_with_its_reason_in_vietnamese(name: str, make, reason: str) -> None:
    with pytest.raises(RejectedFile) as refused:
        check_file(make(), file_name=name)
    assert reason in refused.value.message
    assert refused.value.http_status == 400


def test_the_name_is_cleaned_and_carries_the_extension_of_what_the_file_is() -> None:
    # a PDF named .docx keeps its name but gets .pdf; folders, controls and markup characters go
    assert check_file(files.pdf_bytes(), file_name="Dự toán.docx").file_name == "Dự toán.pdf"
    assert clean_file_name("..\\..\\C:\\Windows\\<i>Kế hoạch<i>\x00.pdf", "pdf") == "i_Kế hoạch_i.pdf"
    assert clean_file_name("/etc/passwd", "png") == "passwd.png"
    assert clean_file_name("...", "jpeg") == "tep-dinh-kem.jpg"
    # decomposed marks (macOS) become the composed form, so one name is one name
    assert clean_file_name("Ke\u0302\u0301 hoa\u0323ch.pdf", "pdf") == "Kế hoạch.pdf"
    assert len(clean_file_name("ả" * 400 + ".pdf", "pdf")) <= 150


def test_the_drafter_attaches_a_file_to_the_draft_with_its_hash_and_an_audit_event(office: Office) -> None:
    # given a draft
    document = make_draft(office)
    data = files.pdf_bytes()
    # when its drafter attaches a PDF
    attachment = attachment_add(document=document, actor=office.drafter, file_name="Phụ lục 1.pdf", data=data)
    # then it is stored whole, with its hash, against the current version, and the log says so
    stored = Attachment.objects.get(pk=attachment.pk)
    assert stored.read() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.kind == "pdf"
    assert stored.version_id == document.current_version_id
    assert stored.step == ""
    event = AuditEvent.objects.filter(action="document.attachment_add").get()
    assert event.details["sha256"] == stored.sha256
    assert event.details["file_name"] == "Phụ lục 1.pdf"


def test_only_the_drafter_of_a_draft_may_attach_to_it(office: Office) -> None:
    document = make_draft(office)
    with pytest.raises(PermissionDenied):
        attachment_add(document=document, actor=office.deputy, file_name="a.pdf", data=files.pdf_bytes())
    submitted = advance(document, office, to="in_review")
    with pytest.raises(InvalidTransition):
        attachment_add(document=submitted, actor=office.drafter, file_name="a.pdf", data=files.pdf_bytes())
    assert not Attachment.objects.exists()


def test_a_refused_file_writes_nothing(office: Office) -> None:
    document = make_draft(office)
    before = AuditEvent.objects.count()
    with pytest.raises(RejectedFile):
        attachment_add(document=document, actor=office.drafter, file_name="setup.pdf", data=files.exe_bytes())
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.count() == before


def test_the_size_of_one_file_and_of_all_files_of_a_document_is_bounded(office: Office, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 3000
    settings.ATTACHMENT_DOCUMENT_MAX_BYTES = 5000
    document = make_draft(office)
    png = files.image_bytes("PNG")  # well under 3,000 bytes
    big = files.pdf_bytes() + b"\n" * 3000
    with pytest.raises(RejectedFile, match="Tệp quá lớn"):
        attachment_add(document=document, actor=office.drafter, file_name="lon.pdf", data=big)
    with pytest.raises(ValidationFailed, match="Tổng dung lượng"):  # noqa: PT012
        for _ in range(100):
            attachment_add(document=document, actor=office.drafter, file_name="anh.png", data=png)
    total = sum(a.size for a in Attachment.objects.all())
    assert total <= 5000


def test_the_reviewer_attaches_a_file_to_the_review_step_and_the_drafter_may_not(office: Office) -> None:
    document = advance(make_draft(office), office, to="in_review")
    with pytest.raises(PermissionDenied):
        attachment_add(
            document=document, actor=office.drafter, file_name="y-kien.pdf", data=files.pdf_bytes(), on_step=True
        )
    attachment = attachment_add(
        document=document,
        actor=office.deputy,
        file_name="y-kien.docx",
        data=files.docx_bytes(),
        on_step=True,
        comment="Sửa mục II theo tệp đính kèm",
    )
    assert attachment.step == "review"
    assert attachment.comment == "Sửa mục II theo tệp đính kèm"
    # a step's file is part of the record: nobody takes it off
    with pytest.raises(InvalidTransition):
        attachment_remove(attachment=attachment, actor=office.drafter)


def test_the_drafter_removes_a_file_from_the_draft_and_the_log_keeps_its_hash(office: Office) -> None:
    document = make_draft(office)
    attachment = attachment_add(document=document, actor=office.drafter, file_name="a.xlsx", data=files.xlsx_bytes())
    with pytest.raises(PermissionDenied):
        attachment_remove(attachment=attachment, actor=office.head)
    attachment_remove(attachment=attachment, actor=office.drafter)
    assert not Attachment.objects.exists()
    event = AuditEvent.objects.filter(action="document.attachment_remove").get()
    assert event.details["sha256"] == attachment.sha256
