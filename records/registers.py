"""A register's table as printed (Nghị định 30/2020, Phụ lục IV): its headings and one row of text per entry.

The page, the Excel sheet and the PDF all take their cells from here, so the three never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from documents.models import Confidentiality, Document, IncomingDocument, Register, Urgency
from records.selectors import OUTGOING

OUTGOING_HEADINGS = (
    _("Số, ký hiệu văn bản"),
    _("Ngày tháng văn bản"),
    _("Tên loại và trích yếu nội dung văn bản"),
    _("Người ký"),
    _("Nơi nhận văn bản"),
    _("Đơn vị, người nhận bản lưu"),
    _("Số lượng bản"),
    _("Ngày chuyển"),
    _("Ký nhận"),
    _("Ghi chú"),
)
INCOMING_HEADINGS = (
    _("Ngày đến"),
    _("Số đến"),
    _("Tác giả"),
    _("Số, ký hiệu"),
    _("Ngày tháng"),
    _("Tên loại và trích yếu nội dung"),
    _("Đơn vị hoặc người nhận"),
    _("Ngày chuyển"),
    _("Ký nhận"),
    _("Ghi chú"),
)
# Relative widths (Excel characters) of the columns, in the order above.
OUTGOING_WIDTHS = (20, 14, 33, 16, 28, 16, 10, 14, 12, 16)
INCOMING_WIDTHS = (14, 8, 24, 20, 14, 34, 22, 14, 12, 16)
TITLES = {
    Register.REGULAR: _("SỔ ĐĂNG KÝ VĂN BẢN ĐI"),
    Register.SECRET: _("SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI"),
    Register.INCOMING: _("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"),
    Register.INCOMING_SECRET: _("SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN"),
}


@dataclass
class Row:
    cells: list[str]
    document_id: int | None  # the outgoing document, for the page's link
    delivery_id: int | None  # the arrival, for the page's link


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.strftime("%d/%m/%Y")


def _notes(*, confidentiality: str, urgency: str, extra: Iterable[str] = ()) -> str:
    parts = [str(Confidentiality(confidentiality).label)] if confidentiality != Confidentiality.NORMAL else []
    if urgency and urgency != Urgency.NORMAL:
        parts.append(str(Urgency(urgency).label))
    parts.extend(e for e in extra if e)
    return "; ".join(parts)


def outgoing_row(document: Document) -> Row:
    recipients = list(document.recipients.all())  # prefetched by records.selectors.outgoing_register
    filed = list(document.filed_copies.all())
    kept = ", ".join(f.label for f in filed) or document.filing_line
    extra = [str(document.get_status_display())] if document.status == "recalled" else []
    if document.replacement_kind:
        extra.append(str(document.get_replacement_kind_display()))
    return Row(
        cells=[
            document.code,
            _date(document.issue_date),
            f"{document.doc_type.name}: {document.subject}",
            document.signer.display_name if document.signer_id else document.signer_name,
            "\n".join(r.printed_line for r in recipients),
            kept,
            # One copy per line of "Nơi nhận" and per "Lưu" copy, as the clerk prints them.
            str(len(recipients) + len(filed)) if recipients or filed else "",
            _date(document.issued_at),
            "",
            _notes(confidentiality=document.confidentiality, urgency=document.urgency, extra=extra),
        ],
        document_id=document.pk,
        delivery_id=None,
    )


def incoming_row(entry: IncomingDocument) -> Row:
    document = entry.delivery.document
    receivers = [u for u in (entry.assigned_unit, entry.assigned_person) if u is not None]
    receiver = ", ".join(getattr(u, "display_name", None) or u.name for u in receivers)
    if not receiver and entry.leader_id:
        receiver = entry.leader.display_name
    passed_on = entry.assigned_at or entry.forwarded_at
    signed = f"{entry.started_by.display_name}, {_date(entry.started_at)}" if entry.started_by_id else ""
    return Row(
        cells=[
            _date(entry.received_at),
            f"{entry.number:02d}",
            entry.sender_name,
            entry.sender_code,
            _date(entry.sender_date),
            f"{document.doc_type.name}: {document.subject}",
            receiver,
            _date(passed_on),
            signed,
            _notes(
                confidentiality=document.confidentiality,
                urgency=document.urgency,
                extra=[f"Hạn {_date(entry.handling_deadline)}" if entry.handling_deadline else ""],
            ),
        ],
        document_id=None,
        delivery_id=entry.delivery_id,
    )


def headings(register: str) -> tuple[Any, ...]:
    return OUTGOING_HEADINGS if register in OUTGOING else INCOMING_HEADINGS


def widths(register: str) -> tuple[int, ...]:
    return OUTGOING_WIDTHS if register in OUTGOING else INCOMING_WIDTHS


def rows_of(register: str, entries: Iterable[Any]) -> list[Row]:
    build = outgoing_row if register in OUTGOING else incoming_row
    return [build(entry) for entry in entries]
