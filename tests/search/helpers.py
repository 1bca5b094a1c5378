"""Search tests' own helpers: documents with a code and a date, an arrival from outside."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from documents.models import Delivery, Document, Origin
from documents.services.outside import OutsideParticulars, outside_arrival_create, outside_sender
from tests.factories import Office, advance, document_type, make_draft


def issued(office: Office, **fields: Any) -> Document:
    """A document of `office` taken to issued (it gets its number, code and today's date)."""
    return advance(make_draft(office, **fields), office, to="issued")


def arrival(office: Office, *, subject: str, code: str, issue_date: dt.date, **fields: Any) -> Delivery:
    """A document from an outside Sở arriving at `office` (origin EXCHANGE), registered by its clerk."""
    sender = outside_sender(
        name="Sở Giáo dục và Đào tạo", parent_line_name="UBND TỈNH LONG AN", organ_code="000.00.12.H41"
    )
    particulars = OutsideParticulars(
        doc_type=document_type("ke_hoach"),
        subject=subject,
        code=code,
        number=int(code.split("/")[0]),
        issue_date=issue_date,
        body=fields.pop("body", ""),
        external_id=f"000.00.12.H41,{issue_date:%Y/%m/%d},{code}",
        **fields,
    )
    return outside_arrival_create(
        receiver=office.organization,
        sender=sender,
        particulars=particulars,
        origin=Origin.EXCHANGE,
        actor=office.clerk,
        accept=True,
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
