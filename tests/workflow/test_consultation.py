"""Parallel consultation of other units before the signature (xin ý kiến): Split per unit, Join, then sign."""

from __future__ import annotations

import pytest
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from documents.errors import InvalidTransition, NotFound, ValidationFailed
from documents.models import Status
from organizations.models import Role
from tests.factories import Office, UnitFactory, add_member, make_office, start_draft
from tests.workflow.helpers import ALL_STEPS, run_steps
from workflow.actions import claim, perform
from workflow.models import DocumentTask
from workflow.selectors import inbox_for

pytestmark = pytest.mark.django_db


def open_steps(document) -> list[tuple[str, int | None]]:
    return [
        (task.step, task.seed_object_id)
        for task in DocumentTask.objects.filter(
            process__documentprocess__document=document, status__in=(STATUS.NEW, STATUS.ASSIGNED)
        ).order_by("pk")
    ]


def two_units(office: Office):
    phong_thong = UnitFactory(organization=office.organization, name="Tổ Phổ thông", abbreviation="TPT")
    mam_non = UnitFactory(organization=office.organization, name="Tổ Mầm non", abbreviation="TMN")
    return (
        (phong_thong, add_member(office, Role.STAFF, full_name="Tổ trưởng Phổ thông", unit=phong_thong)),
        (mam_non, add_member(office, Role.STAFF, full_name="Tổ trưởng Mầm non", unit=mam_non)),
    )


def test_consulted_units_give_their_opinions_in_parallel_before_the_signature(office: Office) -> None:
    # given a draft that asks two other units for their opinion
    (first_unit, first_member), (second_unit, second_member) = two_units(office)
    document = start_draft(office)
    document = perform(
        document=document, actor=office.drafter, action="submit", consult_units=[first_unit, second_unit]
    )

    # when the reviewer approves
    document = perform(document=document, actor=office.deputy, action="approve")

    # then one consultation waits in each unit's queue, and no signature yet
    assert document.status == Status.AWAITING_SIGNATURE
    assert open_steps(document) == [("consult", first_unit.pk), ("consult", second_unit.pk)]
    assert [row.document.pk for row in inbox_for(user=first_member, kind="queue")] == [document.pk]
    assert list(inbox_for(user=office.clerk, kind="queue")) == []
    with pytest.raises(NotFound):  # not in a consulted unit: the clerk does not see it before the signature
        perform(document=document, actor=office.clerk, action="consult", comment="?")

    # when the first unit answers, the signature still waits for the second
    perform(document=document, actor=first_member, action="consult", comment="Thống nhất.")
    assert open_steps(document) == [("consult", second_unit.pk)]

    # and when the second answers, the head's signature task opens
    perform(document=document, actor=second_member, action="consult", comment="Đề nghị bổ sung mục 3.")
    assert open_steps(document) == [("sign", None)]
    opinions = AuditEvent.objects.filter(object_id=str(document.pk), action="document.consult")
    assert sorted(event.details["comment"] for event in opinions) == ["Thống nhất.", "Đề nghị bổ sung mục 3."]

    # and the rest of the flow runs as usual
    document = run_steps(document, office, "sign", "register", "issue", "archive")
    assert document.status == Status.ARCHIVED


def test_the_reviewer_may_ask_for_opinions_when_approving(office: Office) -> None:
    (unit, member), _ = two_units(office)
    document = run_steps(start_draft(office), office, "submit")
    perform(document=document, actor=office.deputy, action="approve", consult_units=[unit.pk])
    assert open_steps(document) == [("consult", unit.pk)]
    claim(task=DocumentTask.objects.get(process__documentprocess__document=document, status=STATUS.NEW), actor=member)
    perform(document=document, actor=member, action="consult", comment="Đồng ý.")
    assert open_steps(document) == [("sign", None)]


def test_an_opinion_needs_a_comment(office: Office) -> None:
    (unit, member), _ = two_units(office)
    document = run_steps(start_draft(office), office, "submit")
    perform(document=document, actor=office.deputy, action="approve", consult_units=[unit])
    with pytest.raises(ValidationFailed):
        perform(document=document, actor=member, action="consult", comment=" ")
    assert open_steps(document) == [("consult", unit.pk)]


def test_only_units_of_the_issuing_organization_and_not_the_drafting_unit(office: Office) -> None:
    document = start_draft(office)
    with pytest.raises(ValidationFailed):
        perform(document=document, actor=office.drafter, action="submit", consult_units=[make_office().unit])
    with pytest.raises(ValidationFailed):
        perform(document=document, actor=office.drafter, action="submit", consult_units=[office.unit])
    assert open_steps(document) == [("draft", None)]


def test_without_consultation_the_flow_goes_straight_to_the_signature(office: Office) -> None:
    document = run_steps(start_draft(office), office, "submit", "approve")
    assert open_steps(document) == [("sign", None)]
    with pytest.raises(InvalidTransition):
        perform(document=document, actor=office.deputy, action="consult", comment="Ý kiến")
    assert run_steps(document, office, *ALL_STEPS[2:]).status == Status.ARCHIVED
