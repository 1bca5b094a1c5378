"""Issue 11's role walk in Debian's chromium, at 1366 px: the drafter writes a plan with a recipient from the
directory and submits it; the deputy approves it from the inbox and the head signs it there, without the page
being reloaded; the clerk numbers and issues it in one step; the school's clerk accepts it in place.
Screenshots at 1366 and 360 px go to test-artifacts/screenshots/ (paths printed with -s)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditEvent
from documents.models import Document, IncomingDocument, Status
from organizations.models import OrganizationKind
from tests.browser.desk_helpers import DESK, PHONE, new_page, screenshot
from tests.browser.helpers import log_in
from tests.factories import document_type, make_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SUBJECT = "Kế hoạch tổ chức Hội khỏe Phù Đổng cấp huyện năm 2026"


def as_role(browser, live_server, user, *, then: str = "/inbox/"):
    context, page = new_page(browser, live_server, DESK)
    log_in(page, user.username, then=then)
    return context, page


def also_on_a_phone(browser, live_server, user, url: str, name: str) -> None:
    """The same page at 360 px, for the screenshots."""
    context, page = new_page(browser, live_server, PHONE)
    try:
        log_in(page, user.username, then=url)
        screenshot(page, name)
    finally:
        context.close()


def test_each_role_does_its_job_from_the_browser(browser, live_server) -> None:
    # given a Phòng with a school under it (the school is in the Phòng's directory of recipients)
    document_type()
    phong = make_office(name="Phòng Giáo dục và Đào tạo Cần Giuộc", abbreviation="PGDĐT")
    school = make_office(name="Trường Tiểu học Phước Lý", abbreviation="THPL", kind=OrganizationKind.SCHOOL)
    school.organization.parent = phong.organization
    school.organization.save(update_fields=["parent"])

    # --- the drafter writes the plan, picks the school from the directory, and submits it
    context, page = as_role(browser, live_server, phong.drafter, then="/flow/documents/new/")
    try:
        page.get_by_label("Loại văn bản").select_option(label="Kế hoạch")
        page.get_by_label("Trích yếu").fill(SUBJECT)
        page.get_by_label("Nội dung (các đoạn cách nhau một dòng trống)").fill(
            "I. MỤC ĐÍCH, YÊU CẦU\n\nTổ chức Hội khỏe Phù Đổng cho học sinh toàn huyện."
        )
        first_row = page.locator(".recipient-row").first
        first_row.locator("select").first.select_option(label=str(school.organization))
        page.get_by_label("Người ký").select_option(label=phong.head.display_name)
        # Each choice asks the server again for the forms the signer holds: the type's answer (no signer yet) empties
        # the list, the signer's fills it. Submitting between the two posts no form (a 400 that CI once met).
        expect(page.locator("#signature-form-reasons")).to_contain_text("Ký trực tiếp")
        screenshot(page, "1-drafter-form")
        page.get_by_role("button", name="Tạo dự thảo").click()
        page.wait_for_url(re.compile(r"/flow/documents/\d+/$"))  # not the form itself, sent back with a 400
        document = Document.objects.get(subject=SUBJECT)
        assert list(document.recipients.values_list("organization_id", flat=True)) == [school.organization.pk]
        page.get_by_role("button", name="Trình duyệt").click()
        page.wait_for_load_state("networkidle")
        assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW
        screenshot(page, "1-drafter-document")
    finally:
        context.close()
    also_on_a_phone(browser, live_server, phong.drafter, f"/flow/documents/{document.pk}/", "1-drafter-document")

    # --- the deputy approves it from the inbox: the row leaves, the count follows, the page is not reloaded
    context, page = as_role(browser, live_server, phong.deputy)
    try:
        screenshot(page, "2-deputy-inbox")
        page.evaluate("window.notReloaded = true")  # gone if the page is loaded again
        row = page.locator("tr", has_text=SUBJECT)
        row.get_by_placeholder("Ý kiến (không bắt buộc)").fill("Đồng ý, trình Trưởng phòng ký.")
        row.get_by_role("button", name="Duyệt").click()
        expect(page.locator(".inplace-message.ok")).to_contain_text("Đã duyệt.")
        expect(page.locator("tr", has_text=SUBJECT).locator("button")).to_have_count(0)
        expect(page.locator("#inbox-tabs a.active .badge")).to_have_text("0")
        assert page.evaluate("window.notReloaded") is True
        assert Document.objects.get(pk=document.pk).status == Status.AWAITING_SIGNATURE
        screenshot(page, "2-deputy-approved")
    finally:
        context.close()
    also_on_a_phone(browser, live_server, phong.deputy, "/inbox/?tab=done", "2-deputy-done")

    # --- the head opens the document from the inbox, reads it as it will print, confirms and signs
    also_on_a_phone(browser, live_server, phong.head, "/inbox/", "3-head-inbox")
    context, page = as_role(browser, live_server, phong.head)
    try:
        screenshot(page, "3-head-inbox")
        page.locator("tr", has_text=SUBJECT).get_by_role("link", name="Xem và ký").click()
        page.locator("#pages img").first.wait_for()
        screenshot(page, "3-head-sign-page")
        page.get_by_label("Tôi đã đọc và ký văn bản này").check()
        page.get_by_role("button", name="Ký văn bản").click()
        page.wait_for_url(f"**/flow/documents/{document.pk}/**")
        assert Document.objects.get(pk=document.pk).status == Status.SIGNED
    finally:
        context.close()

    # --- the clerk numbers and issues it in one step from her queue
    also_on_a_phone(browser, live_server, phong.clerk, "/inbox/?tab=queue", "4-clerk-queue")
    context, page = as_role(browser, live_server, phong.clerk, then="/inbox/?tab=queue")
    try:
        screenshot(page, "4-clerk-queue")
        page.evaluate("window.notReloaded = true")
        page.locator("tr", has_text=SUBJECT).get_by_role("button", name="Cấp số và phát hành").click()
        message = page.locator(".inplace-message.ok")
        expect(message).to_contain_text("Đã cấp số và phát hành.")
        document = Document.objects.get(pk=document.pk)
        assert document.status == Status.ISSUED
        expect(message).to_contain_text(document.code)
        assert page.evaluate("window.notReloaded") is True
        actions = set(AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True))
        assert {"document.register", "document.issue"} <= actions
        assert document.deliveries.filter(recipient__organization=school.organization).count() == 1
        screenshot(page, "4-clerk-issued")
    finally:
        context.close()
    also_on_a_phone(browser, live_server, phong.clerk, f"/flow/documents/{document.pk}/", "4-clerk-document")

    # --- the school's clerk accepts it on the arrival page, in place (the receiving side's actions)
    context, page = as_role(browser, live_server, school.clerk, then="/arrivals/")
    try:
        page.get_by_role("link", name=SUBJECT).click()
        page.wait_for_load_state("networkidle")
        page.evaluate("window.notReloaded = true")
        page.get_by_role("button", name="Tiếp nhận và vào sổ văn bản đến").click()
        expect(page.locator("#arrival-actions .inplace-message.ok")).to_contain_text("Đã tiếp nhận")
        expect(page.get_by_role("button", name="Tiếp nhận và vào sổ văn bản đến")).to_have_count(0)
        assert page.evaluate("window.notReloaded") is True
        assert IncomingDocument.objects.filter(delivery__document=document).count() == 1
        screenshot(page, "5-school-clerk-accepted")
    finally:
        context.close()
