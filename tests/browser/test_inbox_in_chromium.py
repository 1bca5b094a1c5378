"""A leader works from the inbox in a real browser: log in, approve with one click, sign, on a phone too."""

from __future__ import annotations

import pytest

from documents.models import Document, Status
from tests.browser.helpers import log_in
from tests.factories import advance_routed, make_office, start_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deputy_approves_and_head_signs_from_the_inbox(page) -> None:
    # given a plan in review with the deputy
    office = make_office()
    document = advance_routed(start_draft(office, subject="Kế hoạch ngày hội đọc sách 2026"), office, to="in_review")

    # when the deputy logs in and approves it from the list, with a comment
    log_in(page, office.deputy.username)
    row = page.locator("tr", has_text="Kế hoạch ngày hội đọc sách 2026")
    row.get_by_placeholder("Ý kiến (không bắt buộc)").fill("Đồng ý trình ký.")
    row.get_by_role("button", name="Duyệt").click()
    page.wait_for_load_state("networkidle")

    # then the plan waits for the head's signature and left the deputy's list
    assert Document.objects.get(pk=document.pk).status == Status.AWAITING_SIGNATURE
    assert page.locator("tr", has_text="Kế hoạch ngày hội đọc sách 2026").count() == 0

    # when the head opens it from the inbox, reads it as it will print, confirms and signs
    page.context.clear_cookies()
    log_in(page, office.head.username)
    page.locator("tr", has_text="Kế hoạch ngày hội đọc sách 2026").get_by_role("link", name="Xem và ký").click()
    page.get_by_label("Tôi đã đọc và ký văn bản này").check()
    page.get_by_role("button", name="Ký văn bản").click()
    page.wait_for_load_state("networkidle")

    # then it is signed and goes to the clerk's queue
    document = Document.objects.get(pk=document.pk)
    assert document.status == Status.SIGNED
    assert document.signer_title_lines == ["TRƯỞNG PHÒNG"]


def test_returning_needs_a_reason_in_the_browser_too(page) -> None:
    office = make_office()
    document = advance_routed(start_draft(office, subject="Kế hoạch kiểm tra nội bộ"), office, to="in_review")
    log_in(page, office.deputy.username)
    row = page.locator("tr", has_text="Kế hoạch kiểm tra nội bộ")
    row.locator("summary", has_text="Trả lại").click()
    row.get_by_role("button", name="Trả lại").click()  # empty reason: the browser refuses to send the form
    assert row.locator("textarea:invalid").count() == 1
    assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW

    row.get_by_placeholder("Lý do trả lại (bắt buộc)").fill("Bổ sung thời gian tổ chức.")
    row.get_by_role("button", name="Trả lại").click()
    page.wait_for_load_state("networkidle")
    document = Document.objects.get(pk=document.pk)
    assert (document.status, document.returned_comment) == (Status.DRAFT, "Bổ sung thời gian tổ chức.")


def test_the_inbox_works_on_a_phone(browser, live_server) -> None:
    office = make_office()
    advance_routed(start_draft(office, subject="Kế hoạch tuyển sinh lớp 6"), office, to="in_review")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="vi-VN", base_url=live_server.url
    )
    page = context.new_page()
    try:
        log_in(page, office.deputy.username)
        button = page.locator("tr", has_text="Kế hoạch tuyển sinh lớp 6").get_by_role("button", name="Duyệt")
        assert button.is_visible()
        box = button.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= 390  # reachable without scrolling sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
