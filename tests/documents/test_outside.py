"""Documents from outside (documents.services.outside): filed under their sender, delivered like any arrival,
seen by the receiving side only, registered with the receiver's next incoming number."""

from __future__ import annotations

import datetime as dt

import pytest

from audit.models import AuditEvent
from documents import services
from documents.errors import PermissionDenied, ValidationFailed
from documents.models import DeliveryStatus, Document, Origin, Status
from documents.selectors import receiving_box, visible_documents
from documents.services.outside import (
    OutsideParticulars,
    on_arrival_pdf,
    outside_arrival_create,
    outside_sender,
    system_account,
)
from notifications.models import Notification
from organizations.models import Organization
from tests.factories import advance, document_type, make_draft, make_office

pytestmark = pytest.mark.django_db


def particulars(**fields) -> OutsideParticulars:
    values = {
        "doc_type": document_type("ke_hoach"),
        "subject": "Kế hoạch tổ chức Hội khỏe Phù Đổng cấp tỉnh năm 2019",
        "code": "120/KH-SGDĐT",
        "number": 120,
        "issue_date": dt.date(2019, 3, 1),
        "place_name": "Long An",
        "signer_name": "Nguyễn Văn Giám",
        "signer_title_lines": ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        "recipient_lines": ("Phòng GD&ĐT các huyện, thị xã, thành phố;", "Lưu: VT, GDTrH."),
        "external_id": "000.00.12.H41,2019/03/01,120/KH-SGDĐT",
    }
    values.update(fields)
    return OutsideParticulars(**values)


def sender() -> Organization:
    return outside_sender(
        name="Sở Giáo dục và Đào tạo", parent_line_name="UBND TỈNH LONG AN", organ_code="000.00.12.H41"
    )


@pytest.fixture
def office():
    return make_office(name="Phòng Giáo dục và Đào tạo", place_name="Cần Giuộc", abbreviation="PGDĐT")


def test_an_arrival_from_outside_reaches_the_clerk_as_any_arrival(office, django_capture_on_commit_callbacks):
    # given a plan of a Sở that is not hosted here
    # when it arrives at the Phòng
    with django_capture_on_commit_callbacks(execute=True):
        delivery = outside_arrival_create(
            receiver=office.organization,
            sender=sender(),
            particulars=particulars(),
            origin=Origin.EXCHANGE,
            pdf=b"%PDF",
        )
    document = delivery.document
    # then it is an issued document of its sender, carrying what it says of itself
    assert (document.status, document.origin, document.code, document.number) == (
        Status.ISSUED,
        Origin.EXCHANGE,
        "120/KH-SGDĐT",
        120,
    )
    assert document.organization.outside
    assert document.organization.organ_code == "000.00.12.H41"
    assert document.signer_title_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert [r.display_name for r in document.recipients.order_by("position")][:2] == list(particulars().recipient_lines)
    assert document.artifacts.get().read() == b"%PDF"
    # and it waits in the clerk's box, in the receiver's audit chain, and the clerk was told
    assert delivery.status == DeliveryStatus.ARRIVED
    assert list(receiving_box(user=office.clerk, box="arrivals")) == [delivery]
    assert AuditEvent.objects.filter(organization=office.organization, action="delivery.arrived_from_outside").exists()
    assert Notification.objects.filter(recipient=office.clerk, event="document_arrived").count() == 1


def test_the_same_packet_twice_is_one_arrival(office):
    # given an arrival
    first = outside_arrival_create(
        receiver=office.organization, sender=sender(), particulars=particulars(), origin=Origin.EXCHANGE
    )
    # when the same packet (same sender, same DocumentId) comes again
    second = outside_arrival_create(
        receiver=office.organization, sender=sender(), particulars=particulars(), origin=Origin.EXCHANGE
    )
    # then nothing new arrived
    assert second.pk == first.pk
    assert Document.objects.filter(origin=Origin.EXCHANGE).count() == 1


def test_one_packet_to_two_organizations_is_one_document_with_two_deliveries(office):
    # given a second hosted organization
    other = make_office(name="Phòng Giáo dục và Đào tạo", place_name="Cần Đước", abbreviation="PGDĐT")
    # when the same packet is addressed to both
    a = outside_arrival_create(
        receiver=office.organization, sender=sender(), particulars=particulars(), origin="exchange"
    )
    b = outside_arrival_create(
        receiver=other.organization, sender=sender(), particulars=particulars(), origin="exchange"
    )
    # then each has its own arrival of one document
    assert a.document_id == b.document_id
    assert a.pk != b.pk
    assert list(receiving_box(user=other.clerk, box="arrivals")) == [b]


