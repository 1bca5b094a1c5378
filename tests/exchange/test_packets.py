"""The bytes of a packet: what the project writes is the structure of RULES.md element by element, prefixes
included (golden file written by hand), and what another system writes by hand is accepted."""

from __future__ import annotations

import base64
import re

import pytest

from documents.models import DeliveryStatus, Document, Origin, Urgency
from exchange.edxml import format_date, format_timestamp
from exchange.models import OutboundPacket, OutboundState, PacketKind
from exchange.parsing import PacketRefused, extract_pdf, read_packet
from exchange.services import receive_packet, render
from tests.exchange.helpers import PACKETS, tiny_pdf, zipped
from tests.exchange.scenario import (
    NGUYEN_DU,
    SO_LONG_AN,
    SO_PLAN_ID,
    receiving_school,
    report_to_outside,
    sending_office,
)

pytestmark = pytest.mark.django_db


def golden(document: Document, packet: OutboundPacket, pdf: bytes) -> bytes:
    """The hand-written packet with its volatile fields filled in: the issue date, the moment it was queued."""
    text = (PACKETS / "document_golden.edxml").read_text(encoding="utf-8")
    text = text.replace("{ISSUE_DATE}", format_date(document.issue_date))
    text = text.replace("{TIMESTAMP}", format_timestamp(packet.occurred_at))
    return text.replace("{PDF}", base64.b64encode(pdf).decode("ascii")).encode("utf-8")


def test_an_issued_document_leaves_as_the_packet_written_by_hand(transport, django_capture_on_commit_callbacks):
    # given the Phòng's report back to a Sở, addressed by organ code to the Sở and to a school
    office = sending_office()
    pdf = tiny_pdf("Bao cao")
    # when it is issued (the exchange's consumer queues and sends after the commit)
    with django_capture_on_commit_callbacks(execute=True):
        document = report_to_outside(office, pdf=pdf)
    # then one document packet per organ code went out, and the one to the school is the golden packet, byte for byte
    packets = {p.to_organ: p for p in OutboundPacket.objects.filter(kind=PacketKind.DOCUMENT)}
    assert set(packets) == {SO_LONG_AN, NGUYEN_DU}
    assert {p.state for p in packets.values()} == {OutboundState.SENT}
    written = render(packets[NGUYEN_DU])
    assert written == golden(document, packets[NGUYEN_DU], pdf)
    # and the file in the folder out is those bytes, named by the packet's id
    assert (transport.outbox / f"{packets[NGUYEN_DU].packet_id}.edxml").read_bytes() == written
    # and the line without an organ code still waits (paper), the two others are "sent through the exchange"
    statuses = {d.recipient.display_name: d.status for d in document.deliveries.select_related("recipient")}
    assert statuses == {
        "Sở Giáo dục và Đào tạo": DeliveryStatus.SENT,
        "Trường THCS Nguyễn Du": DeliveryStatus.SENT,
        "UBND huyện Cần Giuộc": DeliveryStatus.QUEUED,
    }


def test_the_bytes_carry_the_prefixes_and_slash_dates_others_check(transport, django_capture_on_commit_callbacks):
    # given an issued document's packet
    office = sending_office()
    with django_capture_on_commit_callbacks(execute=True):
        document = report_to_outside(office)
    data = render(OutboundPacket.objects.get(kind=PacketKind.DOCUMENT, to_organ=NGUYEN_DU)).decode("utf-8")
    # then the root declares the namespace as default and the prefix, the envelope and its children are prefixed
    root = (
        '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
    )
    assert data.startswith(f'<?xml version="1.0" encoding="UTF-8"?>\n{root}\n  <edXML:edXMLEnvelope>')
    for tag in ("<edXML:edXMLEnvelope>", "<edXML:MessageHeader>", "<edXML:TraceHeaderList>", "<edXML:Bussiness>"):
        assert tag in data
    envelope = data[data.index("<edXML:edXMLEnvelope>") : data.index("</edXML:edXMLEnvelope>")]
    assert re.findall(r"<(?!/)(?!edXML:)[A-Za-z]", envelope) == []  # no unprefixed element inside the envelope
    # and the attachments sit outside the envelope, unprefixed
    assert "\n  <AttachmentEncoded>\n    <Attachment>\n      <ContentId>1</ContentId>" in data
    # and dates are written with slashes, the time in Vietnam
    day = document.issue_date
    assert f"<edXML:PromulgationDate>{day:%Y/%m/%d}</edXML:PromulgationDate>" in data
    assert re.search(r"<edXML:Timestamp>\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}</edXML:Timestamp>", data)
    assert "-" not in re.search(r"<edXML:DueDate>(.*?)</edXML:DueDate>", data).group(1)


