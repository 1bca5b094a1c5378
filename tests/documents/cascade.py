"""Seed 002's three levels (Sở → Phòng → trường) and the steps between them, for the links tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from documents import services
from documents.dates import VIETNAM
from documents.models import Delivery, Document
from organizations.models import Organization, OrganizationKind
from tests.factories import Office, advance, make_draft, make_office

SUBJECT = "Thực hiện công tác truyền thông về giáo dục và đào tạo năm học 2022 – 2023"


@dataclass
class Cascade:
    so: Office
    phong: Office
    schools: list[Office]


def make_cascade(schools: int = 1) -> Cascade:
    """Seed 002's three levels: a Sở, a Phòng under it, schools under the Phòng."""
    so = make_office(
        name="Sở Giáo dục và Đào tạo",
        parent_line_name="UBND TỈNH ĐỒNG THÁP",
        abbreviation="SGDĐT",
        place_name="Cao Lãnh",
        head_title="GIÁM ĐỐC",
        kind=OrganizationKind.DEPARTMENT,
    )
    phong = make_office(
        name="Phòng Giáo dục và Đào tạo",
        parent_line_name="UBND HUYỆN TÂN HỒNG",
        abbreviation="PGDĐT",
        place_name="Tân Hồng",
        kind=OrganizationKind.OFFICE,
        parent=so.organization,
    )
    names = ["Trường THCS Nguyễn Du", "Trường THCS Tân Thành", "Trường Tiểu học Tân Công Chí"]
    return Cascade(
        so=so,
        phong=phong,
        schools=[
            make_office(
                name=names[number],
                parent_line_name="PHÒNG GD&ĐT HUYỆN TÂN HỒNG",
                abbreviation=f"THCS{number + 1}",
                place_name="Tân Hồng",
                head_title="HIỆU TRƯỞNG",
                kind=OrganizationKind.SCHOOL,
                parent=phong.organization,
            )
            for number in range(schools)
        ],
    )


def line(organization: Organization, purpose: str = "execute") -> dict:
    return {"display_name": organization.name, "purpose": purpose, "organization": organization}


def on_day(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Registration and issue happen on `day` (Vietnam time)."""
    moment = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=VIETNAM)
    monkeypatch.setattr("documents.services.registration.vn_now", lambda: moment)


def issued_plan(office: Office, recipients: list[dict], **fields) -> Document:
    return advance(make_draft(office, subject=SUBJECT, recipients=recipients, **fields), office, to="issued")


def accepted(document: Document, office: Office) -> Delivery:
    """Taken in by the clerk, and assigned by the head to the drafter, who may then read it and write on its basis."""
    delivery = document.deliveries.get(organization=office.organization)
    services.arrival_accept(delivery=delivery, actor=office.clerk)
    services.incoming_assign(delivery=delivery, actor=office.head, person=office.drafter, directive="Triển khai.")
    delivery.refresh_from_db()
    return delivery


def complete_and_issue(document: Document, office: Office, recipients: list[dict]) -> Document:
    """The drafter writes the content, names the signer and the recipients; it goes the usual way to issue."""
    services.document_update_draft(
        document=document,
        actor=document.drafter,
        body=document.body or "I. MỤC ĐÍCH, YÊU CẦU",
        signer=office.head,
        recipients=recipients,
    )
    return advance(Document.objects.get(pk=document.pk), office, to="issued")
