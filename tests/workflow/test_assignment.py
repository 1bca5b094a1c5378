"""Who gets each task: reviewer rules, the clerk queue, claim, reassign, and leave → delegate."""

from __future__ import annotations

import datetime as dt

import pytest
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from documents.errors import ConcurrentUpdate, NotFound, PermissionDenied, ValidationFailed
from documents.models import Status
from organizations.models import Membership, Role
from tests.factories import AbsenceFactory, Office, UnitFactory, add_member, make_office, start_draft
from tests.workflow.helpers import run_steps
from workflow import assignment
from workflow.actions import claim, perform, reassign
from workflow.models import DocumentTask

pytestmark = pytest.mark.django_db


def open_task(document) -> DocumentTask:
    return DocumentTask.objects.get(
        process__documentprocess__document=document, status__in=(STATUS.NEW, STATUS.ASSIGNED)
    )


def test_explicit_reviewer_is_used(office: Office) -> None:
    other_deputy = add_member(office, Role.DEPUTY, full_name="Phó Hai")
    document = run_steps(start_draft(office, reviewer=other_deputy), office, "submit")
    assert open_task(document).owner == other_deputy


def test_deputy_of_the_drafting_unit_is_preferred() -> None:
    # given two deputies, the second in charge of the drafting unit
    office = make_office()
    other_unit = UnitFactory(organization=office.organization, name="Tổ Phổ thông", abbreviation="TPT")
    Membership.objects.filter(user=office.deputy).update(unit=other_unit)
    unit_deputy = add_member(office, Role.DEPUTY, full_name="Phó phụ trách tổ")

    # when a draft without a reviewer is submitted
    document = run_steps(start_draft(office), office, "submit")

    # then the deputy of the drafting unit reviews it
    assert document.reviewer == unit_deputy
    assert open_task(document).owner == unit_deputy


def test_any_deputy_when_none_is_in_the_unit(office: Office) -> None:
    Membership.objects.filter(user=office.deputy).update(unit=None)
    document = run_steps(start_draft(office), office, "submit")
    assert open_task(document).owner == office.deputy


def test_the_head_reviews_when_there_is_no_deputy(office: Office) -> None:
    Membership.objects.filter(user=office.deputy).update(is_active=False)
    document = run_steps(start_draft(office), office, "submit")
    assert open_task(document).owner == office.head


def test_clerk_steps_wait_in_the_queue_and_any_clerk_may_claim(office: Office) -> None:
    # given a signed document and a second clerk
    second_clerk = add_member(office, Role.CLERK, full_name="Văn thư hai", post_title="VĂN THƯ")
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")
    task = open_task(document)
    assert (task.step, task.owner, task.status) == ("register", None, STATUS.NEW)

    # when the second clerk claims it
    claim(task=task, actor=second_clerk)

    # then it is theirs; the first clerk can no longer take it
    task.refresh_from_db()
    assert (task.owner, task.status) == (second_clerk, STATUS.ASSIGNED)
    with pytest.raises(PermissionDenied):
        perform(document=document, actor=office.clerk, action="register")
    with pytest.raises(ConcurrentUpdate):
        claim(task=task, actor=office.clerk)
    assert AuditEvent.objects.filter(action="task.claim", object_id=str(document.pk)).count() == 1


