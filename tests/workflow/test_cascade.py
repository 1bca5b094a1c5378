"""Links between documents through the pages and the API: the cascade of seed 002, drafts from an accepted arrival,
corrections, reporting duties and who reported (docs/distribution.md, docs/api.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from documents import services
from documents.models import Document, Recurrence, ReplacementKind
from tests.documents.cascade import (
    SUBJECT,
    Cascade,
    accepted,
    complete_and_issue,
    issued_plan,
    line,
    make_cascade,
    on_day,
)
from tests.factories import document_type, make_draft
from workflow.models import DocumentProcess

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def three_levels(monkeypatch: pytest.MonkeyPatch) -> tuple[Cascade, Document, Document, Document]:
    """Seed 002 through the services: the Sở's plan, the Phòng's (sent to the Sở b/c), the school's."""
    cascade = make_cascade()
    so, phong, school = cascade.so, cascade.phong, cascade.schools[0]
    on_day(monkeypatch, dt.date(2022, 9, 26))
    so_plan = issued_plan(so, [line(phong.organization)])
    on_day(monkeypatch, dt.date(2022, 9, 28))
    phong_plan = services.draft_on_basis_of(
        delivery=accepted(so_plan, phong), actor=phong.drafter, doc_type=document_type()
    )
    phong_plan = complete_and_issue(phong_plan, phong, [line(school.organization), line(so.organization, "report")])
    school_plan = services.draft_on_basis_of(
        delivery=accepted(phong_plan, school), actor=school.drafter, doc_type=document_type()
    )
    school_plan = complete_and_issue(school_plan, school, [line(phong.organization, "report")])
    return cascade, so_plan, phong_plan, school_plan


def test_the_cascade_page_shows_phong_then_school_linking_only_what_the_reader_may_read(monkeypatch) -> None:
    # given seed 002's three plans
    cascade, so_plan, phong_plan, school_plan = three_levels(monkeypatch)
    # when the Sở's clerk opens the cascade page of the Sở's plan
    response = page_client(cascade.so.clerk).get(reverse("workflow:cascade", args=[so_plan.pk]))
    # then the Phòng and its plan (linked), the school and its plan (code only, not linked)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Phòng Giáo dục và Đào tạo" in html
    assert reverse("workflow:document", args=[phong_plan.pk]) in html
    assert school_plan.code in html
    assert reverse("workflow:document", args=[school_plan.pk]) not in html
    assert "bạn không có quyền xem" in html
    # and someone who may not read the Sở's plan gets no page
    assert page_client(cascade.schools[0].clerk).get(reverse("workflow:cascade", args=[so_plan.pk])).status_code == 404


def test_the_document_page_shows_the_links_both_ways(monkeypatch) -> None:
    # given seed 002's three plans
    cascade, so_plan, phong_plan, _ = three_levels(monkeypatch)
    # when the Phòng's clerk opens the Phòng's plan, and the Sở's clerk the Sở's
    phong_page = page_client(cascade.phong.clerk).get(reverse("workflow:document", args=[phong_plan.pk])).content
    so_page = page_client(cascade.so.clerk).get(reverse("workflow:document", args=[so_plan.pk])).content
    # then the căn cứ links up, the implementing plan links down, with the way to the cascade
    assert "Căn cứ" in phong_page.decode()
    assert reverse("workflow:document", args=[so_plan.pk]) in phong_page.decode()
    assert "Văn bản triển khai" in so_page.decode()
    assert reverse("workflow:document", args=[phong_plan.pk]) in so_page.decode()
    assert reverse("workflow:cascade", args=[so_plan.pk]) in so_page.decode()


def test_implement_and_reply_from_an_accepted_arrival_open_the_new_drafts_edit_page() -> None:
    # given the Sở's plan accepted by the Phòng
    cascade = make_cascade()
    so, phong = cascade.so, cascade.phong
    so_plan = issued_plan(so, [line(phong.organization)])
    delivery = accepted(so_plan, phong)
    client = page_client(phong.drafter)
    # when a Phòng officer presses "Soạn kế hoạch triển khai", then "Soạn báo cáo"
    implement = client.post(reverse("workflow:implement", args=[delivery.pk]))
    reply = client.post(reverse("workflow:reply", args=[delivery.pk]))
    # then each lands on its draft's edit page, with its flow started, linked to the Sở's plan
    plan = Document.objects.get(bases=so_plan)
    report = Document.objects.get(answers=so_plan)
    assert implement["Location"] == reverse("workflow:edit", args=[plan.pk])
    assert reply["Location"] == reverse("workflow:edit", args=[report.pk])
    assert (plan.doc_type.code, report.doc_type.code) == ("ke_hoach", "bao_cao")
    assert DocumentProcess.objects.filter(document_id__in=[plan.pk, report.pk]).count() == 2
    # and someone of another organization finds no such arrival
    outsider = page_client(cascade.schools[0].drafter).post(reverse("workflow:implement", args=[delivery.pk]))
    assert outsider.status_code == 404


