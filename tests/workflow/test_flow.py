"""The document flow end to end through workflow.actions.perform: the seed shapes, returns, cancel, recall."""

from __future__ import annotations

import pytest
from viewflow.workflow.status import PROCESS, STATUS

from audit.models import AuditEvent
from documents import services
from documents.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from documents.models import Document, Status
from organizations.models import SignatureForm
from tests.factories import Office, document_type, make_draft, make_office, start_draft
from tests.workflow.helpers import ALL_STEPS, run_steps
from workflow.actions import create_document, perform, start_process
from workflow.models import DocumentProcess, DocumentTask

pytestmark = pytest.mark.django_db


def steps_of(document: Document) -> list[tuple[str, str]]:
    process = DocumentProcess.objects.get(document=document)
    return [
        (task.flow_task.name, task.status)
        for task in DocumentTask.objects.filter(process=process, flow_task_type="HUMAN").order_by("pk")
    ]


def process_status(document: Document) -> str:
    return DocumentProcess.objects.get(document=document).status


def test_direct_head_signature_runs_from_start_to_archived(office: Office) -> None:
    # given a draft to be signed by the head, its flow started
    document = start_draft(office)

    # when every step is done by the person the flow gave it to
    document = run_steps(document, office, *ALL_STEPS)

    # then the document is archived, the process done, and each human step was one task
    assert document.status == Status.ARCHIVED
    assert document.signer_title_lines == ["TRƯỞNG PHÒNG"]
    assert process_status(document) == PROCESS.DONE
    assert steps_of(document) == [
        ("draft", STATUS.DONE),
        ("review", STATUS.DONE),
        ("sign", STATUS.DONE),
        ("register", STATUS.DONE),
        ("issue", STATUS.DONE),
        ("archive", STATUS.DONE),
    ]


def test_kt_deputy_signature_goes_through_the_kt_step(office: Office) -> None:
    # given a draft signed by the deputy on the head's behalf, reviewed by the head
    document = start_draft(office, signer=office.deputy, signature_form=SignatureForm.KT, reviewer=office.head)

    # when it runs to the end
    document = run_steps(document, office, *ALL_STEPS)

    # then the deputy signed in the KT. step with the KT. title block
    assert document.status == Status.ARCHIVED
    assert document.signer_title_lines == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    assert [name for name, _ in steps_of(document)] == ["draft", "review", "sign_kt", "register", "issue", "archive"]
    sign_task = DocumentTask.objects.get(
        process__documentprocess__document=document,
        flow_task_type="HUMAN",
        status=STATUS.DONE,
        owner=office.deputy,
        data__outcome="sign",
    )
    assert sign_task.step == "sign_kt"


def test_school_principal_signs_as_hieu_truong() -> None:
    # given a school whose head is the principal
    school = make_office(name="Trường THCS Long Thượng", abbreviation="THCSLT", head_title="HIỆU TRƯỞNG")
    document = start_draft(school, doc_type=document_type("ke_hoach"))

    # when it runs to the end
    document = run_steps(document, school, *ALL_STEPS)

    # then
    assert document.status == Status.ARCHIVED
    assert document.signer_title_lines == ["HIỆU TRƯỞNG"]
    assert document.code == "01/KH-THCSLT"


def test_so_director_signs_as_giam_doc() -> None:
    # given a Sở whose head is the director
    so = make_office(name="Sở Giáo dục và Đào tạo", abbreviation="SGDĐT", head_title="GIÁM ĐỐC", place_name="Long An")
    document = start_draft(so)

    # when it runs to the end
    document = run_steps(document, so, *ALL_STEPS)

    # then
    assert document.status == Status.ARCHIVED
    assert document.signer_title_lines == ["GIÁM ĐỐC"]
    assert document.code == "01/KH-SGDĐT"


def test_a_draft_left_before_numbering_has_no_number_and_waits_in_the_clerk_queue(office: Office) -> None:
    # given a document signed but not yet numbered (seed 004's shape)
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")

    # then it has no number, no code, no date, and the register step waits unassigned
    assert document.status == Status.SIGNED
    assert (document.number, document.code, document.issue_date) == (None, "", None)
    assert steps_of(document)[-1] == ("register", STATUS.NEW)

    # and when the clerk finishes it, it gets number 01
    document = run_steps(document, office, "register", "issue", "archive")
    assert document.number == 1


def test_review_return_goes_back_to_draft_and_resubmits(office: Office) -> None:
    # given a document in review
    document = run_steps(start_draft(office), office, "submit")

    # when the reviewer returns it with a comment
    document = perform(document=document, actor=office.deputy, action="return", comment="Bổ sung căn cứ.")

    # then a new draft task waits for the drafter, with the comment on the document and the task
    assert document.status == Status.DRAFT
    assert document.returned_comment == "Bổ sung căn cứ."
    assert steps_of(document) == [("draft", STATUS.DONE), ("review", STATUS.DONE), ("draft", STATUS.ASSIGNED)]
    review = DocumentTask.objects.get(
        process__documentprocess__document=document, flow_task_type="HUMAN", owner=office.deputy
    )
    assert review.data == {"outcome": "return", "comment": "Bổ sung căn cứ."}

    # and the drafter can submit again, all the way to the end
    document = run_steps(document, office, *ALL_STEPS)
    assert document.status == Status.ARCHIVED