def test_the_clerk_registers_a_paper_arrival_at_once_with_the_next_incoming_number(office):
    # given a letter on paper the clerk typed in
    paper = particulars(external_id="")
    # when the clerk registers it
    delivery = outside_arrival_create(
        receiver=office.organization,
        sender=outside_sender(name="Sở Giáo dục và Đào tạo", parent_line_name="UBND TỈNH LONG AN"),
        particulars=paper,
        origin=Origin.RECEIVED,
        actor=office.clerk,
        accept=True,
    )
    # then it is in the incoming register with number 1, its sender's particulars kept
    assert delivery.status == DeliveryStatus.ACCEPTED
    assert (delivery.incoming.number, delivery.incoming.sender_code, delivery.incoming.sender_date) == (
        1,
        "120/KH-SGDĐT",
        dt.date(2019, 3, 1),
    )


def test_only_the_receivers_clerk_registers_and_nothing_is_half_written(office):
    # given a drafter of the receiving organization
    # when they try to register a paper arrival
    with pytest.raises(PermissionDenied):
        outside_arrival_create(
            receiver=office.organization,
            sender=sender(),
            particulars=particulars(),
            origin=Origin.RECEIVED,
            actor=office.drafter,
            accept=True,
        )
    # and when a particular is bad
    with pytest.raises(ValidationFailed, match="trích yếu"):
        outside_arrival_create(
            receiver=office.organization, sender=sender(), particulars=particulars(subject="  "), origin="received"
        )
    # then no document from outside exists
    assert not Document.objects.filter(origin__in=[Origin.EXCHANGE, Origin.RECEIVED]).exists()


def test_an_outside_body_receives_nothing_here(office):
    # given a body known only from the exchange
    body = sender()
    # when something is addressed to it as a receiver
    # then it is refused
    with pytest.raises(ValidationFailed, match="không thuộc hệ thống"):
        outside_arrival_create(receiver=body, sender=office.organization, particulars=particulars(), origin="exchange")


def test_a_copy_from_a_hosted_sender_is_not_its_own_staffs_document(office):
    # given a hosted organization whose own plan comes back as a packet to another hosted one (a round trip)
    other = make_office(name="Trường Tiểu học Long Hậu", place_name="Cần Giuộc", abbreviation="THLH")
    office.organization.organ_code = "000.00.12.H41"
    office.organization.save(update_fields=["organ_code"])
    own = advance(make_draft(office), office, to="issued")
    delivery = outside_arrival_create(
        receiver=other.organization,
        sender=outside_sender(name="ignored: the code decides", organ_code="000.00.12.H41"),
        particulars=particulars(code=own.code, number=own.number, issue_date=own.issue_date),
        origin=Origin.EXCHANGE,
    )
    # then the copy is filed under the hosted sender, with its number, without clashing with the original
    assert delivery.document.organization_id == office.organization.pk
    # and the sender's head and clerk see their own plan, not the copy; the receiver's clerk sees the copy
    for person in (office.head, office.clerk, office.auditor):
        assert set(visible_documents(user=person).filter(pk__in=[own.pk, delivery.document_id])) == {own}
    assert list(visible_documents(user=other.clerk).filter(pk=delivery.document_id)) == [delivery.document]


def test_the_system_account_cannot_sign_in_and_is_in_no_directory(office):
    account = system_account()
    assert not account.is_active
    assert not account.has_usable_password()
    assert not account.memberships.exists()


def test_a_registered_pdf_check_runs_in_the_arrivals_transaction(office):
    # given a check registered by a higher layer
    seen = []

    def check(delivery, pdf):
        seen.append((delivery.pk, pdf))

    on_arrival_pdf(check)
    try:
        # when a document with a PDF arrives
        delivery = outside_arrival_create(
            receiver=office.organization, sender=sender(), particulars=particulars(), origin="exchange", pdf=b"%PDF-1"
        )
    finally:
        from documents.services import outside

        outside._arrival_pdf_checks.remove(check)
    # then the check saw that arrival's PDF
    assert seen == [(delivery.pk, b"%PDF-1")]


def test_an_arrival_from_outside_goes_on_like_any_other(office):
    # given an arrival from outside, accepted
    delivery = outside_arrival_create(
        receiver=office.organization, sender=sender(), particulars=particulars(), origin=Origin.EXCHANGE
    )
    services.arrival_accept(delivery=delivery, actor=office.clerk)
    # when the head assigns it
    services.incoming_assign(delivery=delivery, actor=office.head, person=office.drafter, directive="Tham mưu.")
    delivery.refresh_from_db()
    # then it is assigned and the assignee reads it
    assert delivery.status == DeliveryStatus.ASSIGNED
    assert visible_documents(user=office.drafter).filter(pk=delivery.document_id).exists()
