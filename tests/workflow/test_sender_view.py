"""The drafter picks "Nơi nhận" from the directory; the sender sees every addressee and reminds the late ones."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from documents import services
from documents.models import DeliveryStatus, Document
from notifications.models import Notification
from organizations.models import GroupRule, OrganizationKind, RecipientGroup
from tests.factories import advance, document_type, make_draft, make_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for_api():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def schools_under(office, count: int) -> list:
    schools = []
    for number in range(count):
        school = make_office(name=f"Trường Tiểu học số {number + 1}", head_title="HIỆU TRƯỞNG")
        school.organization.parent = office.organization
        school.organization.kind = OrganizationKind.SCHOOL
        school.organization.save(update_fields=["parent", "kind"])
        schools.append(school)
    return schools


def group_of_schools(office) -> RecipientGroup:
    return RecipientGroup.objects.create(
        organization=office.organization,
        name="Các trường trực thuộc",
        rule=GroupRule.SUBORDINATES,
        member_kind=OrganizationKind.SCHOOL,
    )


def form_data(office, rows: list[dict], **changes) -> dict:
    data = {
        "organization": office.organization.pk,
        "doc_type": document_type().pk,
        "subject": "Kế hoạch ngày hội đọc sách năm 2026",
        "body": "I. MỤC ĐÍCH\n\n1. Khuyến khích học sinh đọc sách.",
        "recipients": "",
        "signer": office.head.pk,
        "signature_form": "direct",
        "urgency": "normal",
        "confidentiality": "normal",
        "r-TOTAL_FORMS": str(len(rows)),
        "r-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        for name in ("target", "purpose", "display_name", "email"):
            data[f"r-{index}-{name}"] = row.get(name, "")
    return {**data, **changes}


# --- the drafting form ------------------------------------------------------------------------------


def test_the_form_offers_the_directory_and_saves_the_rows_picked(office) -> None:
    # given a Phòng with a school and a named group
    school = schools_under(office, 1)[0]
    group = group_of_schools(office)
    drafter = client_for(office.drafter)
    # when the drafter opens the form, the directory is offered in groups
    page = drafter.get(reverse("workflow:new")).content.decode()
    for label in ("Nhóm nơi nhận", "Cơ quan", "Đơn vị", "Cá nhân", "Ngoài hệ thống (ghi tên)", "Thêm dòng"):
        assert label in page
    assert f'value="g:{group.pk}"' in page
    assert f'value="o:{school.organization.pk}"' in page
    # and posts a group, a school with its own printed text, an outside body by e-mail, an empty row, a pasted line
    rows = [
        {"target": f"g:{group.pk}", "purpose": "execute"},
        {"target": f"o:{school.organization.pk}", "display_name": "Trường TH số 1"},
        {"display_name": "Báo Long An", "purpose": "inform", "email": "toasoan@baolongan.vn"},
        {},
    ]
    response = drafter.post(reverse("workflow:new"), form_data(office, rows, recipients="- UBND huyện (b/c);"))
    # then the draft's lines are linked to the directory, in order, the pasted one last
    assert response.status_code == 302
    document = Document.objects.get()
    lines = [(r.display_name, r.purpose, r.group_id, r.organization_id, r.email) for r in document.recipients.all()]
    assert lines == [
        ("Các trường trực thuộc", "execute", group.pk, None, ""),
        ("Trường TH số 1", "", None, school.organization.pk, ""),
        ("Báo Long An", "inform", None, None, "toasoan@baolongan.vn"),
        ("UBND huyện", "report", None, None, ""),
    ]
    # and the edit page shows the lines as rows, the directory entries selected
    edit = drafter.get(reverse("workflow:edit", args=[document.pk])).content.decode()
    assert f'<option value="g:{group.pk}" selected>' in edit
    assert 'value="toasoan@baolongan.vn"' in edit


def test_a_row_naming_something_outside_the_directory_is_refused_and_nothing_is_written(office) -> None:
    # given a unit of another organization, forged into the select's value
    other = make_office()
    drafter = client_for(office.drafter)
    # when it is posted
    response = drafter.post(reverse("workflow:new"), form_data(office, [{"target": f"u:{other.unit.pk}"}]))
    # then the page answers 400 with the row's error and writes nothing
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_no_line_at_all_is_refused(office) -> None:
    response = client_for(office.drafter).post(reverse("workflow:new"), form_data(office, [{}]))
    assert response.status_code == 400
    assert "Cần ít nhất một nơi nhận." in response.content.decode()


# --- the sender's view --------------------------------------------------------------------------------


def issued_to_schools(office, count: int) -> tuple[Document, list]:
    schools = schools_under(office, count)
    document = make_draft(
        office,
        recipients=[
            {"group": group_of_schools(office), "purpose": "execute"},
            {"display_name": "UBND huyện", "purpose": "report"},
        ],
        filing_line=f"VT, {office.unit.abbreviation}.",
    )
    return advance(document, office, to="issued"), schools


def test_the_sender_sees_every_addressee_with_its_status_and_reminds_the_late_ones(
    office, django_capture_on_commit_callbacks
) -> None:
    # given a plan issued to three schools: the first accepted, the second refused, the third silent
    document, schools = issued_to_schools(office, 3)
    incoming = services.arrival_accept(
        delivery=document.deliveries.get(organization=schools[0].organization), actor=schools[0].clerk
    )
    services.arrival_refuse(
        delivery=document.deliveries.get(organization=schools[1].organization),
        actor=schools[1].clerk,
        reason="Gửi nhầm: trường không có cấp học này.",
    )
    clerk = client_for(office.clerk)
    # when the issuing clerk opens the document page
    page = clerk.get(reverse("workflow:document", args=[document.pk])).content.decode()
    # then every addressee is there with its status code, the refusal reason, the incoming number, the counts
    assert "Tình hình gửi văn bản" in page
    for school in schools:
        assert school.organization.name in page
    for status in ("Đã tiếp nhận (03)", "Từ chối (02)", "Đã đến, chờ tiếp nhận (01)"):
        assert status in page
    assert "Gửi nhầm: trường không có cấp học này." in page
    assert f'<td data-label="Số đến">{incoming.number}</td>' in page
    assert '<span class="badge">1</span> đã tiếp nhận' in page
    assert '<span class="badge">1</span> chưa tiếp nhận' in page
    assert "Chờ gửi ra ngoài hệ thống" in page  # the UBND, outside the system
    assert "VT (văn thư)" in page  # the "Lưu:" copies
    # when the clerk clicks "Nhắc nơi chưa tiếp nhận"
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(reverse("workflow:remind", args=[document.pk]))
    # then the silent school's clerk is told, and a second click within the hour is refused politely
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=schools[2].clerk, event="deliveries_reminded").count() == 1
    again = clerk.post(reverse("workflow:remind", args=[document.pk]))
    assert again.status_code == 409
    assert "một lần mỗi giờ" in again.content.decode()


def test_a_recipient_does_not_see_the_senders_table(office) -> None:
    document, schools = issued_to_schools(office, 1)
    page = client_for(schools[0].clerk).get(reverse("workflow:document", args=[document.pk]))
    assert page.status_code == 200
    assert "Tình hình gửi văn bản" not in page.content.decode()
    refused = client_for(schools[0].clerk).post(reverse("workflow:remind", args=[document.pk]))
    assert refused.status_code == 403


def page_queries(office, count: int) -> int:
    document, _ = issued_to_schools(office, count)
    clerk = client_for(office.clerk)
    clerk.get(reverse("workflow:document", args=[document.pk]))  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = clerk.get(reverse("workflow:document", args=[document.pk]))
    assert response.content.decode().count("Trường Tiểu học số") >= count
    return len(queries)


def test_the_senders_table_is_a_constant_number_of_queries() -> None:
    # given the same plan issued to 3 and to 30 schools, when the clerk opens each page, then the same count
    assert page_queries(make_office(), 3) == page_queries(make_office(), 30)


# --- the API --------------------------------------------------------------------------------------------


def test_the_api_lists_deliveries_with_history_and_reminds(office, client_for_api) -> None:
    document, schools = issued_to_schools(office, 2)
    services.arrival_refuse(
        delivery=document.deliveries.get(organization=schools[0].organization),
        actor=schools[0].clerk,
        reason="Không đúng thẩm quyền.",
    )
    api = client_for_api(office.drafter)
    # when the drafter asks for the deliveries
    response = api.get(f"/api/documents/{document.pk}/deliveries/")
    # then each addressee with its line, status, code and history
    assert response.status_code == 200
    rows = {row["addressee"]: row for row in response.json()["results"]}
    refused = rows[str(schools[0].organization)]
    assert (refused["status"], refused["exchange_code"], refused["note"]) == ("refused", "02", "Không đúng thẩm quyền.")
    assert [step["status"] for step in refused["history"]] == ["arrived", "refused"]
    assert rows["UBND huyện"]["status"] == DeliveryStatus.QUEUED
    # when the drafter reminds, then the silent school alone; again at once is a 409
    reminded = api.post(f"/api/documents/{document.pk}/remind/")
    assert reminded.status_code == 200
    assert reminded.json()["reminded"] == [document.deliveries.get(organization=schools[1].organization).pk]
    assert api.post(f"/api/documents/{document.pk}/remind/").status_code == 409
    # and a recipient's clerk may neither list nor remind
    outsider = client_for_api(schools[1].clerk)
    assert outsider.get(f"/api/documents/{document.pk}/deliveries/").status_code == 403
    assert outsider.post(f"/api/documents/{document.pk}/remind/").status_code == 403


def test_the_api_takes_directory_lines_and_refuses_bad_ids_with_a_400(office, client_for_api) -> None:
    school = schools_under(office, 1)[0]
    group = group_of_schools(office)
    api = client_for_api(office.drafter)
    payload = {
        "organization": office.organization.pk,
        "doc_type": "ke_hoach",
        "subject": "Kế hoạch kiểm tra nội bộ",
        "recipients": [
            {"group": group.pk, "purpose": "execute"},
            {"organization": school.organization.pk},
            {"display_name": "Báo Long An", "email": "toasoan@baolongan.vn"},
        ],
    }
    created = api.post("/api/documents/", payload, format="json")
    assert created.status_code == 201, created.json()
    lines = created.json()["recipients"]
    assert [(line["group"], line["organization"], line["email"]) for line in lines] == [
        (group.pk, None, ""),
        (None, school.organization.pk, ""),
        (None, None, "toasoan@baolongan.vn"),
    ]
    for bad in ({"group": 2**62}, {"unit": "x"}, {"person": school.clerk.pk}, {"email": "không"}):
        refused = api.post("/api/documents/", {**payload, "recipients": [bad]}, format="json")
        assert refused.status_code == 400, (bad, refused.content)


def test_the_directory_endpoint_lists_what_a_drafter_may_pick(office, client_for_api) -> None:
    school = schools_under(office, 1)[0]
    group = group_of_schools(office)
    api = client_for_api(office.drafter)
    response = api.get(f"/api/organizations/{office.organization.pk}/recipient-choices/")
    assert response.status_code == 200
    body = response.json()
    assert [g["id"] for g in body["groups"]] == [group.pk]
    assert body["organizations"][0]["id"] == school.organization.pk  # its own schools first
    assert office.organization.pk not in [o["id"] for o in body["organizations"]]
    assert [u["abbreviation"] for u in body["units"]] == [office.unit.abbreviation]
    assert {p["id"] for p in body["people"]} == {
        office.head.pk,
        office.deputy.pk,
        office.drafter.pk,
        office.clerk.pk,
        office.auditor.pk,
    }
    assert api.get("/api/organizations/999999/recipient-choices/").status_code == 404


def test_the_table_alone_is_what_the_document_page_fetches_again() -> None:
    # given an issued plan to two schools, one of which accepted it
    office = make_office()
    schools = schools_under(office, 2)
    lines = [
        {"display_name": s.organization.name, "organization": s.organization, "purpose": "execute"} for s in schools
    ]
    document = advance(make_draft(office, recipients=lines), office, to="issued")
    services.arrival_accept(
        delivery=document.deliveries.get(organization=schools[0].organization), actor=schools[0].clerk
    )
    url = reverse("workflow:deliveries", args=[document.pk])

    # when the page marks the table live, and the issuing clerk fetches it
    page = client_for(office.clerk).get(reverse("workflow:document", args=[document.pk])).content.decode()
    fragment = client_for(office.clerk).get(url)

    # then the fragment is the table with the current statuses, and nothing of the page around it
    assert f'data-live="{url}"' in page
    text = fragment.content.decode()
    assert fragment.status_code == 200
    assert "Đã tiếp nhận (03)" in text
    assert "Đã đến, chờ tiếp nhận (01)" in text
    assert "<html" not in text
    # a recipient's clerk reads the document but not the sender's table (nothing to show); a stranger gets a 404
    assert client_for(schools[0].clerk).get(url).status_code == 204
    assert client_for(make_office().clerk).get(url).status_code == 404