def test_the_arrival_include_offers_both_buttons_once_accepted() -> None:
    # given a delivery still waiting, then accepted
    cascade = make_cascade()
    so_plan = issued_plan(cascade.so, [line(cascade.phong.organization)])
    delivery = so_plan.deliveries.get()
    from django.template.loader import render_to_string

    waiting = render_to_string("workflow/_arrival_links.html", {"delivery": delivery})
    delivery = accepted(so_plan, cascade.phong)
    ready = render_to_string("workflow/_arrival_links.html", {"delivery": delivery})
    # then the buttons appear only once it was accepted
    assert "Soạn kế hoạch triển khai" not in waiting
    assert "Soạn kế hoạch triển khai" in ready
    assert "Soạn báo cáo" in ready
    assert reverse("workflow:reply", args=[delivery.pk]) in ready


def test_a_duty_added_on_the_page_and_a_correction_from_it() -> None:
    # given a Phòng's draft to a school
    cascade = make_cascade()
    phong, school = cascade.phong, cascade.schools[0]
    draft = make_draft(phong, recipients=[line(school.organization)])
    client = page_client(phong.drafter)
    # when the drafter adds a yearly duty on the page (and a bad date is refused)
    bad = client.post(reverse("workflow:add-duty", args=[draft.pk]), {"description": "Báo cáo", "due_date": "20/10"})
    client.post(
        reverse("workflow:add-duty", args=[draft.pk]),
        {"description": "Báo cáo kết quả về Phòng GD&ĐT", "due_date": "2030-10-20", "recurrence": "yearly"},
    )
    # then the page shows the duty and its form; the bad date changed nothing
    assert bad.status_code == 400
    page = client.get(reverse("workflow:document", args=[draft.pk])).content.decode()
    assert "Báo cáo kết quả về Phòng GD&amp;ĐT" in page
    assert list(draft.reporting_duties.values_list("recurrence", flat=True)) == [Recurrence.YEARLY]

    # when the plan is issued and the drafter presses "Soạn đính chính"
    plan = complete_and_issue(draft, phong, [line(school.organization)])
    assert "Soạn đính chính" in client.get(reverse("workflow:document", args=[plan.pk])).content.decode()
    response = client.post(reverse("workflow:correct", args=[plan.pk]), {"kind": "correction"})
    # then the correction's edit page opens, and the school's head (who may not correct) is refused
    correction = Document.objects.get(replaces=plan)
    assert response["Location"] == reverse("workflow:edit", args=[correction.pk])
    assert (
        "Soạn đính chính"
        not in page_client(school.clerk).get(reverse("workflow:document", args=[plan.pk])).content.decode()
    )


def test_the_api_cascade_and_links(monkeypatch) -> None:
    # given seed 002's three plans
    cascade, so_plan, phong_plan, school_plan = three_levels(monkeypatch)
    client = api_client(cascade.so.clerk)
    # when the Sở's clerk asks for the cascade and the Phòng's plan's links
    tree = client.get(f"/api/documents/{so_plan.pk}/cascade/").json()
    links = client.get(f"/api/documents/{phong_plan.pk}/links/").json()
    # then the tree goes Sở → Phòng → school, the school's plan without its subject
    [to_phong] = tree["branches"]
    [phong_node] = to_phong["documents"]
    school_node = phong_node["branches"][0]["documents"][0]
    assert (to_phong["organization_id"], phong_node["id"], phong_node["subject"]) == (
        cascade.phong.organization.pk,
        phong_plan.pk,
        SUBJECT,
    )
    assert (school_node["id"], school_node["readable"], school_node["subject"], school_node["code"]) == (
        school_plan.pk,
        False,
        "",
        school_plan.code,
    )
    assert [n["id"] for n in links["bases"]] == [so_plan.pk]
    assert [n["id"] for n in links["implemented_by"]] == [school_plan.pk]
    # and a document they may not read is a 404
    assert client.get(f"/api/documents/{school_plan.pk}/cascade/").status_code == 404


