"""Offices that send and receive through the exchange, shared by the exchange tests."""

from __future__ import annotations

import datetime as dt

from documents import services
from documents.models import Delivery, Document, Origin, Urgency
from documents.services.outside import OutsideParticulars, outside_arrival_create, outside_sender
from organizations.models import Organization, SignatureForm
from tests.exchange.helpers import tiny_pdf
from tests.factories import Office, advance, document_type, make_office

NGUYEN_DU = "001.25.31.H22"
SO_LONG_AN = "000.00.10.H39"
PHONG_CAN_GIUOC = "000.21.31.H39"
SO_PLAN_ID = f"{SO_LONG_AN},2026/01/02,12/KH-SGDĐT"


def sending_office() -> Office:
    """The Phòng of Cần Giuộc, with its organ code, as the golden packet names it."""
    office = make_office(
        name="Phòng Giáo dục và Đào tạo",
        abbreviation="PGDĐT",
        place_name="Cần Giuộc",
        parent_line_name="UBND HUYỆN CẦN GIUỘC",
        organ_code=PHONG_CAN_GIUOC,
        email="pgddt@cangiuoc.longan.gov.vn",
    )
    office.unit.name, office.unit.abbreviation = "Tổ Tổng hợp", "TH"
    office.unit.save(update_fields=["name", "abbreviation"])
    return office


def receiving_school() -> Office:
    """A school hosted here with the organ code the packets are addressed to."""
    return make_office(
        name="Trường THCS Nguyễn Du",
        abbreviation="THCSND",
        place_name="Tân Hồng",
        parent_line_name="PHÒNG GD&ĐT TÂN HỒNG",
        head_title="HIỆU TRƯỞNG",
        organ_code=NGUYEN_DU,
    )


def so_long_an() -> Organization:
    return outside_sender(name="Sở Giáo dục và Đào tạo", organ_code=SO_LONG_AN, parent_line_name="UBND TỈNH LONG AN")


def arrival_from_the_so(office: Office) -> Delivery:
    """A Sở's plan that came through the exchange to the Phòng, accepted by its clerk, given to the drafter."""
    delivery = outside_arrival_create(
        receiver=office.organization,
        sender=so_long_an(),
        particulars=OutsideParticulars(
            doc_type=document_type("ke_hoach"),
            subject="Kế hoạch tổ chức Ngày hội đọc sách năm 2026",
            code="12/KH-SGDĐT",
            number=12,
            issue_date=dt.date(2026, 1, 2),
            place_name="Long An",
            external_id=SO_PLAN_ID,
        ),
        origin=Origin.EXCHANGE,
    )
    services.arrival_accept(delivery=delivery, actor=office.clerk)
    services.incoming_assign(delivery=delivery, actor=office.head, person=office.drafter, directive="Báo cáo kết quả.")
    return delivery


def report_to_outside(office: Office, *, pdf: bytes | None = None) -> Document:
    """The Phòng's report back to the Sở (ResponseFor), signed KT. by its deputy, urgent, with a deadline, to the Sở
    and a school by the exchange and to the district by paper; issued with its PDF."""
    arrival = arrival_from_the_so(office)
    draft = services.draft_reply(
        delivery=arrival,
        actor=office.drafter,
        doc_type=document_type("bao_cao"),
        subject="Báo cáo kết quả tổ chức Ngày hội đọc sách năm 2026",
    )
    reply_line = {
        "display_name": draft.recipients.get().display_name,
        "purpose": "report",
        "organ_code": draft.recipients.get().organ_code,
    }
    services.document_update_draft(
        document=draft,
        actor=office.drafter,
        body="Các trường trực thuộc đã tổ chức Ngày hội đọc sách; kết quả chi tiết kèm theo.",
        urgency=Urgency.KHAN,
        deadline=dt.date(2030, 6, 30),
        signer=office.deputy,
        signature_form=SignatureForm.KT,
        recipients=[
            reply_line,
            {"display_name": "Trường THCS Nguyễn Du", "purpose": "inform", "organ_code": NGUYEN_DU},
            {"display_name": "UBND huyện Cần Giuộc", "purpose": "report"},
        ],
    )
    document = advance(Document.objects.get(pk=draft.pk), office, to="registered")
    return services.document_issue(document=document, actor=office.clerk, issued_pdf=pdf or tiny_pdf())
