"""The registers: Appendix IV's columns in order, filters, Excel and PDF exports read back, who may read which
register (the secret one hidden), and a constant number of queries whatever the number of rows."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from documents.dates import vn_today
from documents.models import Register
from records import registers, selectors
from tests.factories import make_office
from tests.receiving.scenario import school_receives
from tests.records.helpers import client_for, issued, pdf_text, pdf_words

pytestmark = pytest.mark.django_db

OUTGOING_COLUMNS = [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
INCOMING_COLUMNS = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]


def test_the_headings_are_appendix_iv_in_order() -> None:
    assert [str(h) for h in registers.OUTGOING_HEADINGS] == OUTGOING_COLUMNS
    assert [str(h) for h in registers.INCOMING_HEADINGS] == INCOMING_COLUMNS


def test_the_outgoing_register_page_lists_the_issued_documents_by_number() -> None:
    # given two issued plans and one still a draft
    office = make_office()
    first = issued(office, "Kế hoạch truyền thông giáo dục năm 2026")
    second = issued(office, "Kế hoạch kiểm tra nội bộ trường học")
    # when the clerk opens the register
    response = client_for(office.clerk).get(reverse("records:register", args=["regular"]))
    html = response.content.decode()
    # then both are there, in number order, with the signer and the recipients
    assert response.status_code == 200
    assert html.index(first.code) < html.index(second.code)
    assert "Võ Văn Trưởng" in html
    assert "Sở GD&amp;ĐT tỉnh Long An (b/c)" in html
    for heading in OUTGOING_COLUMNS:
        assert heading in html


def test_filters_narrow_the_register() -> None:
    office = make_office()
    issued(office, "Kế hoạch truyền thông giáo dục năm 2026")
    client = client_for(office.clerk)
    url = reverse("records:register", args=["regular"])
    assert "Kế hoạch truyền thông" in client.get(url, {"status": "issued"}).content.decode()
    assert "Kế hoạch truyền thông" not in client.get(url, {"status": "archived"}).content.decode()
    assert "Kế hoạch truyền thông" not in client.get(url, {"year": vn_today().year - 1}).content.decode()
    assert "Kế hoạch truyền thông" in client.get(url, {"unit": office.unit.pk}).content.decode()
    # nonsense in the query string is ignored, never a 500
    assert client.get(url, {"year": "²", "unit": "x", "status": "<b>", "page": "-1"}).status_code == 200


def test_excel_export_is_a_real_register_sheet() -> None:
    office = make_office()
    document = issued(office, "Kế hoạch truyền thông giáo dục năm 2026")
    response = client_for(office.clerk).get(reverse("records:register-xlsx", args=["regular"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[1][0] == office.organization.name.upper()
    assert values[3][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert values[4][0] == f"Năm {vn_today().year}"
    header = values.index(OUTGOING_COLUMNS)
    rows = [r for r in values[header + 2 :] if any(r)]
    assert len(rows) == 1
    assert rows[0][0] == document.code
    assert rows[0][2] == "Kế hoạch: Kế hoạch truyền thông giáo dục năm 2026"
    assert rows[0][3] == "Võ Văn Trưởng"
    assert sheet.freeze_panes == f"A{header + 3}"
    assert sheet.cell(row=header + 3, column=3).alignment.wrap_text


def test_pdf_export_in_the_legal_layout() -> None:
    office = make_office()
    document = issued(office, "Kế hoạch truyền thông giáo dục năm 2026")
    response = client_for(office.clerk).get(reverse("records:register-pdf", args=["regular"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_words(response.content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    # a long code (the factories' abbreviations carry a counter) may wrap inside its narrow cell
    assert document.code in "".join(text.split())
    assert "truyền thông" in text
    for heading in OUTGOING_COLUMNS:
        assert heading in text


def test_incoming_register_with_its_columns_and_exports() -> None:
    s = school_receives()
    s.accept()
    s.assign()
    client = client_for(s.school.clerk)
    html = client.get(reverse("records:register", args=["incoming"])).content.decode()
    for heading in INCOMING_COLUMNS:
        assert heading in html
    assert s.document.code in html
    assert "Tổ chuyên môn" in html
    sheet = load_workbook(io.BytesIO(client.get(reverse("records:register-xlsx", args=["incoming"])).content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values.index(INCOMING_COLUMNS)
    row = values[header + 2]
    assert row[1] == "01"
    assert row[3] == s.document.code
    assert "Tổ chuyên môn" in row[6]
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in pdf_text(client.get(reverse("records:register-pdf", args=["incoming"])).content)


def test_who_may_read_which_register() -> None:
    office = make_office()
    issued(office, "Kế hoạch truyền thông giáo dục năm 2026")
    url = reverse("records:register", args=["regular"])
    for reader in (office.clerk, office.head, office.deputy, office.auditor):
        assert client_for(reader).get(url).status_code == 200
    # staff keep no register: a 404 with a Vietnamese message, and the same for the exports
    drafter = client_for(office.drafter)
    refused = drafter.get(url)
    assert refused.status_code == 404
    assert "không được xem sổ" in refused.content.decode()
    assert drafter.get(reverse("records:register-xlsx", args=["regular"])).status_code == 404
    assert drafter.get(reverse("records:register-pdf", args=["regular"])).status_code == 404
    # another organization's clerk cannot pick this one
    other = make_office()
    page = client_for(other.clerk).get(url, {"organization": office.organization.pk}).content.decode()
    assert office.organization.name not in page
    # no such register
    assert client_for(office.clerk).get(reverse("records:register", args=["nope"])).status_code == 404


def test_the_secret_register_is_hidden_from_those_not_allowed() -> None:
    office = make_office()
    secret = issued(office, "Kế hoạch bảo vệ bí mật nhà nước", confidentiality="mat")
    assert secret.register == Register.SECRET
    url = reverse("records:register", args=["secret"])
    # the deputy and the auditor read the regular register, not the secret one, nor its exports
    for person in (office.deputy, office.auditor):
        client = client_for(person)
        assert client.get(url).status_code == 404
        assert client.get(reverse("records:register-xlsx", args=["secret"])).status_code == 404
        assert secret.code not in client.get(reverse("records:register", args=["regular"])).content.decode()
        assert "secret" not in selectors.readable_registers(user=person)
    # the clerk and the head read it
    for person in (office.clerk, office.head):
        html = client_for(person).get(url).content.decode()
        assert secret.code in html
        assert "Mật" in html


def test_register_queries_do_not_grow_with_rows(django_assert_max_num_queries) -> None:
    office = make_office()
    issued(office, "Kế hoạch một")
    client = client_for(office.clerk)
    url = reverse("records:register", args=["regular"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(3):
        issued(office, f"Kế hoạch thêm {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as xlsx_one:
        client.get(reverse("records:register-xlsx", args=["regular"]))
    issued(office, "Kế hoạch cuối")
    with django_assert_max_num_queries(len(xlsx_one.captured_queries)):
        client.get(reverse("records:register-xlsx", args=["regular"]))


def test_the_header_links_only_for_readers() -> None:
    office = make_office()
    inbox = reverse("workflow:inbox")
    clerk_page = client_for(office.clerk).get(inbox).content.decode()
    assert reverse("records:register", args=["regular"]) in clerk_page
    assert reverse("records:dossiers") in clerk_page
    drafter_page = client_for(office.drafter).get(inbox).content.decode()
    assert reverse("records:dossiers") not in drafter_page
    assert "/registers/" not in drafter_page


def test_the_register_page_counts_a_page_past_the_one_asked_for(monkeypatch) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from records import views
    from workflow import paging

    office = make_office()
    for n in range(3):
        issued(office, f"Kế hoạch số {n}")
    client = client_for(office.clerk)
    url = reverse("records:register", args=["regular"])
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    # the count reads at most 1,001 ids, whatever the year holds
    assert any("COUNT(" in q["sql"].upper() and "LIMIT 1001" in q["sql"] for q in queries)
    assert "Trang 1/1 · 3 văn bản" in html
    # one a page and a cap of one: page 1 says it is more than two, the next pages stay reachable, the last exact
    monkeypatch.setattr(paging, "COUNT_CAP", 1)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    html = client.get(url).content.decode()
    assert "Trang 1 · hơn 2 văn bản" in html
    assert "page=2" in html
    html = client.get(url, {"page": 3}).content.decode()
    assert "Trang 3/3 · 3 văn bản" in html
    assert "Kế hoạch số 2" in html
