"""Issue 8 end to end in a real browser: the Phòng's clerk issues a plan, a school's clerk accepts it, the school's
head assigns it, and the Phòng's page shows each step as it happens, without being reloaded."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from documents.dates import vn_today
from documents.models import Delivery, DeliveryStatus, IncomingDocument
from organizations.models import OrganizationKind
from tests.browser.helpers import log_in
from tests.factories import advance_routed, make_office, start_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SUBJECT = "Kế hoạch tổ chức Ngày hội đọc sách năm 2026"


def test_the_phong_watches_a_school_accept_and_assign_its_plan(browser, live_server, page) -> None:
    # given a Phòng with a school under it, and a registered plan of the Phòng addressed to that school
    phong = make_office(name="Phòng Giáo dục và Đào tạo Cần Giuộc", abbreviation="PGDĐT")
    school = make_office(name="Trường Tiểu học Phước Lý", abbreviation="THPL", kind=OrganizationKind.SCHOOL)
    school.organization.parent = phong.organization
    school.organization.save(update_fields=["parent"])
    line = {"display_name": school.organization.name, "purpose": "execute", "organization": school.organization}
    document = advance_routed(start_draft(phong, subject=SUBJECT, recipients=[line]), phong, to="registered")

    # when the Phòng's clerk issues it from the document page
    log_in(page, phong.clerk.username)
    page.goto(f"/flow/documents/{document.pk}/")
    claim = page.get_by_role("button", name="Nhận xử lý")
    if claim.count():
        claim.click()
        page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Phát hành").click()
    page.wait_for_load_state("networkidle")

    # then the page lists the school, arrived and waiting (01)
    row = page.locator("#deliveries-live tr", has_text=school.organization.name)
    expect(row).to_contain_text("(01)")
    page.evaluate("window.notReloaded = true")  # gone if the page is loaded again

    # when the school's clerk, in another browser, accepts it from the arrivals list
    school_clerk = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url)
    clerk_page = school_clerk.new_page()
    clerk_page.set_default_timeout(15_000)
    try:
        log_in(clerk_page, school.clerk.username, then="/arrivals/")
        clerk_page.get_by_role("link", name=SUBJECT).click()
        clerk_page.get_by_role("button", name="Tiếp nhận và vào sổ văn bản đến").click()
        clerk_page.wait_for_load_state("networkidle")
    finally:
        school_clerk.close()

    # then the Phòng's page, never reloaded, shows it accepted (03) with the school's incoming number
    incoming = IncomingDocument.objects.get(delivery__document=document)
    expect(row).to_contain_text("(03)")
    expect(row).to_contain_text(str(incoming.number))

    # when the school's head assigns it to a unit with a directive and a deadline
    school_head = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url)
    head_page = school_head.new_page()
    head_page.set_default_timeout(15_000)
    deadline = vn_today() + dt.timedelta(days=10)
    try:
        log_in(head_page, school.head.username, then="/arrivals/?box=to_assign")
        head_page.get_by_role("link", name=SUBJECT).click()
        head_page.get_by_label("Đơn vị chủ trì").select_option(str(school.unit.pk))
        head_page.get_by_label("Bút phê").fill("Giao tổ chuyên môn triển khai, báo cáo kết quả trước hạn.")
        head_page.get_by_label("Hạn xử lý").fill(deadline.isoformat())
        head_page.get_by_role("button", name="Phân công").click()
        head_page.wait_for_load_state("networkidle")
    finally:
        school_head.close()

    # then the Phòng's page shows it assigned (04), still without a reload
    expect(row).to_contain_text("(04)")
    delivery = Delivery.objects.get(document=document)
    assert delivery.status == DeliveryStatus.ASSIGNED
    assert list(delivery.events.values_list("status", flat=True)) == [
        DeliveryStatus.ARRIVED,
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.ASSIGNED,
    ]
    assert page.evaluate("window.notReloaded === true")


def test_receiving_and_the_senders_table_work_on_a_phone(browser, live_server) -> None:
    # given a plan issued by a Phòng to three schools, one of which has not accepted yet
    phong = make_office(name="Phòng Giáo dục và Đào tạo Cần Giuộc", abbreviation="PGDĐT")
    schools = []
    for n in range(3):
        school = make_office(name=f"Trường Tiểu học Phước Lý {n + 1}", abbreviation=f"THPL{n}", kind="school")
        school.organization.parent = phong.organization
        school.organization.save(update_fields=["parent"])
        schools.append(school)
    lines = [
        {"display_name": s.organization.name, "purpose": "execute", "organization": s.organization} for s in schools
    ]
    document = advance_routed(start_draft(phong, subject=SUBJECT, recipients=lines), phong, to="issued")
    phone = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "locale": "vi-VN"}

    for who, path, button in (
        # the school's clerk: the arrivals list, then one arrival with its accept button
        (schools[0].clerk, "/arrivals/", None),
        (
            schools[0].clerk,
            f"/arrivals/{document.deliveries.get(organization=schools[0].organization).pk}/",
            "Tiếp nhận và vào sổ văn bản đến",
        ),
        # the Phòng's clerk: the document page with the table of addressees
        (phong.clerk, f"/flow/documents/{document.pk}/", "Nhắc nơi chưa tiếp nhận"),
    ):
        context = browser.new_context(base_url=live_server.url, **phone)
        page = context.new_page()
        try:
            log_in(page, who.username, then=path)
            # then nothing needs scrolling sideways, and the main button is within reach
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
            if button:
                box = page.get_by_role("button", name=button).bounding_box()
                assert box is not None
                assert box["x"] >= 0
                assert box["x"] + box["width"] <= 360, path
        finally:
            context.close()