def test_signer_return_goes_back_to_draft(office: Office) -> None:
    # given a document awaiting the head's signature
    document = run_steps(start_draft(office), office, "submit", "approve")

    # when the head returns it
    document = perform(document=document, actor=office.head, action="return", comment="Sửa mục III.")

    # then it is a draft again and the drafter has the task
    assert document.status == Status.DRAFT
    assert steps_of(document)[-2:] == [("sign", STATUS.DONE), ("draft", STATUS.ASSIGNED)]


def test_return_without_a_comment_is_refused_and_changes_nothing(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    with pytest.raises(ValidationFailed):
        perform(document=document, actor=office.deputy, action="return", comment="  ")
    assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW
    assert steps_of(document)[-1] == ("review", STATUS.ASSIGNED)


def test_cancel_in_review_cancels_the_process(office: Office) -> None:
    # given a document in review
    document = run_steps(start_draft(office), office, "submit")

    # when the drafter cancels it
    document = perform(document=document, actor=office.drafter, action="cancel", comment="Không cần nữa.")

    # then the document is cancelled, the review task too, and the process
    assert document.status == Status.CANCELLED
    assert steps_of(document)[-1] == ("review", STATUS.CANCELED)
    assert process_status(document) == PROCESS.CANCELED


def test_recall_of_an_issued_document_ends_the_process(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve", "sign", "register", "issue")
    document = perform(document=document, actor=office.head, action="recall", reason="Sai sót số liệu.")
    assert document.status == Status.RECALLED
    assert steps_of(document)[-1] == ("archive", STATUS.CANCELED)
    assert process_status(document) == PROCESS.CANCELED


def test_someone_else_cannot_take_a_task_assigned_to_another(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    with pytest.raises(PermissionDenied):
        perform(document=document, actor=office.head, action="approve")
    assert steps_of(document)[-1] == ("review", STATUS.ASSIGNED)


def test_an_action_with_no_open_step_is_a_conflict(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit")
    with pytest.raises(InvalidTransition):
        perform(document=document, actor=office.head, action="sign")


def test_when_flow_and_document_disagree_the_fsm_wins(office: Office) -> None:
    # given a review task open, but the document approved behind the flow's back
    document = run_steps(start_draft(office), office, "submit")
    services.document_approve(document=document, actor=office.deputy)
    before = AuditEvent.objects.filter(object_id=str(document.pk)).count()

    # when the reviewer approves through the flow
    with pytest.raises(InvalidTransition):
        perform(document=document, actor=office.deputy, action="approve")

    # then nothing moved: the task is still open, no audit event added
    assert steps_of(document)[-1] == ("review", STATUS.ASSIGNED)
    assert AuditEvent.objects.filter(object_id=str(document.pk)).count() == before


def test_a_document_without_a_process_past_draft_is_not_found(office: Office) -> None:
    document = make_draft(office)
    services.document_submit(document=document, actor=office.drafter, reviewer=office.deputy)
    with pytest.raises(NotFound):
        perform(document=document, actor=office.deputy, action="approve")


def test_submit_starts_the_flow_of_a_draft_made_without_one(office: Office) -> None:
    document = make_draft(office)
    document = perform(document=document, actor=office.drafter, action="submit")
    assert document.status == Status.IN_REVIEW
    assert steps_of(document) == [("draft", STATUS.DONE), ("review", STATUS.ASSIGNED)]


def test_start_process_is_idempotent_and_only_for_the_drafter(office: Office) -> None:
    document = make_draft(office)
    with pytest.raises(PermissionDenied):
        start_process(document=document, actor=office.head)
    first = start_process(document=document, actor=office.drafter)
    assert start_process(document=document, actor=office.drafter).pk == first.pk
    assert steps_of(document) == [("draft", STATUS.ASSIGNED)]


def test_create_document_creates_and_starts(office: Office) -> None:
    document = create_document(
        actor=office.drafter,
        organization=office.organization,
        doc_type=document_type("thong_bao"),
        subject="Thông báo lịch họp",
        body="Nội dung.",
        signer=office.head,
        recipients=[{"display_name": "Các tổ chuyên môn", "purpose": "execute"}],
    )
    assert steps_of(document) == [("draft", STATUS.ASSIGNED)]
    assert DocumentTask.objects.get(process__documentprocess__document=document, flow_task_type="HUMAN").owner == (
        office.drafter
    )


def test_unknown_action_is_refused(office: Office) -> None:
    document = start_draft(office)
    with pytest.raises(ValidationFailed):
        perform(document=document, actor=office.drafter, action="publish")
