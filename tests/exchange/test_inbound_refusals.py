"""Packets this system does not take: refused with their reason, stored for an administrator, nothing created.
And packets seen twice: one arrival, the second recorded as a duplicate."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest

from documents.models import Delivery, Document
from exchange.models import InboundPacket, InboundState, OutboundPacket
from exchange.services import receive_packet
from organizations.models import Organization
from tests.exchange.helpers import PACKETS, tiny_pdf, zipped
from tests.exchange.scenario import receiving_school

pytestmark = pytest.mark.django_db

ENVELOPE_START = (
    '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
)


def lenient(attachment: bytes | None = None, *, to: str = "001.25.31.H22") -> bytes:
    text = (PACKETS / "lenient_document.edxml").read_text(encoding="utf-8")
    payload = attachment if attachment is not None else zipped("KH.pdf", tiny_pdf())
    text = text.replace("{ZIP}", base64.b64encode(payload).decode("ascii"))
    return text.replace("<edXML:OrganId>001.25.31.H22</edXML:OrganId>", f"<edXML:OrganId>{to}</edXML:OrganId>").encode()


def nothing_created(before: dict[str, int]) -> bool:
    return before == counts()


def counts() -> dict[str, int]:
    return {
        "documents": Document.objects.count(),
        "deliveries": Delivery.objects.count(),
        "organizations": Organization.objects.count(),
        "outbound": OutboundPacket.objects.count(),
    }


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode() for i in range(1, 10)
    )
    + b']>\n<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol9;</edXML>\n'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>'
    b"<Subject>&xxe;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>\n"
)
# The same entity trick with the declaration hidden from a naive byte search (UTF-16): the parser's own check
# must still see the DOCTYPE.
EXTERNAL_ENTITY_UTF16 = (
    EXTERNAL_ENTITY.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"').decode("ascii").encode("utf-16")
)
WRONG_NAMESPACE = lenient().replace(b"http://www.mic.gov.vn/TBT/QCVN_102_2016", b"urn:example:other")
UNKNOWN_ELEMENT = lenient().replace(b"<edXML:Subject>", b"<edXML:Secret>1</edXML:Secret><edXML:Subject>")
TOO_DEEP = (
    f'<?xml version="1.0"?>\n{ENVELOPE_START}'.encode()
    + b"<edXML:edXMLEnvelope>" * 40
    + b"</edXML:edXMLEnvelope>" * 40
    + b"</edXML>"
)


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        pytest.param(b"<edXML><unclosed></edXML>", "malformed", "không phải XML hợp lệ", id="malformed"),
        pytest.param(b"   ", "malformed", "rỗng", id="empty"),
        pytest.param(b"<a>" + b"x" * 2_000_000 + b"</a>", "oversized", "vượt giới hạn", id="oversized"),
        pytest.param(EXTERNAL_ENTITY, "doctype", "DOCTYPE", id="external-entity"),
        pytest.param(EXTERNAL_ENTITY_UTF16, "doctype", "DOCTYPE", id="external-entity-utf16"),
        pytest.param(BILLION_LAUGHS, "doctype", "DOCTYPE", id="billion-laughs"),
        pytest.param(TOO_DEEP, "too_deep", "lồng quá", id="too-deep"),
        pytest.param(WRONG_NAMESPACE, "wrong_schema", "không phải edXML", id="wrong-namespace"),
        pytest.param(UNKNOWN_ELEMENT, "wrong_schema", "không đúng lược đồ", id="wrong-schema"),
        pytest.param(
            lenient(to="999.99.99.Z99"), "unknown_receiver", "Không có cơ quan nhận", id="unknown-organization"
        ),
        pytest.param(lenient(b"PK\x03\x04 not a zip"), "bad_attachment", "bị hỏng", id="broken-zip"),
    ],
)
def test_a_packet_it_does_not_take_is_refused_stored_and_creates_nothing(settings, data, code, words) -> None:
    # given a school hosted here, and a packet limit of 1 MB
    settings.EXCHANGE_MAX_PACKET_BYTES = 1_000_000
    receiving_school()
    before = counts()
    # when the packet arrives
    record = receive_packet(name="bad.edxml", data=data)
    # then it is refused with its reason in Vietnamese, stored with (the start of) its bytes
    assert (record.state, record.reason_code) == (InboundState.REFUSED, code), record.reason
    assert words in record.reason
    assert bytes(record.raw) == data[: settings.EXCHANGE_KEEP_PACKET_BYTES]
    assert record.size == len(data)
    # and nothing else was written: no document, delivery, sender or answer
    assert nothing_created(before)
    # and no file content leaked into what was stored
    assert b"root:" not in bytes(record.raw)


def test_a_zip_bomb_is_refused_without_being_inflated(settings) -> None:
    # given a zip whose one PDF entry claims 20 MB of zeros (a few kilobytes packed)
    receiving_school()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("KH.pdf", b"%PDF-" + bytes(20_000_000))
    before = counts()
    # when it arrives inside a packet
    record = receive_packet(name="bomb.edxml", data=lenient(buffer.getvalue()))
    # then it is refused for its size, and nothing is created
    assert (record.state, record.reason_code) == (InboundState.REFUSED, "bad_attachment")
    assert nothing_created(before)


def test_a_failure_in_the_middle_leaves_nothing_half_imported(settings, monkeypatch) -> None:
    # given a packet to two schools hosted here, where the second arrival fails (an invalid particular)
    first = receiving_school()
    from tests.factories import make_office

    make_office(name="Trường THCS Tân Thành", organ_code="003.25.31.H22")
    data = lenient().replace(
        b"</edXML:To>",
        b"</edXML:To><edXML:To><edXML:OrganId>003.25.31.H22</edXML:OrganId></edXML:To>",
        1,
    )
    from documents.services import outside

    real = outside.outside_arrival_create
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs["receiver"])
        if len(calls) == 2:
            from core.errors import ValidationFailed

            raise ValidationFailed("Lỗi thử nghiệm ở cơ quan nhận thứ hai.")
        return real(**kwargs)

    monkeypatch.setattr("exchange.incoming.outside_arrival_create", second_fails)
    before = counts()
    # when it is taken in
    record = receive_packet(name="two.edxml", data=data)
    # then the first school's arrival rolled back with it: the packet is refused whole, with the reason
    assert (record.state, record.reason) == (InboundState.REFUSED, "Lỗi thử nghiệm ở cơ quan nhận thứ hai.")
    assert calls[0] == first.organization
    assert nothing_created(before)


def test_a_packet_seen_twice_makes_one_arrival_and_a_duplicate(transport) -> None:
    # given a school, and a packet for it
    receiving_school()
    data = lenient()
    # when the same bytes arrive twice, then the same document again in other bytes (another file name, a resend)
    first = receive_packet(name="a.edxml", data=data)
    second = receive_packet(name="a-again.edxml", data=data)
    third = receive_packet(
        name="b.edxml", data=data.replace(b"<edXML:Paper>1</edXML:Paper>", b"<edXML:Paper>0</edXML:Paper>")
    )
    # then one arrival exists, answered 01 once; the others are recorded as duplicates
    assert [first.state, second.state, third.state] == [
        InboundState.ACCEPTED,
        InboundState.DUPLICATE,
        InboundState.DUPLICATE,
    ]
    assert Delivery.objects.filter(document__external_id="000.00.10.H39,2026/03/06,1/KH-SGDĐT").count() == 1
    assert OutboundPacket.objects.filter(status_code="01").count() == 1
    assert InboundPacket.objects.count() == 3
