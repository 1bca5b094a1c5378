"""The demo directory: the five issuing bodies of the seed plans, the bodies above them, and their people.

Facts (names of bodies, places, signers) follow the seeds; everyone else is invented. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from organizations.models import (
    Delegation,
    GroupRule,
    Membership,
    Organization,
    OrganizationKind,
    RecipientGroup,
    Role,
    SealImage,
    SignatureForm,
    SignatureImage,
    Unit,
    User,
)

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
    collective_name: str = ""  # a collective body signs "TM. <collective_name>" (organizations.authority)
    kind: str = OrganizationKind.OTHER


# Invented staff, clerk and auditor of each demo body: (drafter, clerk, auditor).
STAFF_NAMES = {
    "cangiuoc": ("Lê Thị Minh Thư", "Trần Thị Thu Hà", "Phạm Quốc Bảo"),
    "thuthua": ("Nguyễn Hoàng Phúc", "Đoàn Thị Mỹ Lệ", "Trương Văn Khải"),
    "nguyendu": ("Đoàn Thị Tâm", "Lý Thị Hồng Nhung", "Phan Văn Thành"),
    "bentre": ("Huỳnh Thị Ngọc Hân", "Võ Thị Kim Loan", "Nguyễn Minh Trí"),
    "phongtho": ("Tẩn Thị Mai", "Giàng Thị Dung", "Hoàng Văn Nam"),
    "phuoclai": ("Trần Văn Lộc", "Nguyễn Thị Bé Ba", "Lê Hoàng Sơn"),
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
    Body(
        "ubnd-long-an",
        "Ủy ban nhân dân tỉnh Long An",
        "UBND",
        "Long An",
        "CHỦ TỊCH",
        organ_code="000.00.00.H39",
        kind=OrganizationKind.COMMITTEE,
    ),
    Body(
        "ubnd-can-giuoc",
        "Ủy ban nhân dân huyện Cần Giuộc",
        "UBND",
        "Cần Giuộc",
        "CHỦ TỊCH",
        parent_line_name="UBND TỈNH LONG AN",
        parent="ubnd-long-an",
        organ_code="000.00.21.H39",
        kind=OrganizationKind.COMMITTEE,
    ),
    # A commune's People's Committee: a collective body whose deputy chairman signs
    # "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (invented people).
    Body(
        "ubnd-phuoc-lai",
        "Ủy ban nhân dân xã Phước Lại",
        "UBND",
        "Phước Lại",
        "CHỦ TỊCH",
        parent_line_name="UBND HUYỆN CẦN GIUỘC",
        parent="ubnd-can-giuoc",
        organ_code="000.21.51.H39",
        kind=OrganizationKind.COMMITTEE,
        collective_name="ỦY BAN NHÂN DÂN",
        units=(("Văn phòng - Thống kê", "VP"),),
        people=_office_people(
            "phuoclai",
            "VP",
            head=Person("phuoclai.chutich", "Phạm Văn Đức", Role.HEAD, "CHỦ TỊCH", "VP"),
            deputy=Person("phuoclai.pho", "Đỗ Thị Hạnh", Role.DEPUTY, "PHÓ CHỦ TỊCH", "VP"),
        ),
        kt_deputies=("phuoclai.pho",),
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
        kind=OrganizationKind.DEPARTMENT,
        units=(("Văn phòng", "VP"), ("Phòng Giáo dục Trung học", "GDTrH")),
        # Someone to take in what the Phòngs send up (invented people).
        people=(
            Person("sgddtlongan.giamdoc", "Trần Văn Minh", Role.HEAD, "GIÁM ĐỐC", "VP"),
            Person("sgddtlongan.vanthu", "Lâm Thị Thu Trang", Role.CLERK, "VĂN THƯ", "VP"),
            Person("sgddtlongan.chuyenvien", "Đặng Thị Mỹ Duyên", Role.STAFF, "CHUYÊN VIÊN", "GDTrH"),
            Person("sgddtlongan.thanhtra", "Huỳnh Văn Lộc", Role.AUDITOR, "THANH TRA VIÊN"),
        ),
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
        kind=OrganizationKind.OFFICE,
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
        kind=OrganizationKind.OFFICE,
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
        kind=OrganizationKind.DEPARTMENT,
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
        kind=OrganizationKind.OFFICE,
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
        kind=OrganizationKind.SCHOOL,
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
        kind=OrganizationKind.DEPARTMENT,
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
        kind=OrganizationKind.DEPARTMENT,
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
        kind=OrganizationKind.OFFICE,
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


# Schools under each Phòng, so that a plan sent to "Các trường trực thuộc" reaches clerks who can accept it.
# Invented: (key, name, abbreviation, organ code, username prefix, (head, deputy, clerk, teacher)).
SCHOOLS: dict[str, tuple[tuple[str, str, str, str, str, tuple[str, str, str, str]], ...]] = {
    "pgddt-can-giuoc": (
        (
            "th-long-hau",
            "Trường Tiểu học Long Hậu",
            "THLH",
            "001.21.31.H39",
            "thlonghau",
            ("Nguyễn Văn Bảy", "Trần Thị Thanh Xuân", "Lê Thị Ngọc Ánh", "Phạm Thị Thu Trang"),
        ),
        (
            "th-phuoc-lai",
            "Trường Tiểu học Phước Lại",
            "THPL",
            "002.21.31.H39",
            "thphuoclai",
            ("Võ Minh Khang", "Đặng Thị Hồng", "Huỳnh Thị Kim Chi", "Nguyễn Thị Mỹ Duyên"),
        ),
        (
            "thcs-long-thuong",
            "Trường THCS Long Thượng",
            "THCSLT",
            "003.21.31.H39",
            "thcslongthuong",
            ("Lê Văn Thắng", "Nguyễn Thị Bích Ngọc", "Trương Thị Lan", "Phan Văn Hiếu"),
        ),
        (
            "thcs-can-giuoc",
            "Trường THCS thị trấn Cần Giuộc",
            "THCSCG",
            "004.21.31.H39",
            "thcscangiuoc",
            ("Đỗ Thanh Phong", "Lâm Thị Mai", "Ngô Thị Thảo", "Bùi Quốc Việt"),
        ),
    ),
    "pgddt-thu-thua": (
        (
            "th-my-an",
            "Trường Tiểu học Mỹ An",
            "THMA",
            "001.22.31.H39",
            "thmyan",
            ("Trần Văn Sáu", "Lê Thị Hạnh", "Nguyễn Thị Tuyết", "Võ Thị Ngọc Hân"),
        ),
        (
            "th-nhi-thanh",
            "Trường Tiểu học Nhị Thành",
            "THNT",
            "002.22.31.H39",
            "thnhithanh",
            ("Phạm Văn Tư", "Huỳnh Thị Lệ", "Đoàn Thị Yến", "Lê Minh Tuấn"),
        ),
        (
            "thcs-thu-thua",
            "Trường THCS thị trấn Thủ Thừa",
            "THCSTT",
            "003.22.31.H39",
            "thcsthuthua",
            ("Nguyễn Hữu Tài", "Trần Thị Kim Thoa", "Võ Thị Thu Sương", "Đặng Văn Nhân"),
        ),
    ),
    "pgddt-tan-hong": (
        (
            "th-sa-rai",
            "Trường Tiểu học Sa Rài",
            "THSR",
            "002.25.31.H22",
            "thsarai",
            ("Lê Văn Hùng", "Nguyễn Thị Diễm", "Phan Thị Mỹ", "Trần Văn Lợi"),
        ),
        (
            "thcs-tan-thanh",
            "Trường THCS Tân Thành",
            "THCSTTH",
            "003.25.31.H22",
            "thcstanthanh",
            ("Huỳnh Văn Dũng", "Lý Thị Kim", "Nguyễn Thị Phượng", "Võ Văn Cường"),
        ),
    ),
    "pgddt-phong-tho": (
        (
            "th-muong-so",
            "Trường Tiểu học Mường So",
            "THMS",
            "001.27.31.H27",
            "thmuongso",
            ("Lò Văn Thanh", "Vàng Thị Hoa", "Tao Thị Xuân", "Lù Văn Pao"),
        ),
        (
            "th-dao-san",
            "Trường Tiểu học Dào San",
            "THDS",
            "002.27.31.H27",
            "thdaosan",
            ("Giàng A Páo", "Phàn Thị Dung", "Lý Thị Mai", "Sùng A Chứ"),
        ),
        (
            "thcs-phong-tho",
            "Trường THCS thị trấn Phong Thổ",
            "THCSPT",
            "003.27.31.H27",
            "thcsphongtho",
            ("Nguyễn Văn Quang", "Đỗ Thị Huyền", "Hoàng Thị Thủy", "Trần Đức Mạnh"),
        ),
    ),
}


def _school(parent_key: str, row: tuple[str, str, str, str, str, tuple[str, str, str, str]]) -> Body:
    key, name, abbreviation, organ_code, prefix, (head, deputy, clerk, teacher) = row
    parent = next(body for body in BODIES if body.key == parent_key)
    return Body(
        key,
        name,
        abbreviation,
        parent.place_name,
        "HIỆU TRƯỞNG",
        parent_line_name=f"PHÒNG GD&ĐT {parent.place_name.upper()}",
        parent=parent_key,
        organ_code=organ_code,
        kind=OrganizationKind.SCHOOL,
        units=(("Văn phòng", "VP"), ("Tổ Chuyên môn", "CM")),
        people=(
            Person(f"{prefix}.hieutruong", head, Role.HEAD, "HIỆU TRƯỞNG", "CM"),
            Person(f"{prefix}.pho", deputy, Role.DEPUTY, "PHÓ HIỆU TRƯỞNG", "CM"),
            Person(f"{prefix}.vanthu", clerk, Role.CLERK, "VĂN THƯ", "VP"),
            Person(f"{prefix}.giaovien", teacher, Role.STAFF, "GIÁO VIÊN", "CM"),
        ),
        kt_deputies=(f"{prefix}.pho",),
    )


SCHOOL_BODIES: tuple[Body, ...] = tuple(_school(parent, row) for parent, rows in SCHOOLS.items() for row in rows)

# Named "Nơi nhận" groups, per kind of body: (name, rule, member kind).
GROUPS = {
    OrganizationKind.DEPARTMENT: (
        ("Các Phòng GD&ĐT huyện, thành phố", GroupRule.SUBORDINATES, OrganizationKind.OFFICE),
        ("Ban Giám đốc", GroupRule.LEADERS, ""),
    ),
    OrganizationKind.OFFICE: (
        ("Các trường trực thuộc", GroupRule.SUBORDINATES, OrganizationKind.SCHOOL),
        ("TP, các PTP", GroupRule.LEADERS, ""),
    ),
    OrganizationKind.SCHOOL: (("Ban Giám hiệu", GroupRule.LEADERS, ""),),
}


@transaction.atomic
def load_directory() -> dict[str, Organization]:
    """Create or refresh the demo bodies, units, people, posts and delegations."""
    organizations: dict[str, Organization] = {}
    for body in BODIES + SCHOOL_BODIES:
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
                "kind": body.kind,
                "collective_name": body.collective_name,
            },
        )
        organizations[body.key] = organization
        for name, rule, member_kind in GROUPS.get(body.kind, ()):
            RecipientGroup.objects.update_or_create(
                organization=organization, name=name, defaults={"rule": rule, "member_kind": member_kind}
            )
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
    load_images(organizations)
    return organizations


# --- Demo signature and seal images (Phụ lục I): generated, so `make run` shows the stamps as printed. ---

SEAL_WIDTH_MM = Decimal("28.0")  # fits the stamp box above its text (signing.pades)


def _font(size: int, *, bold: bool = True) -> Any:
    """A Vietnamese-capable serif for the seal's ring (fontconfig's answer), else Pillow's own."""
    import subprocess

    from PIL import ImageFont

    pattern = "Liberation Serif:bold" if bold else "Liberation Serif"
    try:
        path = subprocess.run(  # noqa: S603 - a fixed program and arguments
            ["fc-match", "-f", "%{file}", pattern],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
        return ImageFont.truetype(path, size)
    except (OSError, subprocess.SubprocessError):
        return ImageFont.load_default(size)


def scribble_png(seed: str, *, width: int = 600, height: int = 240) -> bytes:
    """A blue handwritten-looking signature on a transparent ground, the same for the same seed."""
    import io
    import math
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ink = (13, 51, 166, 255)
    points = []
    loops = rng.randint(3, 5)
    for step in range(220):
        t = step / 219
        x = 40 + t * (width - 80)
        y = height / 2 + math.sin(t * loops * 2 * math.pi + rng.random() * 0.2) * height * 0.28 * (1 - 0.4 * t)
        points.append((x + math.cos(t * 23) * 12, y))
    draw.line(points, fill=ink, width=7, joint="curve")
    # the flourish under the name
    draw.line([(60, height * 0.82), (width * 0.55, height * 0.74), (width - 50, height * 0.8)], fill=ink, width=5)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def seal_png(name: str, *, size: int = 472) -> bytes:
    """A red round seal: the organization's name around the ring, a star in the middle, transparent outside."""
    import io
    import math

    from PIL import Image, ImageDraw

    red = (204, 13, 13, 235)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    draw.ellipse((4, 4, size - 4, size - 4), outline=red, width=12)
    draw.ellipse((size * 0.2, size * 0.2, size * 0.8, size * 0.8), outline=red, width=5)
    star = [
        (
            c + (size * (0.16 if i % 2 == 0 else 0.065)) * math.sin(i * math.pi / 5),
            c - (size * (0.16 if i % 2 == 0 else 0.065)) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=red)
    text = f"{name.upper()} · "
    font = _font(int(size * 0.075))
    radius = size * 0.39
    for index, char in enumerate(text):  # each letter turned to follow the ring
        angle = 2 * math.pi * index / len(text)
        glyph = Image.new("RGBA", (int(size * 0.12), int(size * 0.12)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.Resampling.BICUBIC)
        x = c + radius * math.sin(angle) - glyph.width / 2
        y = c - radius * math.cos(angle) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def load_images(organizations: dict[str, Organization]) -> None:
    """Give the demo signers (heads and deputies) a signature image and each body a seal, where missing."""
    import hashlib

    from django.utils import timezone

    now = timezone.now()
    for organization in organizations.values():
        if not SealImage.objects.filter(organization=organization).exists():
            png = seal_png(str(organization))
            SealImage.objects.create(
                organization=organization,
                png=png,
                sha256=hashlib.sha256(png).hexdigest(),
                width_px=472,
                height_px=472,
                width_mm=SEAL_WIDTH_MM,
                uploaded_at=now,
            )
    signers = User.objects.filter(
        memberships__organization__in=organizations.values(),
        memberships__role__in=(Role.HEAD, Role.DEPUTY),
        signature_image__isnull=True,
    ).distinct()
    for user in signers:
        png = scribble_png(user.username)
        SignatureImage.objects.create(
            user=user, png=png, sha256=hashlib.sha256(png).hexdigest(), width=600, height=240, uploaded_at=now
        )
