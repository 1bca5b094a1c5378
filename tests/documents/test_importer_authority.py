"""The importer reads the signature block into its authority chain (issue 12): a commune notice's three lines
"TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" are TM.+KT., every line kept; the seeds' KT. blocks, spaced or
not, are KT."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from documents.importer import create_draft_from_plan, parse_plan
from signing.titles import title_lines
from tests.factories import make_office

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"

NOTICE = """ỦY BAN NHÂN DÂN HUYỆN CẦN GIUỘC
ỦY BAN NHÂN DÂN XÃ PHƯỚC LẠI

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 15/TB-UBND

Phước Lại, ngày 10 tháng 3 năm 2026

THÔNG BÁO
Lịch tiếp công dân định kỳ của lãnh đạo xã quý II năm 2026

Ủy ban nhân dân xã thông báo lịch tiếp công dân như sau:

1. Thời gian: sáng thứ Năm hằng tuần.

2. Địa điểm: Trụ sở Ủy ban nhân dân xã./.

Nơi nhận:
- Thường trực Đảng ủy xã (b/c);
- Các ấp (để thực hiện);
- Lưu: VT, VP.

{signature}
"""


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip("the seed plans (../shared/seeds) are not here")
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("signature", "form", "titles"),
    [
        (
            "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Phó",
            "TM+KT",
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        ),
        (
            "**TM.ỦY BAN NHÂN DÂN\nKT.CHỦ TỊCH\nPHÓ CHỦ TỊCH**\n(Đã ký)\nNguyễn Văn Phó",
            "TM+KT",
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        ),
        ("TM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH\n\nNguyễn Văn Phó", "TM+Q", ["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"]),
        (
            "TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\n\nNguyễn Văn Phó",
            "TL+KT",
            ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"],
        ),
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn Phó", "TM", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        # no legal chain: the outermost prefix is the form, and every line stays as printed
        (
            "KT. CHỦ TỊCH\nTM. ỦY BAN NHÂN DÂN\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Phó",
            "KT",
            ["KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH"],
        ),
    ],
)
def test_the_signature_block_is_read_into_its_chain_with_every_line(signature, form, titles) -> None:
    plan = parse_plan(NOTICE.format(signature=signature))
    assert (plan.signature_form, plan.title_lines, plan.signer_name) == (form, titles, "Nguyễn Văn Phó")


@pytest.mark.parametrize("seed", ["000", "004"])
def test_the_seeds_kt_blocks_spaced_or_not_are_kt(seed) -> None:
    plan = parse_plan(_seed(seed))
    assert (plan.signature_form, plan.title_lines) == ("KT", ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"])


@pytest.mark.django_db
def test_an_imported_commune_notice_is_a_tm_kt_draft_printing_the_three_lines() -> None:
    # given a commune whose deputy chairman is the notice's signer
    office = make_office(
        name="Ủy ban nhân dân xã Phước Lại",
        abbreviation="UBND",
        place_name="Phước Lại",
        head_title="CHỦ TỊCH",
        collective_name="ỦY BAN NHÂN DÂN",
    )
    office.deputy.full_name = "Nguyễn Văn Phó"
    office.deputy.save(update_fields=["full_name"])
    office.deputy.memberships.update(post_title="PHÓ CHỦ TỊCH")
    plan = parse_plan(NOTICE.format(signature="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Phó"))
    # when it is imported as a draft
    document = create_draft_from_plan(plan=plan, organization=office.organization, drafter=office.drafter)
    # then the draft is TM.+KT. for the deputy and prints the three lines
    assert (document.signature_form, document.signer_id) == ("TM+KT", office.deputy.pk)
    assert title_lines(document) == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
