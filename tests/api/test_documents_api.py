"""Creating, editing, listing, history, bulk actions, inbox, directory and errors through the JSON API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from documents.dates import vn_today
from documents.models import Document, Status
from organizations.models import Role, User
from tests.factories import (
    Office,
    TokenFactory,
    add_member,
    advance_routed,
    document_type,
    make_office,
    start_draft,
)

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]


def draft_payload(office: Office) -> dict:
    return {
        "organization": office.organization.pk,
        "doc_type": "ke_hoach",
        "subject": "Kế hoạch tổ chức Hội thi giáo viên dạy giỏi cấp huyện",
        "body": "I. MỤC ĐÍCH, YÊU CẦU\n\n- Phát hiện, bồi dưỡng giáo viên có năng lực.",
        "legal_bases": ["Căn cứ Thông tư số 22/2019/TT-BGDĐT;"],
        "signer": office.head.pk,
        "urgency": "khan",
        "deadline": "2026-12-15",
        "recipients": [
            {"display_name": "Sở GD&ĐT tỉnh Long An", "purpose": "report"},
            {"display_name": "Các trường trực thuộc", "purpose": "execute"},
        ],
    }


def test_drafter_creates_a_draft_and_it_starts_its_process(client_for: Client, office: Office) -> None:
    # when the drafter posts a draft
    response = client_for(office.drafter).post(reverse("documents-api:list"), draft_payload(office), format="json")
    # then it exists as a draft with its first version, recipients and an open drafting task
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["version"], body["drafter"]["id"]) == ("draft", 1, office.drafter.pk)
    assert [line["printed_line"] for line in body["recipients"]] == [
        "Sở GD&ĐT tỉnh Long An (b/c)",
        "Các trường trực thuộc (để thực hiện)",
    ]
    inbox = client_for(office.drafter).get(reverse("api-inbox"), {"kind": "assigned"}).json()
    assert [row["document"]["id"] for row in inbox["results"]] == [body["id"]]


def test_a_stranger_cannot_draft_for_an_organization(client_for: Client, office: Office) -> None:
    stranger = make_office().drafter
    response = client_for(stranger).post(reverse("documents-api:list"), draft_payload(office), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert not Document.objects.exists()


def test_bad_input_is_a_400_in_vietnamese_never_a_500(client_for: Client, office: Office) -> None:
    client = client_for(office.drafter)
    payload = {**draft_payload(office), "urgency": "rất gấp", "doc_type": "khong_co"}
    response = client.post(reverse("documents-api:list"), payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["message"]) == ("validation_error", "Dữ liệu không hợp lệ.")
    assert set(body["details"]) == {"urgency", "doc_type"}
    broken = client.post(reverse("documents-api:list"), "{không phải json", content_type="application/json")
    assert (broken.status_code, broken.json()["code"]) == (400, "parse_error")
    bad_filter = client.get(reverse("documents-api:list"), {"status": "lung_tung", "deadline_from": "hôm qua"})
    assert (bad_filter.status_code, bad_filter.json()["code"]) == (400, "validation_error")
    assert client.get(reverse("api-inbox"), {"kind": "tat_ca"}).status_code == 400


def test_unauthenticated_requests_are_refused_as_json(office: Office) -> None:
    response = APIClient().get(reverse("documents-api:list"))
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["message"] == "Bạn cần đăng nhập."


def test_token_authentication(office: Office) -> None:
    # given a token of the deputy and a document waiting for their review
    token = TokenFactory(user=office.deputy)
    document = advance_routed(start_draft(office), office, to="in_review")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # when they approve with it
    response = client.post(reverse("documents-api:approve", args=[document.pk]), {"comment": "Đồng ý."}, format="json")
    # then it is done
    assert response.status_code == 200
    assert response.json()["status"] == "awaiting_signature"
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token khong-dung")
    answer = wrong.get(reverse("documents-api:list"))
    # DRF answers 403 rather than 401 because session authentication comes first (no WWW-Authenticate)
    assert answer.status_code in (401, 403)
    assert answer.json()["code"] == "authentication_failed"


def test_drafter_edits_a_draft_as_a_new_version(client_for: Client, office: Office) -> None:
    document = start_draft(office)
    url = reverse("documents-api:detail", args=[document.pk])
    response = client_for(office.drafter).patch(
        url,
        {"subject": "Kế hoạch truyền thông năm 2027", "recipients": [{"display_name": "UBND huyện"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["subject"], response.json()["version"]) == ("Kế hoạch truyền thông năm 2027", 2)
    assert [line["display_name"] for line in response.json()["recipients"]] == ["UBND huyện"]


def test_return_requires_a_comment(client_for: Client, office: Office) -> None:
    document = advance_routed(start_draft(office), office, to="in_review")
    response = client_for(office.deputy).post(reverse("documents-api:return", args=[document.pk]), {}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")
    assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW


def test_returned_draft_stays_visible_to_the_reviewer_with_its_comment(client_for: Client, office: Office) -> None:
    document = advance_routed(start_draft(office), office, to="in_review")
    client_for(office.deputy).post(
        reverse("documents-api:return", args=[document.pk]), {"comment": "Bổ sung kinh phí."}, format="json"
    )
    seen = client_for(office.deputy).get(reverse("documents-api:detail", args=[document.pk]))
    assert (seen.status_code, seen.json()["returned_comment"]) == (200, "Bổ sung kinh phí.")
    inbox = client_for(office.drafter).get(reverse("api-inbox")).json()["results"]
    assert [(row["document"]["id"], row["document"]["returned_comment"]) for row in inbox] == [
        (document.pk, "Bổ sung kinh phí.")
    ]


def test_list_filters(client_for: Client, office: Office) -> None:
    # given three documents the head sees, differing in urgency, type, subject and deadline
    today = vn_today()
    plan = advance_routed(
        start_draft(office, urgency="hoa_toc", deadline=today - dt.timedelta(days=30)), office, to="in_review"
    )
    report = advance_routed(
        start_draft(
            office,
            doc_type=document_type("bao_cao"),
            subject="Báo cáo tổng kết năm học",
            deadline=today - dt.timedelta(days=1),
        ),
        office,
        to="signed",
    )
    advance_routed(start_draft(office, subject="Kế hoạch phổ cập giáo dục"), office, to="in_review")
    client = client_for(office.head)

    def ids(**query: str) -> set[int]:
        response = client.get(reverse("documents-api:list"), query)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(urgency="hoa_toc") == {plan.pk}
    assert ids(type="bao_cao") == {report.pk}
    assert ids(status="signed") == {report.pk}
    assert ids(q="tổng kết") == {report.pk}
    week_ago, next_week = today - dt.timedelta(days=7), today + dt.timedelta(days=7)
    assert ids(deadline_from=week_ago.isoformat(), deadline_to=next_week.isoformat()) == {report.pk}
    assert ids(organization=str(office.organization.pk)) == ids()
    assert len(ids()) == 3
    assert ids(overdue="true") == {plan.pk, report.pk}
    assert len(ids(overdue="false")) == 1


def test_bulk_approve_does_each_it_may_and_reports_the_rest(client_for: Client, office: Office) -> None:
    # given two documents waiting for the deputy's review, one already approved, and one not visible to them
    waiting = [advance_routed(start_draft(office), office, to="in_review") for _ in range(2)]
    approved = advance_routed(start_draft(office), office, to="awaiting_signature")
    hidden = start_draft(office)
    ids = [*(d.pk for d in waiting), approved.pk, hidden.pk]
    # when the deputy approves all four at once
    response = client_for(office.deputy).post(
        reverse("documents-api:bulk-approve"), {"ids": ids, "comment": "Đồng ý."}, format="json"
    )
    # then the two are approved; the others are reported with a reason
    assert response.status_code == 200
    body = response.json()
    assert body["done"] == [d.pk for d in waiting]
    assert {(row["id"], row["code"]) for row in body["failed"]} == {
        (approved.pk, "invalid_transition"),
        (hidden.pk, "not_found"),
    }
    assert set(Document.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "awaiting_signature",
        "draft",
    }


def test_history_shows_who_did_what_and_auditors_get_every_detail(client_for: Client, office: Office) -> None:
    # given an issued document
    document = advance_routed(start_draft(office), office, to="in_review")
    client_for(office.deputy).post(
        reverse("documents-api:approve", args=[document.pk]), {"comment": "Nội dung tốt."}, format="json"
    )
    document = advance_routed(Document.objects.get(pk=document.pk), office, to="issued")
    url = reverse("documents-api:history", args=[document.pk])
    # when the drafter reads its history
    rows = client_for(office.drafter).get(url).json()
    # then each step is there with who, from/to state, version and comment, without the details
    assert [row["action"] for row in rows] == [
        "document.create",
        "document.submit",
        "document.approve",
        "document.sign",
        "document.register",
        "document.issue",
    ]
    approve = rows[2]
    assert (approve["actor"], approve["from_state"], approve["to_state"]) == (
        office.deputy.pk,
        "in_review",
        "awaiting_signature",
    )
    assert (approve["version"], approve["comment"], approve["details"], approve["hash"]) == (
        1,
        "Nội dung tốt.",
        None,
        None,
    )
    # and the auditor of the organization gets every detail and the chain hashes
    full = client_for(office.auditor).get(url).json()
    assert full[4]["details"]["code"] == document.code
    assert len(full[4]["hash"]) == len(full[4]["previous_hash"]) == 64
    # and someone who may not see the document gets 404
    outsider = make_office().auditor
    assert client_for(outsider).get(url).status_code == 404


def test_inbox_kinds(client_for: Client, office: Office) -> None:
    # given one document in review, one signed (waiting for the clerk) and one archived
    in_review = advance_routed(start_draft(office), office, to="in_review")
    signed = advance_routed(start_draft(office), office, to="signed")
    archived = advance_routed(start_draft(office), office, to="archived")

    def inbox(user: User, kind: str) -> list[int]:
        response = client_for(user).get(reverse("api-inbox"), {"kind": kind})
        assert response.status_code == 200, response.json()
        return sorted(row["document"]["id"] for row in response.json()["results"])

    assert inbox(office.deputy, "assigned") == [in_review.pk]
    assert inbox(office.clerk, "queue") == [signed.pk]
    assert inbox(office.drafter, "submitted") == sorted([in_review.pk, signed.pk, archived.pk])
    assert archived.pk in inbox(office.clerk, "done")


def test_directory_is_read_only_json(client_for: Client, office: Office) -> None:
    client = client_for(office.drafter)
    organizations = client.get(reverse("organizations-api:list")).json()
    assert office.organization.pk in [row["id"] for row in organizations["results"]]
    detail = client.get(reverse("organizations-api:detail", args=[office.organization.pk])).json()
    assert [unit["abbreviation"] for unit in detail["units"]] == [office.unit.abbreviation]
    people = client.get(
        reverse("organizations-api:memberships"), {"organization": office.organization.pk, "role": Role.DEPUTY}
    ).json()
    assert [(row["user"], row["post_title"]) for row in people["results"]] == [(office.deputy.pk, "PHÓ TRƯỞNG PHÒNG")]
    units = client.get(reverse("organizations-api:units"), {"organization": office.organization.pk}).json()
    assert len(units["results"]) == 1
    types = client.get(reverse("documents-api:types")).json()
    assert {"code": "ke_hoach", "name": "Kế hoạch", "abbreviation": "KH"} in types
    assert client.post(reverse("organizations-api:list"), {}, format="json").status_code == 405
    assert client.get(reverse("organizations-api:detail", args=[999999])).status_code == 404


def test_other_staff_member_sees_nothing_and_drafts_their_own(client_for: Client, office: Office) -> None:
    colleague = add_member(office, Role.STAFF, full_name="Ngô Văn Khác")
    advance_routed(start_draft(office), office, to="in_review")
    assert client_for(colleague).get(reverse("documents-api:list")).json()["count"] == 0
    assert AuditEvent.objects.filter(actor=colleague).count() == 0
