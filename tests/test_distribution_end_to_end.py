"""Issue 8's "done when", on the demo directory and through the API: a plan issued by the Phòng of Cần Giuộc reaches
every recipient, each acknowledges, one school writes its own plan on the basis of it and reports back, and the
Phòng sees all of that on the document's page and through the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from documents.dates import format_vn_date
from documents.models import DeliveryKind, DeliveryStatus, Document, Status
from organizations.models import Membership, Organization, OrganizationKind, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_keystore(tmp_path: Path, settings) -> None:
    settings.KEYSTORE_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def member(organization: Organization, role: str):
    return Membership.objects.filter(organization=organization, role=role, is_active=True).first().user


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()[:500]
    return response.json()


def through_the_flow(document_id: int, organization: Organization, **content: object) -> Document:
    """A draft of the demo school, as its people would take it: written, reviewed, signed, numbered, sent."""
    deputy, head, clerk = (member(organization, role) for role in (Role.DEPUTY, Role.HEAD, Role.CLERK))
    drafter = Document.objects.get(pk=document_id).drafter
    ok(api(drafter).patch(f"/api/documents/{document_id}/", {"signer": head.pk, **content}, format="json"))
    ok(api(drafter).post(f"/api/documents/{document_id}/submit/", {"reviewer": deputy.pk}, format="json"))
    ok(api(deputy).post(f"/api/documents/{document_id}/approve/", {}, format="json"))
    ok(api(head).post(f"/api/documents/{document_id}/sign/", {}, format="json"))
    ok(api(clerk).post(f"/api/documents/{document_id}/register/", {}, format="json"))
    ok(api(clerk).post(f"/api/documents/{document_id}/issue/", {}, format="json"))
    return Document.objects.get(pk=document_id)


def test_a_demo_plan_reaches_everyone_is_implemented_and_reported_on() -> None:
    # given the demo, and the plan the Phòng of Cần Giuộc issued
    call_command("seed_demo")
    phong = Organization.objects.get(place_name="Cần Giuộc", abbreviation="PGDĐT")
    plan = Document.objects.get(status=Status.ISSUED, organization=phong)
    deliveries = list(plan.deliveries.select_related("organization", "person"))
    assert {d.kind for d in deliveries} == {DeliveryKind.ORGANIZATION, DeliveryKind.PERSON}

    # when every recipient acknowledges: each organization's clerk accepts it into its register, each person named
    # confirms it
    for delivery in deliveries:
        if delivery.kind == DeliveryKind.ORGANIZATION:
            answer = ok(api(member(delivery.organization, Role.CLERK)).post(f"/api/arrivals/{delivery.pk}/accept/"))
        else:
            answer = ok(api(delivery.person).post(f"/api/arrivals/{delivery.pk}/acknowledge/"))
        assert answer["status"] == DeliveryStatus.ACCEPTED

    # and one school's head gives it to a teacher, who writes the school's own plan on the basis of it and later
    # reports back on it
    school = Organization.objects.get(name="Trường Tiểu học Long Hậu", kind=OrganizationKind.SCHOOL)
    arrival = next(d for d in deliveries if d.organization_id == school.pk)
    teacher = member(school, Role.STAFF)
    assignment = {"person": teacher.pk, "directive": "Xây dựng kế hoạch của trường, báo cáo kết quả về Phòng."}
    ok(api(member(school, Role.HEAD)).post(f"/api/arrivals/{arrival.pk}/assign/", assignment, format="json"))
    own = ok(
        api(teacher).post(f"/api/deliveries/{arrival.pk}/implement/", {"doc_type": "ke_hoach"}, format="json"), 201
    )
    to_phong = {"display_name": "Phòng GD&ĐT Cần Giuộc", "purpose": "report", "organization": phong.pk}
    own_plan = through_the_flow(
        own["id"],
        school,
        body="I. MỤC ĐÍCH, YÊU CẦU\n\n- Nhà trường cụ thể hóa kế hoạch của Phòng cho năm học.",
        recipients=[to_phong],
    )
    report = ok(api(teacher).post(f"/api/deliveries/{arrival.pk}/reply/", {"doc_type": "bao_cao"}, format="json"), 201)
    report_doc = through_the_flow(
        report["id"], school, body="Nhà trường đã triển khai đủ các nội dung; kết quả cụ thể như sau: …"
    )
    back = report_doc.deliveries.get(organization=phong)
    ok(api(member(phong, Role.CLERK)).post(f"/api/arrivals/{back.pk}/accept/"))

    # then the school's plan cites the Phòng's in the usual form
    assert own_plan.status == Status.ISSUED
    assert own_plan.legal_bases[0] == (
        f"Căn cứ Kế hoạch số {plan.code} {format_vn_date(plan.issue_date)} "
        f"của Phòng Giáo dục và Đào tạo huyện Cần Giuộc về việc {plan.subject};"
    )

    # and the Phòng sees, through the API: every recipient accepted, the school's plan below its own, the report
    clerk = api(member(phong, Role.CLERK))
    rows = ok(clerk.get(f"/api/documents/{plan.pk}/deliveries/"))["results"]
    assert len(rows) == len(deliveries)
    statuses = {row["organization"]: row["status"] for row in rows if row["organization"]}
    assert statuses.pop(school.pk) == DeliveryStatus.ASSIGNED
    assert set(statuses.values()) == {DeliveryStatus.ACCEPTED}
    cascade = ok(clerk.get(f"/api/documents/{plan.pk}/cascade/"))
    below = [node["code"] for branch in cascade["branches"] for node in branch["documents"]]
    assert below == [own_plan.code]
    links = ok(clerk.get(f"/api/documents/{plan.pk}/links/"))
    assert [node["code"] for node in links["answered_by"]] == [report_doc.code]

    # and on the document's page
    browser = Client()
    browser.force_login(member(phong, Role.CLERK))
    page = browser.get(f"/flow/documents/{plan.pk}/").content.decode()
    assert page.count("Đã tiếp nhận (03)") == len(deliveries) - 1
    assert page.count("Đã phân công (04)") == 1
    assert own_plan.code in page
    assert report_doc.code in page
