"""Handling on the receiving side (docs/distribution.md "Receiving and handling"): forward → assign → start →
finish, each a DeliveryEvent with its exchange code, an audit event of the school and a domain event; and the
answers to a recall (15 takes the copy away from the school, 16 keeps it)."""

from __future__ import annotations

import datetime as dt

import pytest

from audit.models import AuditEvent
from documents import services
from documents.dates import vn_today
from documents.errors import InvalidTransition, PermissionDenied, ValidationFailed
from documents.events import subscribe, unsubscribe
from documents.models import DeliveryEvent, DeliveryStatus, IncomingDocument
from documents.selectors import (
    arrivals_for,
    delivery_get_for_receiver,
    incoming_register,
    receiving_box,
    receiving_counts,
    visible_documents,
)
from tests.factories import UnitFactory, make_office
from tests.receiving.scenario import school_receives

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    seen = []
    subscribe(seen.append)
    yield seen
    unsubscribe(seen.append)


def history(delivery) -> list[tuple[str, str]]:
    return list(DeliveryEvent.objects.filter(delivery=delivery).order_by("at", "pk").values_list("status", "note"))


def test_forward_assign_start_finish_each_leave_their_trace(django_capture_on_commit_callbacks, events) -> None:
    # given a plan the school's clerk accepted
    s = school_receives()
    s.accept()
    deadline = vn_today() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        # when the clerk passes it to the deputy, who assigns it to the subject unit with a supporting unit
        services.incoming_forward(delivery=s.delivery, actor=s.school.clerk, leader=s.school.deputy)
        services.incoming_assign(
            delivery=s.delivery,
            actor=s.school.deputy,
            unit=s.subjects,
            supporting_units=[s.support],
            directive="Tổ chuyên môn chủ trì, Tổ văn phòng phối hợp.",
            deadline=deadline,
        )
        # and a teacher of that unit starts and finishes it
        services.incoming_start(delivery=s.delivery, actor=s.teacher)
        services.incoming_finish(delivery=s.delivery, actor=s.teacher, result="Đã triển khai đến các lớp.")
    # then the delivery is done (06) and its history reads 01, 03, 03 (forwarded), 04, 05, 06
    delivery = s.refresh()
    assert (delivery.status, delivery.exchange_code) == (DeliveryStatus.DONE, "06")
    steps = history(delivery)
    assert [status for status, _ in steps] == [
        DeliveryStatus.ARRIVED,
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.ASSIGNED,
        DeliveryStatus.IN_PROGRESS,
        DeliveryStatus.DONE,
    ]
    assert steps[-1][1] == "Đã triển khai đến các lớp."
    # and the incoming record holds the assignment
    incoming = IncomingDocument.objects.get(delivery=delivery)
    assert incoming.leader == s.school.deputy
    assert incoming.assigned_unit == s.subjects
    assert list(incoming.supporting_units.all()) == [s.support]
    assert incoming.handling_deadline == deadline
    assert incoming.started_by == s.teacher
    assert incoming.result == "Đã triển khai đến các lớp."
    # and each step is audited in the school's chain
    actions = list(
        AuditEvent.objects.filter(organization=s.school.organization, object_id=str(delivery.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "delivery.accepted",
        "delivery.forwarded",
        "delivery.assigned",
        "delivery.in_progress",
        "delivery.done",
    ]
    # and a domain event for each, the assignment carrying its deadline; they come last: the setup's events,
    # stored but never dispatched in this test, are delivered first, in order (documents/outbox.py)
    handling = events[-4:]
    assert [event.name for event in handling] == [
        "delivery_forwarded",
        "delivery_assigned",
        "delivery_in_progress",
        "delivery_done",
    ]
    assert handling[1].data["deadline"] == deadline.isoformat()


def test_only_the_receiving_clerk_forwards_and_only_to_a_leader() -> None:
    # given an accepted plan
    s = school_receives()
    s.accept()
    # when the teacher forwards it, or the clerk forwards it to a teacher or to another school's head
    with pytest.raises(PermissionDenied):
        services.incoming_forward(delivery=s.delivery, actor=s.teacher, leader=s.school.head)
    with pytest.raises(ValidationFailed):
        services.incoming_forward(delivery=s.delivery, actor=s.school.clerk, leader=s.teacher)
    with pytest.raises(ValidationFailed):
        services.incoming_forward(delivery=s.delivery, actor=s.school.clerk, leader=make_office().head)
    # then nothing was recorded
    assert IncomingDocument.objects.get(delivery=s.delivery).leader is None
    assert len(history(s.delivery)) == 2


def test_assignment_is_checked_before_anything_is_written() -> None:
    # given a plan still waiting for the clerk, and another organization's unit
    s = school_receives()
    foreign_unit = UnitFactory()
    # when a leader assigns it before it was accepted
    with pytest.raises(InvalidTransition):
        s.assign()
    s.accept()
    # or a teacher assigns it, or the head assigns it wrongly
    with pytest.raises(PermissionDenied):
        services.incoming_assign(delivery=s.delivery, actor=s.teacher, unit=s.subjects)
    with pytest.raises(ValidationFailed):
        s.assign(unit=None)  # neither unit nor person
    with pytest.raises(ValidationFailed):
        s.assign(unit=foreign_unit)
    with pytest.raises(ValidationFailed):
        s.assign(supporting_units=[foreign_unit])
    with pytest.raises(ValidationFailed):
        s.assign(person=make_office().drafter)
    with pytest.raises(ValidationFailed):
        s.assign(deadline=vn_today() - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        s.assign(directive="x" * 2_001)
    # then it still waits for assignment, with no supporting unit written
    assert s.refresh().status == DeliveryStatus.ACCEPTED
    assert not IncomingDocument.objects.get(delivery=s.delivery).supporting_units.exists()


def test_only_the_people_in_charge_start_and_finish() -> None:
    # given a plan assigned to a teacher by name
    s = school_receives()
    s.accept()
    s.assign(unit=None, person=s.teacher, supporting_units=[])
    # when a member of no unit in charge, or the supporting unit's member, starts it
    with pytest.raises(PermissionDenied):
        services.incoming_start(delivery=s.delivery, actor=s.outsider)
    with pytest.raises(PermissionDenied):
        services.incoming_start(delivery=s.delivery, actor=s.school.clerk)
    # and the teacher finishes it before starting, or without a result
    with pytest.raises(InvalidTransition):
        services.incoming_finish(delivery=s.delivery, actor=s.teacher, result="Xong.")
    services.incoming_start(delivery=s.delivery, actor=s.teacher)
    with pytest.raises(ValidationFailed):
        services.incoming_finish(delivery=s.delivery, actor=s.teacher, result="  ")
    # then it is in progress (05), started by the teacher
    assert s.refresh().exchange_code == "05"


def test_the_people_named_in_handling_read_it_and_the_others_do_not() -> None:
    # given an assigned plan
    s = school_receives()
    before = [visible_documents(user=p).filter(pk=s.document.pk).exists() for p in (s.teacher, s.school.head)]
    s.accept()
    services.incoming_forward(delivery=s.delivery, actor=s.school.clerk, leader=s.school.deputy)
    s.assign()
    # then the head, the deputy passed to, the unit in charge and the supporting unit read it
    for person in (s.school.clerk, s.school.head, s.school.deputy, s.teacher, s.supporter):
        assert visible_documents(user=person).filter(pk=s.document.pk).exists(), person
        assert delivery_get_for_receiver(user=person, pk=s.delivery.pk) is not None, person
    # and a member of no unit named, the school's auditor, and another organization do not
    for person in (s.outsider, s.school.auditor, make_office().clerk):
        assert not visible_documents(user=person).filter(pk=s.document.pk).exists(), person
        assert delivery_get_for_receiver(user=person, pk=s.delivery.pk) is None, person
    # and before its clerk registered it, neither the head nor the teacher did
    assert before == [False, False]


def test_a_secret_plan_is_read_by_the_named_people_only() -> None:
    # given a Mật plan accepted and passed to the deputy, not assigned yet
    s = school_receives(confidentiality="mat")
    s.accept()
    services.incoming_forward(delivery=s.delivery, actor=s.school.clerk, leader=s.school.deputy)
    # then the clerk and the deputy read it, the head by role does not
    assert visible_documents(user=s.school.deputy).filter(pk=s.document.pk).exists()
    assert visible_documents(user=s.school.clerk).filter(pk=s.document.pk).exists()
    assert not visible_documents(user=s.school.head).filter(pk=s.document.pk).exists()
    # and it is registered in the secret register, which the deputy may not open
    assert [
        row.number
        for row in incoming_register(
            user=s.school.clerk, organization_id=s.school.organization.pk, year=vn_today().year, register="in_secret"
        )
    ] == [1]
    with pytest.raises(PermissionDenied):
        incoming_register(
            user=s.school.deputy, organization_id=s.school.organization.pk, year=vn_today().year, register="in_secret"
        )


def test_each_box_lists_what_waits_for_that_person() -> None:
    # given a plan arrived at the school
    s = school_receives()
    year = vn_today().year

    def box(user, name):
        return [d.pk for d in receiving_box(user=user, box=name)]

    # then it waits for the clerk's acceptance, and for nobody else
    assert box(s.school.clerk, "arrivals") == [s.delivery.pk]
    assert box(s.school.head, "arrivals") == []
    # when accepted and passed to the deputy: it waits for assignment (deputy, head, clerk), not the teacher
    s.accept()
    services.incoming_forward(delivery=s.delivery, actor=s.school.clerk, leader=s.school.deputy)
    for person in (s.school.deputy, s.school.head, s.school.clerk):
        assert box(person, "to_assign") == [s.delivery.pk]
    assert box(s.teacher, "to_assign") == []
    # when assigned: in the unit in charge's and the supporting unit's "đang xử lý", counted as waiting
    s.assign()
    assert box(s.teacher, "handling") == box(s.supporter, "handling") == [s.delivery.pk]
    assert box(s.outsider, "handling") == []
    assert receiving_counts(user=s.teacher) == {
        "arrivals": 0,
        "to_assign": 0,
        "handling": 1,
        "done": 0,
        "recall": 0,
        "waiting": 1,
    }
    # when done: in "đã xong" for the unit, the leader and the clerk
    services.incoming_start(delivery=s.delivery, actor=s.teacher)
    services.incoming_finish(delivery=s.delivery, actor=s.teacher, result="Đã triển khai.")
    for person in (s.teacher, s.school.deputy, s.school.clerk):
        assert box(person, "done") == [s.delivery.pk]
    # and the register shows it with number 1
    rows = list(incoming_register(user=s.school.clerk, organization_id=s.school.organization.pk, year=year))
    assert [(row.number, row.assigned_unit) for row in rows] == [(1, s.subjects)]


def test_recall_agreed_takes_the_copy_away_and_keeps_the_record() -> None:
    # given a plan the school accepted and assigned, then recalled by the Phòng's head (13)
    s = school_receives()
    s.accept()
    s.assign()
    services.document_recall(document=s.document, actor=s.sender.head, reason="Ban hành nhầm.")
    assert [d.pk for d in receiving_box(user=s.school.clerk, box="recall")] == [s.delivery.pk]
    # when someone else answers, or the clerk answers twice
    with pytest.raises(PermissionDenied):
        services.recall_agree(delivery=s.delivery, actor=s.school.head)
    services.recall_agree(delivery=s.delivery, actor=s.school.clerk)
    with pytest.raises(InvalidTransition):
        services.recall_refuse(delivery=s.delivery, actor=s.school.clerk, reason="Đổi ý.")
    # then the delivery is 15, gone from every list and from the school's reading
    assert s.refresh().exchange_code == "15"
    for person in (s.school.clerk, s.school.head, s.teacher, s.supporter):
        assert not visible_documents(user=person).filter(pk=s.document.pk).exists(), person
        assert delivery_get_for_receiver(user=person, pk=s.delivery.pk) is None
        assert all(not receiving_box(user=person, box=b).exists() for b in ("to_assign", "handling", "recall"))
    assert not arrivals_for(user=s.school.clerk, statuses=tuple(DeliveryStatus.values)).exists()
    year = vn_today().year
    assert not incoming_register(user=s.school.clerk, organization_id=s.school.organization.pk, year=year).exists()
    # but the history and the audit keep the recall, and the sender still reads the document
    assert [status for status, _ in history(s.delivery)][-2:] == [
        DeliveryStatus.RECALL_REQUESTED,
        DeliveryStatus.RECALLED,
    ]
    assert AuditEvent.objects.filter(organization=s.school.organization, action="delivery.recalled").exists()
    assert visible_documents(user=s.sender.clerk).filter(pk=s.document.pk).exists()


def test_recall_refused_keeps_the_copy_with_the_reason() -> None:
    # given a recalled plan the school had accepted
    s = school_receives()
    s.accept()
    services.document_recall(document=s.document, actor=s.sender.head, reason="Ban hành nhầm.")
    # when the clerk refuses without a reason, then with one
    with pytest.raises(ValidationFailed):
        services.recall_refuse(delivery=s.delivery, actor=s.school.clerk, reason="")
    reason = "Đã triển khai, đề nghị ban hành văn bản thay thế."
    services.recall_refuse(delivery=s.delivery, actor=s.school.clerk, reason=reason)
    # then 16 with the reason for the sender, and the school still reads it and keeps it in its register
    delivery = s.refresh()
    assert (delivery.exchange_code, delivery.note) == ("16", reason)
    assert visible_documents(user=s.school.clerk).filter(pk=s.document.pk).exists()
    year = vn_today().year
    assert incoming_register(user=s.school.clerk, organization_id=s.school.organization.pk, year=year).count() == 1
