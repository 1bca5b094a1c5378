"""Issuing reaches every addressee once: lines expanded, groups included, retries idempotent (docs/distribution)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import services
from documents.distribution import write_deliveries
from documents.errors import PermissionDenied, ValidationFailed
from documents.models import Delivery, DeliveryStatus, IncomingDocument
from documents.selectors import arrivals_for, visible_documents
from organizations.models import GroupRule, OrganizationKind, RecipientGroup, Role
from tests.factories import OrganizationFactory, add_member, advance, make_draft, make_office

pytestmark = pytest.mark.django_db


def schools_under(office, count: int) -> list:
    schools = []
    for number in range(count):
        school = make_office(name=f"Trường Tiểu học số {number + 1}", abbreviation=f"TH{number + 1}")
        school.organization.parent = office.organization
        school.organization.kind = OrganizationKind.SCHOOL
        school.organization.save(update_fields=["parent", "kind"])
        schools.append(school)
    return schools


def test_every_line_reaches_its_addressees_once() -> None:
    # given a Phòng with three schools, a named group of them, a unit, a person and an outside body
    office = make_office()
    schools = schools_under(office, 3)
    OrganizationFactory(parent=office.organization, kind=OrganizationKind.OFFICE)  # not a school: not in the group
    group = RecipientGroup.objects.create(
        organization=office.organization,
        name="Các trường trực thuộc",
        rule=GroupRule.SUBORDINATES,
        member_kind=OrganizationKind.SCHOOL,
    )
    document = make_draft(
        office,
        recipients=[
            {
                "display_name": schools[0].organization.name,
                "purpose": "execute",
                "organization": schools[0].organization,
            },
            {"display_name": "Các trường trực thuộc", "purpose": "execute", "group": group},
            {"display_name": "Tổ Tổng hợp", "purpose": "inform", "unit": office.unit},
            {"display_name": "Ông Võ Văn Trưởng", "purpose": "inform", "person": office.head},
            {"display_name": "Sở GD&ĐT tỉnh Long An", "purpose": "report"},
        ],
    )
    # when it is issued
    document = advance(document, office, to="issued")
    # then each school once (the first one named twice), the unit, the person, and the outside body waiting
    targets = sorted(document.deliveries.values_list("target", "status"))
    expected = sorted(
        [(f"o:{school.organization.pk}", DeliveryStatus.ARRIVED) for school in schools]
        + [(f"u:{office.unit.pk}", DeliveryStatus.ARRIVED), (f"p:{office.head.pk}", DeliveryStatus.ARRIVED)]
        + [(f"x:{document.recipients.get(position=5).pk}", DeliveryStatus.QUEUED)]
    )
    assert targets == expected
    # and each school's clerk finds it among their arrivals, and may read it
    for school in schools:
        assert [d.document_id for d in arrivals_for(user=school.clerk)] == [document.pk]
        assert visible_documents(user=school.clerk).filter(pk=document.pk).exists()


def test_a_retry_after_a_crash_writes_only_what_is_missing() -> None:
    # given an issued plan to five schools, whose deliveries were cut after the third
    office = make_office()
    schools = schools_under(office, 5)
    lines = [
        {"display_name": s.organization.name, "purpose": "execute", "organization": s.organization} for s in schools
    ]
    document = advance(make_draft(office, recipients=lines), office, to="issued")
    Delivery.objects.filter(document=document, organization__in=[s.organization for s in schools[3:]]).delete()
    # when the writing runs again
    count = write_deliveries(document=document, now=document.issued_at, actor=office.clerk)
    # then every line has exactly one delivery, each with one first step in its history
    assert count == 5
    assert Delivery.objects.filter(document=document).count() == 5
    assert all(delivery.events.count() == 1 for delivery in Delivery.objects.filter(document=document))


def test_the_query_count_does_not_grow_with_the_list() -> None:
    # given two plans, to 3 and to 30 schools
    office = make_office()
    schools = schools_under(office, 30)
    counts = []
    for size in (3, 30):
        lines = [
            {"display_name": s.organization.name, "purpose": "execute", "organization": s.organization}
            for s in schools[:size]
        ]
        document = advance(make_draft(office, recipients=lines), office, to="registered")
        Delivery.objects.filter(document=document).delete()
        # when their deliveries are written
        with CaptureQueriesContext(connection) as queries:
            write_deliveries(document=document, now=document.registered_at, actor=office.clerk)
        counts.append(len(queries))
    # then the same number of statements
    assert counts[0] == counts[1]


def test_refusal_needs_a_reason_and_goes_back_to_the_sender() -> None:
    # given a plan delivered to a school
    office = make_office()
    school = schools_under(office, 1)[0]
    lines = [{"display_name": school.organization.name, "purpose": "execute", "organization": school.organization}]
    document = advance(make_draft(office, recipients=lines), office, to="issued")
    delivery = document.deliveries.get()
    # when someone else, then the school's clerk without a reason, then with one, refuses it
    with pytest.raises(PermissionDenied):
        services.arrival_refuse(delivery=delivery, actor=office.clerk, reason="Không đúng nơi nhận.")
    with pytest.raises(ValidationFailed):
        services.arrival_refuse(delivery=delivery, actor=school.clerk, reason=" ")
    services.arrival_refuse(delivery=delivery, actor=school.clerk, reason="Gửi nhầm trường.")
    # then the sender sees 02 with the reason, and nothing was registered
    delivery.refresh_from_db()
    assert (delivery.status, delivery.exchange_code, delivery.note) == (
        DeliveryStatus.REFUSED,
        "02",
        "Gửi nhầm trường.",
    )
    assert list(delivery.events.values_list("status", flat=True)) == [DeliveryStatus.ARRIVED, DeliveryStatus.REFUSED]
    assert not IncomingDocument.objects.exists()


def test_incoming_numbers_run_per_organization() -> None:
    # given two plans delivered to a school
    office = make_office()
    school = schools_under(office, 1)[0]
    lines = [{"display_name": school.organization.name, "purpose": "execute", "organization": school.organization}]
    first = advance(make_draft(office, recipients=lines), office, to="issued")
    second = advance(make_draft(office, recipients=lines), office, to="issued")
    # when its clerk accepts both
    numbers = [services.arrival_accept(delivery=d.deliveries.get(), actor=school.clerk).number for d in (first, second)]
    # then they are 1 and 2 of its incoming register
    assert numbers == [1, 2]


def test_a_person_named_acknowledges_in_one_click() -> None:
    office = make_office()
    person = add_member(office, Role.STAFF, full_name="Nguyễn Thị Nhận")
    lines = [{"display_name": "Bà Nguyễn Thị Nhận", "purpose": "inform", "person": person}]
    document = advance(make_draft(office, recipients=lines), office, to="issued")
    delivery = services.delivery_acknowledge(delivery=document.deliveries.get(), actor=person)
    assert delivery.status == DeliveryStatus.ACCEPTED
