"""Versions and attachments in Debian's chromium at 360 px: the drafter attaches a file to the draft, a bad file is
refused in Vietnamese with the note kept, and the diff page fits the phone's width."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.models import Attachment
from tests.browser.helpers import log_in
from tests.documents import attachment_files as files
from tests.factories import make_office, start_draft
from workflow.actions import edit_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def test_attach_a_file_and_read_the_diff_on_a_phone(browser, live_server, tmp_path) -> None:
    office = make_office()
    document = start_draft(office, subject="Kế hoạch truyền thông giáo dục năm 2025")
    edit_draft(
        document=document,
        actor=office.drafter,
        subject="Kế hoạch truyền thông giáo dục mầm non năm 2026 trên địa bàn huyện Cần Giuộc, tỉnh Long An",
    )
    good, bad = tmp_path / "Phụ lục kinh phí.pdf", tmp_path / "hoa-don.pdf"
    good.write_bytes(files.pdf_bytes())
    bad.write_bytes(files.exe_bytes())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, locale="vi-VN", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, office.drafter.username, then=f"/flow/documents/{document.pk}/")
        # a program renamed .pdf: refused, the note kept
        page.get_by_label("Chọn tệp").set_input_files(str(bad))
        page.get_by_label("Ghi chú (không bắt buộc)").fill("Hóa đơn tháng 3")
        page.get_by_role("button", name="Đính kèm").click()
        page.get_by_role("alert").filter(has_text="chương trình chạy được").wait_for()
        assert page.get_by_label("Ghi chú (không bắt buộc)").input_value() == "Hóa đơn tháng 3"
        # a real PDF: attached and listed
        page.get_by_label("Chọn tệp").set_input_files(str(good))
        page.get_by_role("button", name="Đính kèm").click()
        page.wait_for_url(f"**/flow/documents/{document.pk}/**")
        assert page.get_by_role("link", name="Phụ lục kinh phí.pdf").is_visible()
        assert Attachment.objects.get().file_name == "Phụ lục kinh phí.pdf"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(ARTIFACTS / "versions-document-360.png"), full_page=True)
        # the diff: words added and removed, no sideways scroll
        page.get_by_role("button", name="Xem khác biệt").click()
        page.get_by_role("heading", name="Khác biệt giữa phiên bản 1 và 2").wait_for()
        assert page.locator("del").filter(has_text="2025").count() == 1
        assert page.locator("ins").filter(has_text="mầm non").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(ARTIFACTS / "versions-diff-360.png"), full_page=True)
    finally:
        context.close()
