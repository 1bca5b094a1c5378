"""One rendering per authority chain (issue 12): the draft's PDF, read back by poppler's pdftotext -layout, prints
the chain's title lines each on a line of its own, in order, above the signer's name."""

from __future__ import annotations

import re
import subprocess
import tempfile

import pytest

from organizations.models import Role
from signing.rendering import render_pdf
from tests.factories import DelegationFactory, Office, UnitFactory, add_member, make_draft, make_office

pytestmark = pytest.mark.django_db


def layout_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        done = subprocess.run(  # noqa: S603 - poppler-utils, a fixed command on the file the test wrote
            ["pdftotext", "-layout", handle.name, "-"],  # noqa: S607
            capture_output=True,
            check=True,
            timeout=60,
        )
    return done.stdout.decode("utf-8")


def rows_holding(text: str, wanted: list[str]) -> list[int]:
    """For each wanted line, the first row after the previous one where it stands as a cell of its own (the
    signature block shares its rows with "Nơi nhận" on the left, columns apart)."""
    rows = [[cell.strip() for cell in re.split(r"\s{2,}", row) if cell.strip()] for row in text.splitlines()]
    found, start = [], 0
    for line in wanted:
        at = next((i for i in range(start, len(rows)) if line in rows[i]), -1)
        assert at != -1, (line, text)
        found.append(at)
        start = at + 1
    return found


def commune() -> Office:
    return make_office(
        name="Ủy ban nhân dân xã Phước Lại",
        abbreviation="UBND",
        place_name="Phước Lại",
        parent_line_name="UBND HUYỆN CẦN GIUỘC",
        head_title="CHỦ TỊCH",
        collective_name="ỦY BAN NHÂN DÂN",
    )


@pytest.mark.parametrize(
    ("form", "role", "post", "expected"),
    [
        ("direct", Role.HEAD, "CHỦ TỊCH", ["CHỦ TỊCH"]),
        ("TM", Role.HEAD, "CHỦ TỊCH", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        ("KT", Role.DEPUTY, "PHÓ CHỦ TỊCH", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("Q", Role.DEPUTY, "PHÓ CHỦ TỊCH", ["Q. CHỦ TỊCH"]),
        ("TL", Role.UNIT_LEAD, "CHÁNH VĂN PHÒNG", ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]),
        ("TUQ", Role.UNIT_LEAD, "TRƯỞNG BAN CÔNG AN", ["TUQ. CHỦ TỊCH", "TRƯỞNG BAN CÔNG AN"]),
        ("TM+KT", Role.DEPUTY, "PHÓ CHỦ TỊCH", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("TM+Q", Role.DEPUTY, "PHÓ CHỦ TỊCH", ["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"]),
        ("TL+KT", Role.STAFF, "PHÓ VĂN PHÒNG", ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ VĂN PHÒNG"]),
    ],
)
def test_each_chain_prints_its_title_lines_in_order_above_the_name(form, role, post, expected) -> None:
    # given a commune's draft signed with that chain by a person of that post holding it (TL.+KT.: under the
    # office's chief)
    office = commune()
    bureau = UnitFactory(organization=office.organization, name="Văn phòng - Thống kê", abbreviation="VP")
    add_member(office, Role.UNIT_LEAD, full_name="Ngô Văn Chánh", post_title="CHÁNH VĂN PHÒNG", unit=bureau)
    signer = add_member(office, role, full_name="Huỳnh Văn Ký", post_title=post, unit=bureau)
    if form not in ("direct", "TM"):
        DelegationFactory(organization=office.organization, delegate=signer, principal=office.head, form=form)
    document = make_draft(office, signer=signer, signature_form=form)

    # when its PDF is rendered and read by pdftotext
    text = layout_text(render_pdf(document).pdf)

    # then the title lines stand one per row, in order, after the body (beside "Nơi nhận"), the name below them
    (body_end,) = rows_holding(text, ["- Nâng cao chất lượng công tác truyền thông."])
    rows = rows_holding(text, [*expected, "Huỳnh Văn Ký"])
    assert body_end < rows[0]
    assert rows == sorted(set(rows))
