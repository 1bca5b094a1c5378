"""A plan sent by a Phòng to a school, as the receiving side meets it (shared by the receiving tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from documents import services
from documents.models import Delivery, Document
from organizations.models import OrganizationKind, Role, Unit, User
from tests.factories import Office, UnitFactory, add_member, advance, make_draft, make_office


@dataclass
class Scenario:
    sender: Office
    school: Office
    document: Document
    delivery: Delivery
    subjects: Unit  # Tổ chuyên môn of the school
    teacher: User  # a member of it
    supporter: User  # a member of a supporting unit
    support: Unit
    outsider: User  # staff of the school in no unit named

    def accept(self) -> Delivery:
        services.arrival_accept(delivery=self.delivery, actor=self.school.clerk)
        return self.refresh()

    def assign(self, **fields: Any) -> Delivery:
        values: dict[str, Any] = {
            "unit": self.subjects,
            "supporting_units": [self.support],
            "directive": "Giao Tổ chuyên môn chủ trì triển khai.",
        }
        values.update(fields)
        services.incoming_assign(delivery=self.delivery, actor=self.school.head, **values)
        return self.refresh()

    def next_plan(self) -> Delivery:
        """Another plan from the same Phòng to the same school; the scenario now follows it."""
        org = self.school.organization
        lines = [{"display_name": org.name, "purpose": "execute", "organization": org}]
        self.document = advance(make_draft(self.sender, recipients=lines), self.sender, to="issued")
        self.delivery = self.document.deliveries.get()
        return self.delivery

    def refresh(self) -> Delivery:
        self.delivery.refresh_from_db()
        return self.delivery


def school_receives(**document_fields: Any) -> Scenario:
    """A Phòng issues a plan to one school, whose clerk, head, deputy and units are ready to receive it."""
    sender = make_office()
    school = make_office(name="Trường Tiểu học Long Hậu", abbreviation="THLH", head_title="HIỆU TRƯỞNG")
    school.organization.parent = sender.organization
    school.organization.kind = OrganizationKind.SCHOOL
    school.organization.save(update_fields=["parent", "kind"])
    subjects = UnitFactory(organization=school.organization, name="Tổ chuyên môn", abbreviation="TCM")
    support = UnitFactory(organization=school.organization, name="Tổ văn phòng", abbreviation="TVP")
    teacher = add_member(school, Role.STAFF, full_name="Ngô Thị Giáo Viên", unit=subjects)
    supporter = add_member(school, Role.STAFF, full_name="Huỳnh Văn Phối Hợp", unit=support)
    outsider = add_member(school, Role.STAFF, full_name="Mai Văn Ngoài")
    lines = [{"display_name": school.organization.name, "purpose": "execute", "organization": school.organization}]
    document = advance(make_draft(sender, recipients=lines, **document_fields), sender, to="issued")
    return Scenario(
        sender=sender,
        school=school,
        document=document,
        delivery=document.deliveries.get(),
        subjects=subjects,
        teacher=teacher,
        supporter=supporter,
        support=support,
        outsider=outsider,
    )