def test_someone_outside_the_queue_cannot_claim(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")
    with pytest.raises(PermissionDenied):
        claim(task=open_task(document), actor=office.deputy)
    with pytest.raises(NotFound):  # another organization's clerk does not even see it
        claim(task=open_task(document), actor=make_office().clerk)


def test_performing_a_queue_task_assigns_it_on_the_way(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve", "sign", "register")
    register = DocumentTask.objects.get(
        process__documentprocess__document=document, flow_task_type="HUMAN", status=STATUS.DONE, owner=office.clerk
    )
    assert register.step == "register"


def test_a_leader_reassigns_a_clerk_task(office: Office) -> None:
    # given the register task claimed by the first clerk
    second_clerk = add_member(office, Role.CLERK, full_name="Văn thư hai", post_title="VĂN THƯ")
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")
    task = claim(task=open_task(document), actor=office.clerk)

    # when the head hands it to the second clerk
    reassign(task=task, actor=office.head, to_user=second_clerk)

    # then the second clerk registers it
    assert open_task(document).owner == second_clerk
    document = perform(document=document, actor=second_clerk, action="register")
    assert document.status == Status.REGISTERED
    assert AuditEvent.objects.filter(action="task.reassign", object_id=str(document.pk)).count() == 1


def test_only_a_leader_reassigns_and_only_to_someone_who_may_do_it(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve", "sign")
    task = open_task(document)
    with pytest.raises(PermissionDenied):
        reassign(task=task, actor=office.clerk, to_user=office.clerk)
    with pytest.raises(ValidationFailed):
        reassign(task=task, actor=office.head, to_user=office.drafter)


def test_a_leader_hands_a_review_to_another_leader(office: Office) -> None:
    # given a draft in review with the deputy
    document = run_steps(start_draft(office, reviewer=office.deputy), office, "submit")

    # when the head takes the review over
    reassign(task=open_task(document), actor=office.head, to_user=office.head)

    # then the document and the task name the head, and the head approves it
    assert open_task(document).owner == office.head
    document = perform(document=document, actor=office.head, action="approve")
    assert document.reviewer == office.head
    assert document.status == Status.AWAITING_SIGNATURE
    assert AuditEvent.objects.filter(action="document.change_reviewer", object_id=str(document.pk)).count() == 1


def test_a_review_goes_only_to_a_leader(office: Office) -> None:
    document = run_steps(start_draft(office, reviewer=office.deputy), office, "submit")
    with pytest.raises(ValidationFailed, match="xử lý bước này"):
        reassign(task=open_task(document), actor=office.head, to_user=office.clerk)
    assert open_task(document).owner == office.deputy


def test_signature_steps_are_not_reassigned(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve")
    with pytest.raises(ValidationFailed):
        reassign(task=open_task(document), actor=office.head, to_user=office.deputy)
    assert open_task(document).owner == office.head


def test_an_absent_reviewer_s_task_goes_to_their_delegate(office: Office) -> None:
    # given the deputy on leave, the head taking over
    AbsenceFactory(user=office.deputy, delegate=office.head)

    # when the drafter submits
    document = run_steps(start_draft(office), office, "submit")

    # then the head reviews it and can approve it
    assert document.reviewer == office.head
    assert open_task(document).owner == office.head
    document = perform(document=document, actor=office.head, action="approve")
    assert document.status == Status.AWAITING_SIGNATURE


def test_an_explicitly_chosen_reviewer_on_leave_is_replaced_too(office: Office) -> None:
    other_deputy = add_member(office, Role.DEPUTY, full_name="Phó Hai")
    AbsenceFactory(user=other_deputy, delegate=office.deputy)
    document = run_steps(start_draft(office, reviewer=other_deputy), office, "submit")
    assert open_task(document).owner == office.deputy


def test_a_past_absence_changes_nothing(office: Office) -> None:
    today = assignment.vn_today()
    AbsenceFactory(
        user=office.deputy, delegate=office.head, start=today - dt.timedelta(days=10), end=today - dt.timedelta(days=1)
    )
    document = run_steps(start_draft(office), office, "submit")
    assert open_task(document).owner == office.deputy


def test_delegation_follows_a_chain_but_never_loops(office: Office) -> None:
    other_deputy = add_member(office, Role.DEPUTY, full_name="Phó Hai")
    AbsenceFactory(user=office.deputy, delegate=other_deputy)
    AbsenceFactory(user=other_deputy, delegate=office.head)
    assert assignment.present_delegate(office.deputy) == office.head
    AbsenceFactory(user=office.head, delegate=office.deputy)
    assert assignment.present_delegate(office.deputy) == office.head
