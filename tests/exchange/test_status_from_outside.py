"""Status packets from an outside body move our delivery as its own steps would (documents.services.exchange_steps),
forward only; a refusal carries its reason; a recall's answer comes back as 15/16 (or 03/02); updates and
replacements arriving from outside point at the document they amend."""

from __future__ import annotations

import base64

import pytest

from documents.models import DeliveryStatus, Document, ReplacementKind
from documents.services.exchange_steps import APPLIED, DUPLICATE, STALE, delivery_status_from_outside
from exchange.mapping import our_document_id
from exchange.models import InboundState
from exchange.services import receive_packet
from notifications.models import Notification
from tests.exchange.helpers import PACKETS, tiny_pdf, zipped
from tests.exchange.scenario import NGUYEN_DU, receiving_school, report_to_outside, sending_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(transport, django_capture_on_commit_callbacks):
    """The Phòng's report, sent through the exchange; the delivery to the school (SENT)."""
    office = sending_office()
    with django_capture_on_commit_callbacks(execute=True):
        document = report_to_outside(office)
    delivery = document.deliveries.get(recipient__organ_code=NGUYEN_DU)
    assert delivery.status == DeliveryStatus.SENT
    return office, document, delivery


def status(document: Document, code: str, description: str = "") -> bytes:
    text = (PACKETS / "lenient_status.edxml").read_text(encoding="utf-8")
    values = {
        "CODE": code,
        "DOCUMENT_ID": our_document_id(document),
        "SENDER": document.organization.organ_code,
        "DESCRIPTION": description,
    }
    return text.format_map(values).encode("utf-8")


def test_a_refusal_from_outside_reaches_the_sender_with_its_reason(sent, django_capture_on_commit_callbacks) -> None:
    office, document, delivery = sent
    # when the school answers 02 with a reason
    with django_capture_on_commit_callbacks(execute=True):
        record = receive_packet(name="02.edxml", data=status(document, "2", "Gửi nhầm trường."))
    # then the delivery is refused with that reason, in its history, and the sender's clerk is told
    assert record.state == InboundState.ACCEPTED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.note) == (DeliveryStatus.REFUSED, "Gửi nhầm trường.")
    assert delivery.events.get(status=DeliveryStatus.REFUSED).note == "Gửi nhầm trường."
    notified = Notification.objects.filter(event="delivery_refused", recipient=office.clerk).get()
    assert "Gửi nhầm trường." in notified.message


def test_statuses_move_forward_only_and_a_repeat_changes_nothing(sent) -> None:
    _office, _document, delivery = sent
    # given the school reported 05 (in progress) before its 03 came through
    assert delivery_status_from_outside(delivery=delivery, code="05") == APPLIED
    # when the late 03 arrives, and the 05 again
    late = delivery_status_from_outside(delivery=delivery, code="03")
    again = delivery_status_from_outside(delivery=delivery, code="05")
    # then the delivery stays at 05 with one step for it
    delivery.refresh_from_db()
    assert (late, again, delivery.status) == (STALE, DUPLICATE, DeliveryStatus.IN_PROGRESS)
    assert delivery.events.filter(status=DeliveryStatus.IN_PROGRESS).count() == 1
    # and a refusal after the work started is stale too; 15 without a recall as well
    assert delivery_status_from_outside(delivery=delivery, code="02") == STALE
    assert delivery_status_from_outside(delivery=delivery, code="15") == STALE


def test_a_late_status_packet_is_recorded_as_ignored(sent) -> None:
    _office, document, delivery = sent
    assert receive_packet(name="06.edxml", data=status(document, "06", "Xong.")).state == InboundState.ACCEPTED
    record = receive_packet(name="04.edxml", data=status(document, "04"))
    assert record.state == InboundState.IGNORED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DONE


def test_the_answer_to_a_recall_may_come_as_03_or_02(sent, django_capture_on_commit_callbacks) -> None:
    office, document, delivery = sent
    # given the Phòng recalled its report (13 to the school)
    from documents import services

    with django_capture_on_commit_callbacks(execute=True):
        services.document_recall(document=document, actor=office.head, reason="Sai số liệu.")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RECALL_REQUESTED
    # when the school answers with 03 (as older senders do for "recall agreed")
    receive_packet(name="03.edxml", data=status(document, "03"))
    # then it is read as 15
    delivery.refresh_from_db()
    assert (delivery.status, delivery.exchange_code) == (DeliveryStatus.RECALLED, "15")


def test_a_status_for_a_document_or_body_it_does_not_know_is_refused(sent) -> None:
    _office, document, _delivery = sent
    unknown = status(document, "03").replace(b"01/BC-PGD", b"99/BC-PGD")
    assert receive_packet(name="x.edxml", data=unknown).reason_code == "unknown_document"
    stranger = status(document, "03").replace(NGUYEN_DU.encode(), b"002.25.31.H22")
    assert receive_packet(name="y.edxml", data=stranger).reason_code == "unknown_delivery"


def test_a_replacement_from_outside_points_at_the_document_it_replaces(transport) -> None:
    # given a Sở's plan that arrived at the school
    school = receiving_school()
    text = (PACKETS / "lenient_document.edxml").read_text(encoding="utf-8")
    first = text.replace("{ZIP}", base64.b64encode(zipped("KH.pdf", tiny_pdf())).decode("ascii"))
    assert receive_packet(name="first.edxml", data=first.encode()).state == InboundState.ACCEPTED
    # when its replacement arrives (Bussiness 3, ReplacementInfo naming the first)
    second = (
        first.replace("1/KH-SGDĐT", "2/KH-SGDĐT")
        .replace("<edXML:CodeNumber>1</edXML:CodeNumber>", "<edXML:CodeNumber>2</edXML:CodeNumber>")
        .replace(
            "<edXML:BussinessDocType>0</edXML:BussinessDocType>",
            "<edXML:BussinessDocType>3</edXML:BussinessDocType><edXML:ReplacementInfoList><edXML:ReplacementInfo>"
            "<edXML:DocumentId>000.00.10.H39,2026/03/06,1/KH-SGDĐT</edXML:DocumentId>"
            "</edXML:ReplacementInfo></edXML:ReplacementInfoList>",
        )
    )
    record = receive_packet(name="second.edxml", data=second.encode())
    # then it is a new arrival at the school, linked to the one it replaces
    assert record.state == InboundState.ACCEPTED, record.reason
    new = record.deliveries.get()
    assert new.organization == school.organization
    replaced = Document.objects.get(external_id="000.00.10.H39,2026/03/06,1/KH-SGDĐT")
    assert (new.document.replaces, new.document.replacement_kind) == (replaced, ReplacementKind.REPLACEMENT)