def test_a_packet_written_by_hand_in_another_order_is_accepted_with_every_field(transport) -> None:
    # given a packet another system wrote: any order, optional fields left out, "1" for "01", a zipped PDF
    school = receiving_school()
    pdf = tiny_pdf("Hoi thi")
    text = (PACKETS / "lenient_document.edxml").read_text(encoding="utf-8")
    data = text.replace("{ZIP}", base64.b64encode(zipped("KH_So_1.pdf", pdf)).decode("ascii")).encode("utf-8")
    # when it is read
    packet = read_packet(data, max_bytes=10_000_000)
    # then every field it has is read, whatever its place
    assert (packet.sender.organ_id, packet.sender.in_charge) == (SO_LONG_AN, "UBND TỈNH LONG AN")
    assert [r.organ_id for r in packet.receivers] == [NGUYEN_DU]
    assert (packet.code, packet.promulgation_date.isoformat(), packet.due_date.isoformat()) == (
        "1/KH-SGDĐT",
        "2026-03-06",
        "2026-04-30",
    )
    assert (packet.signer_competence, packet.signer_position, packet.priority) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", 2)
    assert (packet.business.doc_type, packet.business.paper, packet.trace[0].timestamp.hour) == (0, 1, 7)
    assert extract_pdf(packet.attachments, max_bytes=10_000_000) == pdf
    # and when it is taken in, it becomes an arrival at the school with those particulars and the PDF unzipped
    record = receive_packet(name="lenient.edxml", data=data)
    assert record.state == "accepted", record.reason
    arrival = record.deliveries.get()
    document = arrival.document
    assert (arrival.organization_id, arrival.status, document.origin) == (
        school.organization.pk,
        DeliveryStatus.ARRIVED,
        Origin.EXCHANGE,
    )
    assert (document.code, document.number, document.doc_type.name, document.urgency) == (
        "1/KH-SGDĐT",
        1,
        "Kế hoạch",
        Urgency.THUONG_KHAN,
    )
    assert document.signer_title_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert document.artifacts.get(kind="issued").read() == pdf
    # and the school answers 01 (arrived) to the Sở at once
    answer = OutboundPacket.objects.get(delivery=arrival, kind=PacketKind.STATUS)
    assert (answer.status_code, answer.to_organ) == ("01", SO_LONG_AN)


def test_a_status_packet_written_by_hand_with_1_for_01_is_read_as_01() -> None:
    # given a status packet without prefixes, "3" for "03", in another order
    text = (PACKETS / "lenient_status.edxml").read_text(encoding="utf-8")
    data = text.format_map({"CODE": "3", "DOCUMENT_ID": SO_PLAN_ID, "SENDER": SO_LONG_AN, "DESCRIPTION": "Đã vào sổ"})
    # when it is read
    packet = read_packet(data.encode("utf-8"), max_bytes=100_000)
    # then it is the status 03 for that document, from the school
    assert (packet.status_code, packet.response_for.document_id) == ("03", SO_PLAN_ID)
    assert packet.sender.organ_id == NGUYEN_DU
    assert packet.description == "Đã vào sổ"


@pytest.mark.parametrize("code", ["17", "00", "ba", ""])
def test_a_status_code_outside_the_list_is_refused_by_the_schema(code: str) -> None:
    text = (PACKETS / "lenient_status.edxml").read_text(encoding="utf-8")
    data = text.format_map({"CODE": code, "DOCUMENT_ID": SO_PLAN_ID, "SENDER": SO_LONG_AN, "DESCRIPTION": ""})
    with pytest.raises(PacketRefused) as refusal:
        read_packet(data.encode("utf-8"), max_bytes=100_000)
    assert refusal.value.code in ("wrong_schema", "invalid")
