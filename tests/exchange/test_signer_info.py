"""SignerInfo of the exchange for a combined authority (issue 12): a commune notice signed TM.+KT. leaves with
Competence "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH" and Position "PHÓ CHỦ TỊCH", and the school that receives it gets the
three title lines back."""

from __future__ import annotations

import pytest

from documents import services
from exchange.models import OutboundPacket, PacketKind
from exchange.parsing import read_packet
from exchange.services import receive_packet, render
from tests.exchange.helpers import tiny_pdf
from tests.exchange.scenario import NGUYEN_DU, receiving_school
from tests.factories import advance, document_type, make_draft, make_office

pytestmark = pytest.mark.django_db
THREE_LINES = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_a_tm_kt_notice_crosses_the_exchange_with_its_three_title_lines(
    transport, django_capture_on_commit_callbacks
) -> None:
    # given a commune (a collective body) whose deputy chairman signs TM.+KT., and a school hosted here
    commune = make_office(
        name="Ủy ban nhân dân xã Phước Lại",
        abbreviation="UBND",
        place_name="Phước Lại",
        head_title="CHỦ TỊCH",
        collective_name="ỦY BAN NHÂN DÂN",
        organ_code="000.31.31.H39",
    )
    school = receiving_school()
    draft = make_draft(
        commune,
        signer=commune.deputy,
        signature_form="TM+KT",
        doc_type=document_type("thong_bao"),
        subject="Lịch tiếp công dân định kỳ quý II năm 2026",
        recipients=[{"display_name": "Trường THCS Nguyễn Du", "purpose": "inform", "organ_code": NGUYEN_DU}],
    )
    # when it is signed, numbered and issued to the school's organ code
    document = advance(draft, commune, to="registered")
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_issue(document=document, actor=commune.clerk, issued_pdf=tiny_pdf())
    assert document.signer_title_lines == THREE_LINES
    data = render(OutboundPacket.objects.get(kind=PacketKind.DOCUMENT, to_organ=NGUYEN_DU))

    # then the bytes carry the chain as Competence and the post as Position
    text = data.decode("utf-8")
    assert "<edXML:Competence>TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH</edXML:Competence>" in text
    assert "<edXML:Position>PHÓ CHỦ TỊCH</edXML:Position>" in text
    packet = read_packet(data, max_bytes=10_000_000)
    assert (packet.signer_competence, packet.signer_position) == ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")

    # and when the school takes it in, its arrival keeps the three lines and the signer's name
    record = receive_packet(name="thong-bao.edxml", data=data)
    assert record.state == "accepted", record.reason
    arrival = record.deliveries.get()
    assert arrival.organization_id == school.organization.pk
    assert arrival.document.signer_title_lines == THREE_LINES
    assert arrival.document.signer_name == commune.deputy.full_name