def test_the_api_drafts_from_an_arrival_and_tracks_reporting(monkeypatch) -> None:
    # given a Phòng's draft with a once-only duty for its school, issued on 01/9/2030
    cascade = make_cascade()
    phong, school = cascade.phong, cascade.schools[0]
    draft = make_draft(phong, recipients=[line(school.organization)])
    drafter = api_client(phong.drafter)
    added = drafter.post(
        f"/api/documents/{draft.pk}/reporting-duties/",
        {"description": "Báo cáo sơ kết học kỳ I", "due_date": "2030-12-20", "recurrence": "once"},
        format="json",
    )
    bad = drafter.post(
        f"/api/documents/{draft.pk}/reporting-duties/", {"description": "", "due_date": "x"}, format="json"
    )
    far = drafter.post(
        f"/api/documents/{draft.pk}/reporting-duties/",
        {"description": "Báo cáo", "due_date": "9999-12-31", "recurrence": "yearly"},
        format="json",
    )
    assert (added.status_code, bad.status_code, far.status_code) == (201, 400, 400)
    on_day(monkeypatch, dt.date(2030, 9, 1))
    plan = complete_and_issue(draft, phong, [line(school.organization)])
    delivery = plan.deliveries.get()
    school_api = api_client(school.drafter)
    # when the school drafts a report before accepting it, then after
    early = school_api.post(f"/api/deliveries/{delivery.pk}/reply/", {}, format="json")
    accepted(plan, school)
    report = school_api.post(f"/api/deliveries/{delivery.pk}/reply/", {"doc_type": "bao_cao"}, format="json")
    # then first a 409, then a draft to the Phòng answering the plan
    assert early.status_code == 409
    assert report.status_code == 201
    body = report.json()
    assert body["subject"].startswith(f"Kết quả thực hiện Kế hoạch số {plan.code}")
    assert [r["organization"] for r in body["recipients"]] == [phong.organization.pk]
    # and until it is issued the Phòng sees the school as owing its report
    status = api_client(phong.clerk).get(f"/api/documents/{plan.pk}/reporting-status/").json()
    assert [(row["organization_id"], row["state"], row["due_date"]) for row in status] == [
        (school.organization.pk, "open", "2030-12-20")
    ]
    complete_and_issue(Document.objects.get(pk=body["id"]), school, [line(phong.organization, "report")])
    status = api_client(phong.clerk).get(f"/api/documents/{plan.pk}/reporting-status/").json()
    assert [(row["state"], row["fulfilled_by"]) for row in status] == [("fulfilled", body["id"])]


def test_the_api_answers_bad_input_with_4xx() -> None:
    # given an issued plan to a school, accepted
    cascade = make_cascade()
    phong, school = cascade.phong, cascade.schools[0]
    plan = issued_plan(phong, [line(school.organization)])
    delivery = accepted(plan, school)
    drafter = api_client(phong.drafter)
    # when the requests are wrong in every way
    answers = [
        drafter.post(f"/api/documents/{plan.pk}/correct/", {"kind": "nonsense"}, format="json").status_code,
        drafter.post(
            f"/api/documents/{plan.pk}/reporting-duties/", {"description": "x", "due_date": "2030-01-01"}, format="json"
        ).status_code,
        api_client(school.drafter)
        .post(f"/api/deliveries/{delivery.pk}/implement/", {"doc_type": "khong_co"}, format="json")
        .status_code,
        drafter.post(f"/api/deliveries/{delivery.pk}/implement/", {}, format="json").status_code,
        api_client(school.clerk)
        .post(f"/api/documents/{plan.pk}/correct/", {"kind": "correction"}, format="json")
        .status_code,
        drafter.post("/api/deliveries/999999/reply/", {}, format="json").status_code,
    ]
    # then 400 for the kind, 409 for a duty on an issued plan, 400 for the type, 404 for a delivery not theirs,
    # 403 for a correction by the recipient's clerk (who reads it), 404 for none
    assert answers == [400, 409, 400, 404, 403, 404]
    # and a correction by its drafter is made
    made = drafter.post(f"/api/documents/{plan.pk}/correct/", {"kind": ReplacementKind.REPLACEMENT}, format="json")
    assert made.status_code == 201
    assert made.json()["subject"] == plan.subject
