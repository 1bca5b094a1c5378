"""The HTML pages with the Django test client: inbox, one click, return, bulk, claim, reassign, 409 on a late click."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.status import STATUS

from documents.dates import vn_today
from documents.models import Document, DocumentType, Status
from organizations.models import Role
from tests.factories import DossierFactory, Office, UnitFactory, add_member, make_office, start_draft
from tests.workflow.helpers import run_steps
from workflow.actions import perform
from workflow.models import DocumentTask

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status_of(document: Document) -> str:
    return Document.objects.get(pk=document.pk).status


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(reverse("workflow:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_inbox_lists_the_task_with_a_one_click_button_and_marks_overdue_in_red(office: Office) -> None:
    # given a document in review with a deadline already past
    document = run_steps(
        start_draft(office, subject="Kế hoạch tuyển sinh", deadline=vn_today() - dt.timedelta(days=2)), office, "submit"
    )

    # when the reviewer opens the inbox
    response = client_for(office.deputy).get(reverse("workflow:inbox"))

    # then the row is there, overdue, with the approve and return actions
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kế hoạch tuyển sinh" in html
    assert 'class="overdue"' in html
    assert "quá hạn" in html
    assert reverse("workflow:act", args=[document.pk]) in html
    assert 'value="approve"' in html
    assert "Trả lại" in html
    assert "csrfmiddlewaretoken" in html


def test_one_click_approve_moves_the_document_on(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")

    response = client_for(office.deputy).post(
        reverse("workflow:act", args=[document.pk]),
        {"action": "approve", "comment": "Đồng ý.", "next": reverse("workflow:inbox")},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workflow:inbox")
    assert status_of(document) == Status.AWAITING_SIGNATURE
    review = DocumentTask.objects.get(process__documentprocess__document=document, owner=office.deputy)
    assert review.data == {"outcome": "approve", "comment": "Đồng ý."}


def test_a_second_click_on_the_same_task_answers_409_in_vietnamese(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    client = client_for(office.deputy)
    url = reverse("workflow:act", args=[document.pk])
    client.post(url, {"action": "approve"})

    response = client.post(url, {"action": "approve"})

    assert response.status_code == 409
    assert "Không thực hiện được" in response.content.decode()
    assert status_of(document) == Status.AWAITING_SIGNATURE


def test_return_needs_a_comment(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    client = client_for(office.deputy)
    url = reverse("workflow:act", args=[document.pk])

    refused = client.post(url, {"action": "return", "comment": " "})
    assert refused.status_code == 400
    assert "ý kiến" in refused.content.decode()
    assert status_of(document) == Status.IN_REVIEW

    accepted = client.post(url, {"action": "return", "comment": "Bổ sung số liệu."})
    assert accepted.status_code == 302
    assert status_of(document) == Status.DRAFT


def test_the_drafter_sees_the_returned_comment_in_the_inbox(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    client_for(office.deputy).post(
        reverse("workflow:act", args=[document.pk]), {"action": "return", "comment": "Sửa trích yếu."}
    )
    html = client_for(office.drafter).get(reverse("workflow:inbox")).content.decode()
    assert "Bị trả lại" in html
    assert "Sửa trích yếu." in html


def test_bulk_approve_reports_each_document(office: Office) -> None:
    # given three documents in review, one of them already approved by the time the form is sent
    documents = [run_steps(start_draft(office, subject=f"Văn bản {n}"), office, "submit") for n in range(3)]
    run_steps(documents[2], office, "approve")

    # when the reviewer approves all three at once
    response = client_for(office.deputy).post(
        reverse("workflow:bulk"), {"action": "approve", "document": [d.pk for d in documents]}
    )

    # then two are approved and the third is reported, not done twice
    assert response.status_code == 200
    assert response.context["ok"] == 2
    assert response.context["failed"] == 1
    assert [status_of(d) for d in documents] == [Status.AWAITING_SIGNATURE] * 3
    html = response.content.decode()
    assert "Thành công: 2" in html


def test_inbox_paginates_25_a_page(office: Office) -> None:
    for n in range(26):
        run_steps(start_draft(office, subject=f"Văn bản số {n:02d}"), office, "submit")
    client = client_for(office.deputy)

    first = client.get(reverse("workflow:inbox"))
    second = client.get(reverse("workflow:inbox"), {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 1
    assert first.context["counts"]["assigned"] == 26


def test_inbox_filters_by_overdue(office: Office) -> None:
    run_steps(start_draft(office, subject="Trễ hạn", deadline=vn_today() - dt.timedelta(days=1)), office, "submit")
    run_steps(start_draft(office, subject="Đúng hạn"), office, "submit")
    response = client_for(office.deputy).get(reverse("workflow:inbox"), {"overdue": "1"})
    assert [row.document.subject for row in response.context["page"].object_list] == ["Trễ hạn"]


def test_queue_tab_claim_then_register_from_the_document_page(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")
    task = DocumentTask.objects.get(process__documentprocess__document=document, status=STATUS.NEW)
    client = client_for(office.clerk)

    queue = client.get(reverse("workflow:inbox"), {"tab": "queue"})
    assert reverse("workflow:claim", args=[task.pk]) in queue.content.decode()

    claimed = client.post(reverse("workflow:claim", args=[task.pk]))
    assert claimed.status_code == 302
    page = client.get(reverse("workflow:document", args=[document.pk]))
    assert page.status_code == 200
    assert 'value="register"' in page.content.decode()

    client.post(reverse("workflow:act", args=[document.pk]), {"action": "register"})
    assert status_of(document) == Status.REGISTERED


def test_archive_from_the_document_page_with_a_dossier(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve", "sign", "register", "issue")
    dossier = DossierFactory(organization=office.organization)
    client = client_for(office.clerk)
    assert dossier.code in client.get(reverse("workflow:document", args=[document.pk])).content.decode()

    missing = client.post(reverse("workflow:act", args=[document.pk]), {"action": "archive"})
    assert missing.status_code == 400

    client.post(reverse("workflow:act", args=[document.pk]), {"action": "archive", "dossier": dossier.pk})
    assert status_of(document) == Status.ARCHIVED


def test_a_leader_reassigns_from_the_document_page(office: Office) -> None:
    second_clerk = add_member(office, Role.CLERK, full_name="Văn thư hai", post_title="VĂN THƯ")
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")
    task = DocumentTask.objects.get(process__documentprocess__document=document, status=STATUS.NEW)
    client = client_for(office.head)
    assert (
        reverse("workflow:reassign", args=[task.pk])
        in client.get(reverse("workflow:document", args=[document.pk])).content.decode()
    )

    response = client.post(reverse("workflow:reassign", args=[task.pk]), {"to_user": second_clerk.pk})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.owner == second_clerk


def test_a_stranger_cannot_see_or_act(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    stranger = client_for(make_office().head)
    assert stranger.get(reverse("workflow:document", args=[document.pk])).status_code == 404
    assert stranger.post(reverse("workflow:act", args=[document.pk]), {"action": "approve"}).status_code == 404
    assert status_of(document) == Status.IN_REVIEW


def test_posts_need_the_csrf_token(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    client = Client(enforce_csrf_checks=True)
    client.force_login(office.deputy)
    response = client.post(reverse("workflow:act", args=[document.pk]), {"action": "approve"})
    assert response.status_code == 403
    assert status_of(document) == Status.IN_REVIEW


@pytest.mark.parametrize("count", [5, 30])
def test_inbox_page_query_count_does_not_grow(office: Office, count: int, django_assert_max_num_queries) -> None:
    for n in range(count):
        run_steps(start_draft(office, subject=f"Văn bản {n}"), office, "submit")
    client = client_for(office.deputy)
    # 12: the page's own 10, one for the "Văn bản đến" counts (header and box, receiving.context_processors) and
    # one for the notification badge (notifications.context_processors)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("workflow:inbox"))
    assert len(response.context["page"].object_list) == min(count, 25)


def test_consultation_from_the_document_pages(office: Office) -> None:
    # given another unit with a member, and a draft whose drafter asks that unit for its opinion
    unit = UnitFactory(organization=office.organization, name="Tổ Phổ thông", abbreviation="TPT")
    member = add_member(office, Role.STAFF, full_name="Tổ trưởng Phổ thông", unit=unit)
    document = start_draft(office)
    drafter = client_for(office.drafter)
    assert 'name="consult_units"' in drafter.get(reverse("workflow:document", args=[document.pk])).content.decode()
    drafter.post(reverse("workflow:act", args=[document.pk]), {"action": "submit", "consult_units": [unit.pk]})
    client_for(office.deputy).post(reverse("workflow:act", args=[document.pk]), {"action": "approve"})

    # when the unit's member opens the page and gives the opinion
    client = client_for(member)
    page = client.get(reverse("workflow:document", args=[document.pk])).content.decode()
    assert 'value="consult"' in page
    refused = client.post(reverse("workflow:act", args=[document.pk]), {"action": "consult", "comment": ""})
    given = client.post(reverse("workflow:act", args=[document.pk]), {"action": "consult", "comment": "Thống nhất."})

    # then the empty opinion was refused, the real one recorded, and the head can sign
    assert refused.status_code == 400
    assert given.status_code == 302
    assert (
        "Thống nhất." in client_for(office.head).get(reverse("workflow:document", args=[document.pk])).content.decode()
    )
    client_for(office.head).post(reverse("workflow:act", args=[document.pk]), {"action": "sign"})
    assert status_of(document) == Status.SIGNED


def test_bulk_reports_documents_of_other_organizations_as_not_found(office: Office) -> None:
    elsewhere = make_office()
    foreign = run_steps(start_draft(elsewhere, subject="Bí mật nơi khác"), elsewhere, "submit")
    response = client_for(office.deputy).post(reverse("workflow:bulk"), {"action": "approve", "document": [foreign.pk]})
    assert response.status_code == 200
    assert response.context["failed"] == 1
    assert "Bí mật nơi khác" not in response.content.decode()
    assert status_of(foreign) == Status.IN_REVIEW


def test_the_login_template_renders() -> None:
    from django.template.loader import render_to_string

    html = render_to_string("registration/login.html", {"next": "/inbox/"})
    assert "Đăng nhập" in html
    assert 'name="password"' in html


def test_a_plan_goes_from_a_typed_draft_to_archived_through_the_pages(office: Office) -> None:
    # given the drafter types a new plan in the browser form
    drafter = client_for(office.drafter)
    response = drafter.post(
        reverse("workflow:new"),
        {
            "organization": office.organization.pk,
            "doc_type": DocumentType.objects.get_or_create(
                code="ke_hoach", defaults={"name": "Kế hoạch", "abbreviation": "KH"}
            )[0].pk,
            "subject": "Kế hoạch hội thi giáo viên dạy giỏi cấp huyện",
            "legal_bases": "Căn cứ Kế hoạch số 12/KH-SGDĐT của Sở Giáo dục và Đào tạo;",
            "body": "I. MỤC ĐÍCH\n\n1. Tôn vinh giáo viên dạy giỏi.",
            "recipients": "- Sở GD&ĐT tỉnh Long An (b/c);\n- Các trường trực thuộc (để thực hiện);",
            "signer": office.deputy.pk,
            "signature_form": "KT",
            "urgency": "normal",
            "confidentiality": "normal",
        },
    )
    document = Document.objects.get(subject="Kế hoạch hội thi giáo viên dạy giỏi cấp huyện")
    assert response.status_code == 302
    assert [(r.display_name, r.purpose) for r in document.recipients.all()] == [
        ("Sở GD&ĐT tỉnh Long An", "report"),
        ("Các trường trực thuộc", "execute"),
    ]

    # when each person acts from their pages: submit, approve, sign (KT.), claim + register, issue, archive
    act = reverse("workflow:act", args=[document.pk])
    assert drafter.post(act, {"action": "submit"}).status_code == 302
    assert client_for(office.deputy).post(act, {"action": "approve"}).status_code == 302
    assert client_for(office.deputy).post(act, {"action": "sign"}).status_code == 302
    clerk = client_for(office.clerk)
    for step in ("register", "issue"):
        assert clerk.post(act, {"action": step}).status_code == 302
    dossier = DossierFactory(organization=office.organization)
    assert clerk.post(act, {"action": "archive", "dossier": dossier.pk}).status_code == 302

    # then it is archived with its number and the KT. title lines
    document.refresh_from_db()
    assert document.status == Status.ARCHIVED
    assert document.code == f"01/KH-{office.organization.abbreviation}"
    assert document.signer_title_lines == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]


def test_the_drafter_edits_a_returned_draft_and_bad_input_is_refused_in_vietnamese(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    perform(document=document, actor=office.deputy, action="return", comment="Sửa trích yếu.")
    drafter = client_for(office.drafter)
    page = drafter.get(reverse("workflow:edit", args=[document.pk]))
    assert "Sửa trích yếu." in page.content.decode()

    empty = drafter.post(reverse("workflow:edit", args=[document.pk]), {"subject": ""})
    assert empty.status_code == 400
    assert Document.objects.get(pk=document.pk).current_version.number == 1

    form = {key: value for key, value in page.context["form"].initial.items() if value is not None}
    form.update(subject="Kế hoạch đã sửa trích yếu", recipients="Các trường trực thuộc (để thực hiện)")
    assert drafter.post(reverse("workflow:edit", args=[document.pk]), form).status_code == 302
    document.refresh_from_db()
    assert (document.subject, document.current_version.number) == ("Kế hoạch đã sửa trích yếu", 2)
    # the reviewer reads the returned draft but may not edit it
    assert client_for(office.deputy).get(reverse("workflow:edit", args=[document.pk])).status_code == 403
