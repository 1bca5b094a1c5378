"""Printed "Nơi nhận" lines are matched to the demo directory where they name one entry without doubt."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.importer import import_draft, parse_plan
from documents.recipient_matching import expand, group_key, match_recipients, normalize
from organizations.demo import load_directory
from organizations.models import Membership, Role

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"


def test_normalising_spells_out_the_usual_abbreviations() -> None:
    assert normalize("  Sở  GD&ĐT\ttỉnh Long An; ") == "so gd&dt tinh long an"
    assert expand("Sở GD&ĐT tỉnh Long An") == "so giao duc va dao tao tinh long an"
    assert expand("PGDĐT") == expand("Phòng GD&ĐT") == "phong giao duc va dao tao"
    assert expand("UBND huyện") == "uy ban nhan dan huyen"
    assert group_key("TP, PTP Phòng GD&ĐT") == group_key("TP, các PTP") == "tp ptp"
    assert group_key("Các đơn vị, trường học trực thuộc") == group_key("Các trường trực thuộc")


def lines_of(matches) -> dict[str, str]:
    return {m.display_name: (f"{m.field}:{m.target_name}" if m.resolved else f"-:{m.reason}") for m in matches}


def test_the_lines_of_a_phong_plan_resolve_against_its_directory() -> None:
    # given the demo directory and the Phòng of Cần Giuộc
    organizations = load_directory()
    phong = organizations["pgddt-can-giuoc"]
    # when the lines of seed 000 (and two more) are matched
    matches = match_recipients(
        [
            ("Sở GD&ĐT tỉnh Long An", ""),
            ("TP, các PTP, GD&ĐT", ""),
            ("Các đơn vị, trường học trực thuộc", "execute"),
            ("UBND huyện", "report"),
            ("Tổ Tổng hợp", ""),
            ("Phòng Giáo dục và Đào tạo", ""),
            ("Ban Tuyên giáo huyện ủy", ""),
        ],
        organization=phong,
    )
    # then each names its entry, the place-less "UBND huyện" is the Phòng's own district, and doubt stays outside
    assert lines_of(matches) == {
        "Sở GD&ĐT tỉnh Long An": "organization:Sở Giáo dục và Đào tạo Long An",
        "TP, các PTP, GD&ĐT": "group:TP, các PTP",
        "Các đơn vị, trường học trực thuộc": "group:Các trường trực thuộc",
        "UBND huyện": "organization:Ủy ban nhân dân huyện Cần Giuộc",
        "Tổ Tổng hợp": "unit:Tổ Tổng hợp",
        "Phòng Giáo dục và Đào tạo": "-:trùng tên 3 cơ quan trong danh bạ",
        "Ban Tuyên giáo huyện ủy": "-:không có trong danh bạ",
    }


def test_a_schools_pgddt_is_its_own_phong() -> None:
    organizations = load_directory()
    [match] = match_recipients([("PGDĐT", "report")], organization=organizations["thcs-nguyen-du"])
    assert (match.field, match.target_id) == ("organization", organizations["pgddt-tan-hong"].pk)


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds/ is not here")
@pytest.mark.parametrize(
    ("seed", "body", "resolved", "unresolved"),
    [
        (
            "000_",
            "pgddt-can-giuoc",
            {"Sở GD&ĐT tỉnh Long An", "TP, các PTP, GD&ĐT", "Các đơn vị, trường học trực thuộc"},
            set(),
        ),
        (
            "002_",
            "thcs-nguyen-du",
            {"PGDĐT", "Ban Giám Hiệu"},
            {"Ban TTTT; các tổ CM, các tổ chức đoàn thể", "Công TTĐT trường"},
        ),
        ("004_", "pgddt-phong-tho", {"Các trường trực thuộc"}, {"Các tổ CM"}),
    ],
)
def test_the_seed_plans_import_with_their_lines_resolved_where_the_directory_knows_them(
    seed, body, resolved, unresolved
) -> None:
    # given the demo directory and a seed plan of one of its bodies
    organizations = load_directory()
    organization = organizations[body]
    drafter = Membership.objects.filter(organization=organization, role=Role.STAFF).first().user
    text = next(SEEDS.glob(f"{seed}*.txt")).read_text(encoding="utf-8")
    # when it is imported
    document, matches = import_draft(plan=parse_plan(text), organization=organization, drafter=drafter)
    # then the lines it knows are linked, the others kept as printed outside bodies
    assert {m.display_name for m in matches if m.resolved} == resolved
    assert {m.display_name for m in matches if not m.resolved} == unresolved
    assert [line.display_name for line in document.recipients.all()] == [m.display_name for m in matches]
    assert sum(line.is_internal for line in document.recipients.all()) == len(resolved)
