"""Issue 11 items 9 and 10 at the HTTP level: the same views answer a fragment to a fetch (desk.js) and a page to a
plain form; the clerk's "Cấp số và phát hành" is two audited steps; the bulk bar offers only what applies and
signing / issuing in bulk are confirmed first. The browser side is in tests/browser/test_desk_*.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from documents.errors import ValidationFailed
from documents.models import DeliveryStatus, Document, Status
from tests.factories import Office, start_draft
from tests.receiving.scenario import school_receives
from tests.workflow.helpers import run_steps
from workflow.flows import node
from workflow.models import DocumentTask

pytestmark = pytest.mark.django_db
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status_of(document: Document) -> str:
    return Document.objects.get(pk=document.pk).status


def test_an_approval_sent_in_place_answers_a_message_not_a_page(office: Office) -> None:
    # given a plan waiting for the deputy's review
    document = run_steps(start_draft(office, subject="Kế hoạch hội thi giáo viên giỏi"), office, "submit")
    client = client_for(office.deputy)

    # when the deputy approves it through fetch
    answer = client.post(reverse("workflow:act", args=[document.pk]), {"action": "approve"}, **FETCH)

    # then a short fragment says so, no page and no flash left for the next page
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "<html" not in html
    assert 'class="inplace-message ok"' in html
    assert "Đã duyệt." in html
    assert status_of(document) == Status.AWAITING_SIGNATURE
    inbox = client.get(reverse("workflow:inbox")).content.decode()
    assert "Đã duyệt." not in inbox
    assert "Kế hoạch hội thi giáo viên giỏi" not in inbox


def test_a_refusal_in_place_is_beside_the_row_with_its_status(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    answer = client_for(office.deputy).post(
        reverse("workflow:act", args=[document.pk]), {"action": "return", "comment": "  "}, **FETCH
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "<html" not in html
    assert 'role="alert"' in html
    assert "Trả lại văn bản phải ghi rõ ý kiến." in html
    assert status_of(document) == Status.IN_REVIEW


def test_someone_elses_task_in_place_is_a_403_fragment(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    answer = client_for(office.head).post(reverse("workflow:act", args=[document.pk]), {"action": "approve"}, **FETCH)
    assert answer.status_code in (403, 409)
    assert "<html" not in answer.content.decode()
    assert status_of(document) == Status.IN_REVIEW


def test_without_javascript_the_same_form_redirects_with_a_flash(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    client = client_for(office.deputy)
    answer = client.post(
        reverse("workflow:act", args=[document.pk]), {"action": "approve", "next": reverse("workflow:inbox")}
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("workflow:inbox")
    assert "Đã duyệt." in client.get(answer["Location"]).content.decode()


def test_the_clerk_numbers_and_issues_in_one_step_as_two_audited_transitions(office: Office) -> None:
    # given a signed plan waiting in the clerk's queue
    document = run_steps(
        start_draft(office, subject="Kế hoạch tuyển sinh năm học mới"), office, "submit", "approve", "sign"
    )
    client = client_for(office.clerk)
    queue = client.get(reverse("workflow:inbox"), {"tab": "queue"}).content.decode()
    assert 'value="register_issue"' in queue
    assert "Cấp số và phát hành" in queue

    # when she clicks "Cấp số và phát hành" in the queue, in place
    answer = client.post(reverse("workflow:act", args=[document.pk]), {"action": "register_issue"}, **FETCH)

    # then the plan has its number and is issued, each step audited, both flow tasks done by her
    document.refresh_from_db()
    assert answer.status_code == 200, answer.content
    assert document.status == Status.ISSUED
    assert document.code in answer.content.decode()
    actions = list(AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True))
    assert actions.index("document.register") < actions.index("document.issue")
    steps = DocumentTask.objects.filter(
        process__documentprocess__document=document, flow_task_type="HUMAN", status=STATUS.DONE
    )
    assert {task.flow_task.name: task.owner_id for task in steps if task.flow_task.name in ("register", "issue")} == {
        "register": office.clerk.pk,
        "issue": office.clerk.pk,
    }


def test_number_and_issue_by_someone_not_a_clerk_is_refused_before_anything(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")
    answer = client_for(office.drafter).post(
        reverse("workflow:act", args=[document.pk]), {"action": "register_issue"}, **FETCH
    )
    assert answer.status_code == 403
    assert status_of(document) == Status.SIGNED


def test_the_head_is_offered_only_signing_in_bulk(office: Office) -> None:
    # given two plans waiting for the head's signature
    for subject in ("Kế hoạch A", "Kế hoạch B"):
        run_steps(start_draft(office, subject=subject), office, "submit", "approve")
    html = client_for(office.head).get(reverse("workflow:inbox")).content.decode()
    assert 'data-bulk-button="sign"' in html
    assert 'data-bulk-button="approve"' not in html
    assert "data-select-all" in html


def test_bulk_signing_shows_the_list_first_and_acts_only_once_confirmed(office: Office) -> None:
    documents = [
        run_steps(start_draft(office, subject=subject), office, "submit", "approve")
        for subject in ("Kế hoạch ký một", "Kế hoạch ký hai")
    ]
    client = client_for(office.head)
    data = {"action": "sign", "document": [d.pk for d in documents]}

    # when the head asks to sign the two: a confirmation page listing them, nothing signed yet
    first = client.post(reverse("workflow:bulk"), data)
    html = first.content.decode()
    assert first.status_code == 200
    assert "Kế hoạch ký một" in html
    assert "Kế hoạch ký hai" in html
    assert 'name="confirm" value="1"' in html
    assert [status_of(d) for d in documents] == [Status.AWAITING_SIGNATURE] * 2

    # when confirmed: both signed
    second = client.post(reverse("workflow:bulk"), {**data, "confirm": "1"})
    assert second.status_code == 200
    assert [status_of(d) for d in documents] == [Status.SIGNED] * 2


def test_the_clerk_numbers_and_issues_in_bulk_after_confirming(office: Office) -> None:
    documents = [
        run_steps(start_draft(office, subject=subject), office, "submit", "approve", "sign")
        for subject in ("Kế hoạch phát hành một", "Kế hoạch phát hành hai")
    ]
    client = client_for(office.clerk)
    queue = client.get(reverse("workflow:inbox"), {"tab": "queue"}).content.decode()
    assert 'data-bulk-button="register_issue"' in queue

    data = {"action": "register_issue", "document": [d.pk for d in documents]}
    assert "Kế hoạch phát hành hai" in client.post(reverse("workflow:bulk"), data).content.decode()
    assert [status_of(d) for d in documents] == [Status.SIGNED] * 2

    result = client.post(reverse("workflow:bulk"), {**data, "confirm": "1"}).content.decode()
    assert "Thành công: 2" in result
    codes = [Document.objects.get(pk=d.pk).code for d in documents]
    assert [status_of(d) for d in documents] == [Status.ISSUED] * 2
    assert len(set(codes)) == 2


def test_bulk_approval_is_not_confirmed_and_reports_rows_that_do_not_apply(office: Office) -> None:
    review = run_steps(start_draft(office, subject="Kế hoạch chờ duyệt"), office, "submit")
    signing = run_steps(start_draft(office, subject="Kế hoạch chờ ký"), office, "submit", "approve")
    html = (
        client_for(office.deputy)
        .post(reverse("workflow:bulk"), {"action": "approve", "document": [review.pk, signing.pk]})
        .content.decode()
    )
    assert "Thành công: 1" in html
    assert status_of(review) == Status.AWAITING_SIGNATURE
    assert status_of(signing) == Status.AWAITING_SIGNATURE


def test_claim_in_place(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")
    task = DocumentTask.objects.get(process__documentprocess__document=document, status=STATUS.NEW)
    client = client_for(office.clerk)
    answer = client.post(reverse("workflow:claim", args=[task.pk]), **FETCH)
    assert answer.status_code == 200
    assert "Đã nhận xử lý" in answer.content.decode()
    again = client.post(reverse("workflow:claim", args=[task.pk]), **FETCH)
    assert again.status_code == 409
    assert "<html" not in again.content.decode()


@pytest.mark.parametrize("count", [2, 8])
def test_the_clerks_queue_stays_a_constant_number_of_queries(
    office: Office, count: int, django_assert_max_num_queries
) -> None:
    for index in range(count):
        run_steps(start_draft(office, subject=f"Kế hoạch {index}"), office, "submit", "approve", "sign")
    client = client_for(office.clerk)
    with django_assert_max_num_queries(16):
        html = client.get(reverse("workflow:inbox"), {"tab": "queue"}).content.decode()
    assert html.count('<input type="hidden" name="action" value="register_issue">') == count


def test_the_receiving_side_accepts_and_forwards_in_place() -> None:
    s = school_receives()
    client = client_for(s.school.clerk)
    accepted = client.post(reverse("receiving:act", args=[s.delivery.pk, "accept"]), **FETCH)
    assert accepted.status_code == 200
    assert "Đã tiếp nhận và vào sổ văn bản đến." in accepted.content.decode()
    assert s.refresh().status == DeliveryStatus.ACCEPTED
    # a bad choice: the message beside the form, a 4xx, no page
    wrong = client.post(reverse("receiving:act", args=[s.delivery.pk, "forward"]), {"leader": "999999"}, **FETCH)
    assert 400 <= wrong.status_code < 500
    assert "<html" not in wrong.content.decode()
    page = client.get(reverse("receiving:arrival", args=[s.delivery.pk])).content.decode()
    assert 'data-inplace="arrival-actions"' in page
    assert 'id="arrival-live"' in page


def test_when_issuing_fails_after_numbering_the_number_stays_and_both_are_said(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a signed plan, and sending that fails (a fault put into the issue service)
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")

    def refuse(**_: object) -> None:
        raise ValidationFailed("Văn bản chưa có bản đã ký hợp lệ.")

    monkeypatch.setattr("workflow.actions.services.document_issue", refuse)

    # when the clerk numbers and issues it in one step
    answer = client_for(office.clerk).post(
        reverse("workflow:act", args=[document.pk]), {"action": "register_issue"}, **FETCH
    )

    # then it is numbered, not issued, the issue step waits for her, and the message says both
    document.refresh_from_db()
    html = answer.content.decode()
    assert answer.status_code == 400
    assert document.status == Status.REGISTERED
    assert f"Đã cấp số {document.code} nhưng chưa phát hành:" in html
    assert "Văn bản chưa có bản đã ký hợp lệ." in html
    assert DocumentTask.objects.filter(
        process__documentprocess__document=document, flow_task=node("issue"), status__in=(STATUS.NEW, STATUS.ASSIGNED)
    ).exists()
