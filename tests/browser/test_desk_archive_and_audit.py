"""Issue 11's role walk continued in Debian's chromium, from an issued plan: the drafter attaches a PDF to a new
draft on its page (an .exe renamed .pdf is refused in Vietnamese); the clerk opens a dossier from the dossier list
and archives the issued plan into it from the document's page; the auditor finds the plan on the auditor's desk,
reads its trail, exports the trail's certificate (a PDF) and sees the chain intact. Only the browser drives the
steps under test; the factories make the starting point. Screenshots at 1366 and 360 px go to
test-artifacts/screenshots/ (paths printed with -s)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from documents.dates import vn_today
from documents.models import Attachment, Document, Dossier, DossierEntry, Status
from signing.ca import make_ca
from tests.browser.desk_helpers import DESK, PHONE, new_page, screenshot, scroll_width
from tests.browser.helpers import log_in
from tests.documents import attachment_files as files
from tests.factories import advance_routed, document_type, make_office, start_draft
from tests.signing.conftest import write_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ISSUED = "Kế hoạch tổ chức Hội khỏe Phù Đổng cấp huyện năm 2026"
DRAFT = "Kế hoạch bồi dưỡng thường xuyên giáo viên năm học 2026-2027"
DOSSIER_CODE = "07.TDTT"
DOSSIER_TITLE = "Hồ sơ Hội khỏe Phù Đổng năm 2026"


def as_role(browser, live_server, user, *, then: str = "/inbox/", viewport: dict[str, int] = DESK):
    context, page = new_page(browser, live_server, viewport)
    log_in(page, user.username, then=then)
    return context, page


def also_on_a_phone(browser, live_server, user, url: str, name: str) -> None:
    """The same page at 360 px, for the screenshots."""
    context, page = as_role(browser, live_server, user, then=url, viewport=PHONE)
    try:
        screenshot(page, name)
    finally:
        context.close()


@pytest.fixture
def seal_key(tmp_path, settings):
    """A key directory with a throwaway CA (as tests/signing/conftest.py's keystore); `seal_key(organization)`
    writes the organization's key, which seals the auditor's certificate."""
    ca = make_ca("CA thử nghiệm của bộ kiểm thử")
    settings.KEYSTORE_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""
    settings.KEYSTORE_DIR.mkdir()
    (settings.KEYSTORE_DIR / "ca.pem").write_bytes(ca.certificate_pem)

    def write(organization) -> None:
        path, name = f"organizations/org-{organization.pk}.p12", organization.name
        write_key(settings.KEYSTORE_DIR, path, common_name=name, organization=name, ca=ca)

    return write


def header_link(page, name: str):
    return page.locator("header.top").get_by_role("link", name=name, exact=True)


def test_attach_archive_and_audit_from_the_browser(browser, live_server, tmp_path, seal_key) -> None:
    # given an issued plan (its archive step waiting for the clerk) and a new draft of the drafter's
    document_type()
    office = make_office(name="Phòng Giáo dục và Đào tạo Cần Giuộc", abbreviation="PGDĐT")
    issued = advance_routed(start_draft(office, subject=ISSUED), office, to="issued")
    assert issued.status == Status.ISSUED
    assert issued.code
    seal_key(office.organization)
    draft = start_draft(office, subject=DRAFT)
    good, bad = tmp_path / "Phụ lục kinh phí.pdf", tmp_path / "bang-tinh.pdf"
    good.write_bytes(files.pdf_bytes())
    bad.write_bytes(files.exe_bytes())

    # --- 1. the drafter: a program renamed .pdf is refused in Vietnamese (the note kept), a real PDF is listed
    context, page = as_role(browser, live_server, office.drafter, then=f"/flow/documents/{draft.pk}/")
    try:
        expect(page.locator("#attachments")).to_contain_text("Chưa có tệp đính kèm.")
        page.get_by_label("Chọn tệp").set_input_files(str(bad))
        page.get_by_label("Ghi chú (không bắt buộc)").fill("Bảng tính kinh phí")
        page.get_by_role("button", name="Đính kèm").click()
        alert = page.get_by_role("alert").filter(has_text="Tệp là chương trình chạy được, không phải tài liệu")
        expect(alert).to_be_visible()
        expect(page.get_by_role("heading", name="Không nhận được tệp")).to_be_visible()
        assert page.get_by_label("Ghi chú (không bắt buộc)").input_value() == "Bảng tính kinh phí"
        assert not Attachment.objects.filter(document=draft).exists()
        screenshot(page, "6-drafter-attachment-refused")
        page.get_by_label("Chọn tệp").set_input_files(str(good))
        page.get_by_role("button", name="Đính kèm").click()
        page.wait_for_url(f"**/flow/documents/{draft.pk}/**")
        expect(page.locator("ul.messages")).to_contain_text("Đã đính kèm tệp Phụ lục kinh phí.pdf.")
        expect(page.locator("#attachments").get_by_role("link", name="Phụ lục kinh phí.pdf")).to_be_visible()
        attachment = Attachment.objects.get(document=draft)
        assert (attachment.file_name, attachment.kind, attachment.comment) == (
            "Phụ lục kinh phí.pdf",
            "pdf",
            "Bảng tính kinh phí",
        )
        screenshot(page, "6-drafter-attached")
    finally:
        context.close()
    also_on_a_phone(browser, live_server, office.drafter, f"/flow/documents/{draft.pk}/", "6-drafter-attached")

    # --- 2. the clerk opens a dossier from the dossier list, then archives the issued plan into it
    year = vn_today().year
    context, page = as_role(browser, live_server, office.clerk)
    try:
        header_link(page, "Hồ sơ").click()
        page.wait_for_url("**/dossiers/**")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Danh mục hồ sơ")
        expect(page.get_by_text("Chưa có hồ sơ nào trong năm này.")).to_be_visible()
        screenshot(page, "7-clerk-dossiers-empty")
        page.get_by_role("link", name="Lập hồ sơ mới").click()
        page.wait_for_url("**/dossiers/new/**")
        assert page.get_by_label("Năm:", exact=True).input_value() == str(year)
        page.get_by_label("Số và ký hiệu hồ sơ").fill(DOSSIER_CODE)
        page.get_by_label("Tiêu đề hồ sơ").fill(DOSSIER_TITLE)
        screenshot(page, "7-clerk-dossier-form")
        page.get_by_role("button", name="Lưu hồ sơ").click()
        expect(page.locator("ul.messages")).to_contain_text(f"Đã lập hồ sơ {DOSSIER_CODE}.")
        dossier = Dossier.objects.get(organization=office.organization, code=DOSSIER_CODE)
        assert (dossier.title, dossier.year) == (DOSSIER_TITLE, year)

        page.goto(f"/flow/documents/{issued.pk}/")
        archive = page.locator("form").filter(has=page.locator("input[name=action][value=archive]"))
        archive.get_by_label("Hồ sơ").select_option(label=f"{DOSSIER_CODE} — {DOSSIER_TITLE} ({year})")
        screenshot(page, "7-clerk-archive-form")
        archive.get_by_role("button", name="Lưu hồ sơ").click()
        expect(page.get_by_text("Đã lưu hồ sơ.").first).to_be_visible()
        assert Document.objects.get(pk=issued.pk).status == Status.ARCHIVED
        assert DossierEntry.objects.filter(dossier=dossier, document=issued).count() == 1
        page.goto(f"/flow/documents/{issued.pk}/")
        expect(page.locator("dl").filter(has_text="Các hồ sơ của văn bản")).to_contain_text(DOSSIER_CODE)
        screenshot(page, "7-clerk-archived")
    finally:
        context.close()
    also_on_a_phone(browser, live_server, office.clerk, f"/flow/documents/{issued.pk}/", "7-clerk-archived")

    # --- 3. the auditor: the desk, the plan found by its text, its trail, the certificate, the chain check
    context, page = as_role(browser, live_server, office.auditor)
    try:
        header_link(page, "Bàn thanh tra").click()
        page.wait_for_url("**/audit/documents/**")
        page.get_by_label("Trích yếu hoặc ký hiệu").fill("Phù Đổng")
        page.get_by_role("button", name="Lọc").click()
        page.wait_for_url("**q=**")
        rows = page.locator("table.desk-table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(issued.code)
        screenshot(page, "8-auditor-desk")
        rows.first.get_by_role("link", name=ISSUED).click()
        page.wait_for_url(f"**/audit/documents/{issued.pk}/**")
        expect(page.get_by_role("heading", level=1)).to_contain_text(issued.code)
        steps = page.locator("#steps tbody")
        for label in ("Cấp số", "Phát hành", "Lưu hồ sơ"):
            expect(steps.locator("td", has_text=label).first).to_be_visible()
        screenshot(page, "8-auditor-trail")

        with page.expect_download() as download_info:
            page.get_by_role("button", name="Xuất chứng nhận (PDF đã ký)").click()
        download = download_info.value
        assert download.suggested_filename.startswith(f"chung-nhan-{issued.pk}-")
        assert download.suggested_filename.endswith(".pdf")
        assert download.path().read_bytes().startswith(b"%PDF")

        page.get_by_role("link", name="Kiểm tra chuỗi").click()
        page.wait_for_url("**/audit/chain/**")
        expect(page.locator("#chain-result")).to_contain_text("Chuỗi nguyên vẹn")
        screenshot(page, "8-auditor-chain")
    finally:
        context.close()

    # the trail on a phone: nothing wider than the screen
    context, page = as_role(browser, live_server, office.auditor, then=f"/audit/documents/{issued.pk}/", viewport=PHONE)
    try:
        expect(page.locator("#steps")).to_be_visible()
        assert scroll_width(page) <= PHONE["width"]
        screenshot(page, "8-auditor-trail")
    finally:
        context.close()
    also_on_a_phone(browser, live_server, office.auditor, "/audit/chain/", "8-auditor-chain")
