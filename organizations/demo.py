"""The demo directory: the five issuing bodies of the seed plans, the bodies above them, and their people.

Facts (names of bodies, places, signers) follow the seeds; everyone else is invented. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from organizations.models import Delegation, Membership, Organization, Role, SignatureForm, Unit, User

DEMO_PASSWORD = "demo12345"  # noqa: S105 - printed on purpose for the demo logins


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    role: str
    post_title: str
    unit: str = ""


@dataclass(frozen=True)
class Body:
    key: str
    name: str
    abbreviation: str
    place_name: str
    head_title: str
    parent_line_name: str = ""
    parent: str = ""
    organ_code: str = ""
    units: tuple[tuple[str, str], ...] = ()
    people: tuple[Person, ...] = ()
    kt_deputies: tuple[str, ...] = field(default=())
    two_level_review: bool = False


# Invented staff, clerk and auditor of each demo body: (drafter, clerk, auditor).
STAFF_NAMES = {
    "cangiuoc": ("Lê Thị Minh Thư", "Trần Thị Thu Hà", "Phạm Quốc Bảo"),
    "thuthua": ("Nguyễn Hoàng Phúc", "Đoàn Thị Mỹ Lệ", "Trương Văn Khải"),
    "nguyendu": ("Đoàn Thị Tâm", "Lý Thị Hồng Nhung", "Phan Văn Thành"),
    "bentre": ("Huỳnh Thị Ngọc Hân", "Võ Thị Kim Loan", "Nguyễn Minh Trí"),
    "phongtho": ("Tẩn Thị Mai", "Giàng Thị Dung", "Hoàng Văn Nam"),
}


def _office_people(prefix: str, unit: str, *, head: Person, deputy: Person | None = None) -> tuple[Person, ...]:
    drafter, clerk, auditor = STAFF_NAMES[prefix]
    people = [head]
    if deputy:
        people.append(deputy)
    people += [
        Person(f"{prefix}.chuyenvien", drafter, Role.STAFF, "CHUYÊN VIÊN", unit),
        Person(f"{prefix}.vanthu", clerk, Role.CLERK, "VĂN THƯ", "VP"),
        Person(f"{prefix}.thanhtra", auditor, Role.AUDITOR, "THANH TRA VIÊN"),
    ]
    return tuple(people)


BODIES: tuple[Body, ...] = (
    Body("ubnd-long-an", "Ủy ban nhân dân tỉnh Long An", "UBND", "Long An", "CHỦ TỊCH", organ_code="000.00.00.H39"),
    Body(
        "ubnd-can-giuoc",
        "Ủy ban nhân dân huyện Cần Giuộc",
        "UBND",
        "Cần Giuộc",
        "CHỦ TỊCH",
        parent_line_name="UBND TỈNH LONG AN",
        parent="ubnd-long-an",
        organ_code="000.00.21.H39",
    ),
    Body(
        "sgddt-long-an",
        "Sở Giáo dục và Đào tạo",
        "SGDĐT",
        "Long An",
        "GIÁM ĐỐC",
        parent_line_name="UBND TỈNH LONG AN",
        parent="ubnd-long-an",
        organ_code="000.00.10.H39",
        units=(("Văn phòng", "VP"), ("Phòng Giáo dục Trung học", "GDTrH")),
    ),
    Body(
        "pgddt-can-giuoc",
        "Phòng Giáo dục và Đào tạo",
        "PGDĐT",
        "Cần Giuộc",
        "TRƯỞNG PHÒNG",
        parent_line_name="UBND HUYỆN CẦN GIUỘC",
        parent="sgddt-long-an",
        organ_code="000.21.31.H39",
        units=(("Bộ phận Văn thư", "VP"), ("Tổ Tổng hợp", "TH"), ("Tổ Phổ thông", "T/Ph")),
        people=_office_people(
            "cangiuoc",
            "TH",
            head=Person("cangiuoc.truongphong", "Nguyễn Thanh Hải", Role.HEAD, "TRƯỞNG PHÒNG", "TH"),
            deputy=Person("cangiuoc.pho", "Võ Trường Tam", Role.DEPUTY, "PHÓ TRƯỞNG PHÒNG", "TH"),
        ),
        kt_deputies=("cangiuoc.pho",),
    ),
    Body(
        "pgddt-thu-thua",
        "Phòng Giáo dục và Đào tạo",
        "PGDĐT",
        "Thủ Thừa",
        "TRƯỞNG PHÒNG",
        parent_line_name="UBND HUYỆN THỦ THỪA",
        parent="sgddt-long-an",
        organ_code="000.22.31.H39",
        units=(("Bộ phận Văn thư", "VP"), ("Tổ Tổng hợp", "TH")),
        people=_office_people(
            "thuthua",
            "TH",
            head=Person("thuthua.truongphong", "Võ Văn Mười", Role.HEAD, "TRƯỞNG PHÒNG", "TH"),
            deputy=Person("thuthua.pho", "Huỳnh Văn Lộc", Role.DEPUTY, "PHÓ TRƯỞNG PHÒNG", "TH"),
        ),
    ),
    Body(
        "sgddt-dong-thap",
        "Sở Giáo dục và Đào tạo",
        "SGDĐT",
        "Đồng Tháp",
        "GIÁM ĐỐC",
        parent_line_name="UBND TỈNH ĐỒNG THÁP",
        organ_code="000.00.10.H22",
    ),
    Body(
        "pgddt-tan-hong",
        "Phòng Giáo dục và Đào tạo",
        "PGDĐT",
        "Tân Hồng",
        "TRƯỞNG PHÒNG",
        parent_line_name="UBND HUYỆN TÂN HỒNG",
        parent="sgddt-dong-thap",
        organ_code="000.25.31.H22",
    ),
    Body(
        "thcs-nguyen-du",
        "Trường THCS Nguyễn Du",
        "THCSND",
        "Tân Hồng",
        "HIỆU TRƯỞNG",
        parent_line_name="PHÒNG GD&ĐT TÂN HỒNG",
        parent="pgddt-tan-hong",
        organ_code="001.25.31.H22",
        units=(("Văn phòng", "VP"), ("Tổ Chuyên môn", "CM")),
        people=_office_people(
            "nguyendu",
            "CM",
            head=Person("nguyendu.hieutruong", "Nguyễn Văn Đồng Tiến", Role.HEAD, "HIỆU TRƯỞNG", "CM"),
            deputy=Person("nguyendu.pho", "Hồ Thị Năm", Role.DEPUTY, "PHÓ HIỆU TRƯỞNG", "CM"),
        ),
        kt_deputies=("nguyendu.pho",),
    ),
    Body(
        "sgddt-ben-tre",
        "Sở Giáo dục và Đào tạo",
        "SGDĐT",
        "Bến Tre",
        "GIÁM ĐỐC",
        parent_line_name="UBND TỈNH BẾN TRE",
        organ_code="000.00.10.H07",
        units=(("Văn phòng", "VP"), ("Phòng Kế hoạch - Tài chính", "KHTC")),
        people=(
            *_office_people(
                "bentre",
                "KHTC",
                head=Person("bentre.giamdoc", "La Thị Thúy", Role.HEAD, "GIÁM ĐỐC", "KHTC"),
                deputy=Person("bentre.pho", "Đặng Minh Tâm", Role.DEPUTY, "PHÓ GIÁM ĐỐC", "KHTC"),
            ),
            Person(
                "bentre.truongphong", "Nguyễn Thị Bích Vân", Role.UNIT_LEAD, "TRƯỞNG PHÒNG KẾ HOẠCH - TÀI CHÍNH", "KHTC"
            ),
        ),
        kt_deputies=("bentre.pho",),
        two_level_review=True,  # the Sở reviews on two levels: the head of the drafting division, then a deputy
    ),
    Body(
        "sgddt-lai-chau",
        "Sở Giáo dục và Đào tạo",
        "SGDĐT",
        "Lai Châu",
        "GIÁM ĐỐC",
        parent_line_name="UBND TỈNH LAI CHÂU",
        organ_code="000.00.10.H27",
    ),
    Body(
        "pgddt-phong-tho",
        "Phòng Giáo dục và Đào tạo",
        "PGDĐT",
        "Phong Thổ",
        "TRƯỞNG PHÒNG",
        parent_line_name="UBND HUYỆN PHONG THỔ",
        parent="sgddt-lai-chau",
        organ_code="000.27.31.H27",
        units=(("Bộ phận Văn thư", "VP"), ("Tổ Chuyên môn THCS", "CM-THCS")),
        people=_office_people(
            "phongtho",
            "CM-THCS",
            head=Person("phongtho.truongphong", "Lò Văn Sinh", Role.HEAD, "TRƯỞNG PHÒNG", "CM-THCS"),
            deputy=Person("phongtho.pho", "Nguyễn Vương Hùng", Role.DEPUTY, "PHÓ TRƯỞNG PHÒNG", "CM-THCS"),
        ),
        kt_deputies=("phongtho.pho",),
    ),
)


@transaction.atomic
def load_directory() -> dict[str, Organization]:
    """Create or refresh the demo bodies, units, people, posts and delegations."""
    organizations: dict[str, Organization] = {}
    for body in BODIES:
        organization, _ = Organization.objects.update_or_create(
            organ_code=body.organ_code,
            defaults={
                "name": body.name,
                "abbreviation": body.abbreviation,
                "place_name": body.place_name,
                "head_title": body.head_title,
                "parent_line_name": body.parent_line_name,
                "parent": organizations.get(body.parent),
                "two_level_review": body.two_level_review,
            },
        )
        organizations[body.key] = organization
        units = {
            abbreviation: Unit.objects.update_or_create(
                organization=organization, abbreviation=abbreviation, defaults={"name": name}
            )[0]
            for name, abbreviation in body.units
        }
        for person in body.people:
            user, created = User.objects.get_or_create(
                username=person.username, defaults={"full_name": person.full_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            Membership.objects.update_or_create(
                user=user,
                organization=organization,
                role=person.role,
                defaults={"post_title": person.post_title, "unit": units.get(person.unit), "is_active": True},
            )
        head = next((p for p in body.people if p.role == Role.HEAD), None)
        for username in body.kt_deputies:
            Delegation.objects.get_or_create(
                organization=organization,
                delegate=User.objects.get(username=username),
                form=SignatureForm.KT,
                defaults={
                    "principal": User.objects.get(username=head.username) if head else None,
                    "valid_from": dt.date(2019, 1, 1),
                    "note": "Phân công ký thay theo quy chế làm việc của cơ quan",
                },
            )
    return organizations
