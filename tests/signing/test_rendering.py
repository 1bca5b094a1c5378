"""The legal layout: what the PDF says, in which order, with which fonts; title lines per signature form."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from documents import services
from organizations.models import SignatureForm
from signing.rendering import body_blocks, date_parts, render_html, render_pdf
from signing.titles import title_lines
from tests.factories import DelegationFactory, MembershipFactory, UserFactory, advance, make_draft


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _pdftotext(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_draft_pdf_holds_header_code_date_line_and_signature_block_in_order(office):
    # given a KT. draft of a plan by the Cần Giuộc office, signer the deputy, before any number
    document = make_draft(office, signer=office.deputy, signature_form=SignatureForm.KT)

    # when it is rendered to PDF and its text extracted
    rendered = render_pdf(document)
    text = _squash(_text(rendered.pdf))

    # then the parts of the legal layout come in the decree's order, number and day left blank
    org = office.organization
    expected_in_order = [
        "UBND HUYỆN CẦN GIUỘC",
        org.name.upper(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "KẾ HOẠCH",
        document.subject,
        "Căn cứ Kế hoạch số 12/KH-SGDĐT",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Nơi nhận:",
        "- Sở GD&ĐT tỉnh Long An (b/c);",
        "- Các trường trực thuộc (để thực hiện);",
        f"- Lưu: VT, {office.unit.abbreviation}.",
        "KT. TRƯỞNG PHÒNG",
        "PHÓ TRƯỞNG PHÒNG",
        office.deputy.full_name,
    ]
    positions = [text.find(part) for part in expected_in_order]
    assert -1 not in positions, [p for p, at in zip(expected_in_order, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    # the number and date lines are whole-line form fields (issue 12): their faces are read by poppler, which
    # draws annotations; pypdf's text is the page content only
    drawn = _squash(_pdftotext(rendered.pdf))
    assert re.search(rf"Số: /KH-{org.abbreviation}", drawn)
    assert re.search(r"Cần Giuộc, ngày tháng năm \d{4}", drawn)
    fields = PdfReader(io.BytesIO(rendered.pdf)).get_fields()
    assert fields["so"]["/V"] == ""
    assert fields["ngay"]["/V"] == ""
    assert "nam" not in fields
    assert rendered.page_count == 1


def test_pdf_is_a4_and_uses_one_serif_family_for_every_vietnamese_letter(office):
    # given a draft rendered to PDF
    pdf = render_pdf(make_draft(office)).pdf

    # when its page size and fonts are read
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = {
        str(font.get_object()["/BaseFont"])
        for p in reader.pages
        for font in (p["/Resources"].get("/Font") or {}).values()
    }

    # then it is A4 and every letter, ư and ơ included, comes from one Times-metric family: no fallback font
    # (Debian's fonts-liberation 1.07 lacks ư/ơ; fonts-liberation2 has them)
    assert round(float(page.mediabox.width) / 72 * 25.4) == 210
    assert round(float(page.mediabox.height) / 72 * 25.4) == 297
    assert fonts
    assert all(re.search(r"Liberation-?Serif|Times-?New-?Roman", name) for name in fonts), fonts


def test_registered_document_html_shows_number_and_date(office):
    # given a plan registered by the clerk (number and date given)
    document = advance(make_draft(office), office, to="registered")

    # when its HTML view is rendered
    html = render_html(document)

    # then the number and the decree's date parts fill the inputs
    parts = date_parts(document.issue_date)
    assert f'name="so" value="{document.number:02d}"' in html
    assert f'name="ngay" value="{parts["ngay"]}"' in html
    assert f'name="thang" value="{parts["thang"]}"' in html
    assert "TRƯỞNG PHÒNG" in html


def test_date_parts_follow_the_decree():
    # given dates with small days and months 1, 2 and above
    import datetime as dt

    # when they are split for the fields
    march = date_parts(dt.date(2019, 3, 6))
    february = date_parts(dt.date(2023, 2, 7))

    # then days get a leading zero, months only when January or February
    assert march == {"ngay": "06", "thang": "3", "nam": "2019"}
    assert february == {"ngay": "07", "thang": "02", "nam": "2023"}


def test_secret_and_urgent_marks_are_printed(office):
    # given a draft marked Mật and Hỏa tốc
    document = make_draft(office, confidentiality="mat", urgency="hoa_toc")

    # when rendered
    text = _text(render_pdf(document).pdf)

    # then both marks are on the page
    assert "MẬT" in text
    assert "HỎA TỐC" in text


def test_body_structure_drives_the_paragraph_styles():
    # given a body with I./1./a)/- paragraphs
    body = "I. MỤC TIÊU\n\n1. Mục tiêu chung\n\na) Một ý nhỏ;\n\n- Một gạch đầu dòng.\n\nĐoạn văn thường."

    # when it is split into blocks
    blocks = body_blocks(body)

    # then headings are bold and items are plain
    assert [(b.kind, b.bold) for b in blocks] == [
        ("roman", True),
        ("numbered", True),
        ("lettered", False),
        ("dashed", False),
        ("text", False),
    ]


@pytest.mark.parametrize(
    ("form", "role", "post_title", "expected"),
    [
        (SignatureForm.DIRECT, "head", "TRƯỞNG PHÒNG", ["TRƯỞNG PHÒNG"]),
        (SignatureForm.KT, "deputy", "PHÓ TRƯỞNG PHÒNG", ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]),
        (SignatureForm.Q, "deputy", "PHÓ TRƯỞNG PHÒNG", ["Q. TRƯỞNG PHÒNG"]),
        (SignatureForm.TL, "staff", "CHÁNH VĂN PHÒNG", ["TL. TRƯỞNG PHÒNG", "CHÁNH VĂN PHÒNG"]),
        (SignatureForm.TUQ, "staff", "TỔ TRƯỞNG TỔ THCS", ["TUQ. TRƯỞNG PHÒNG", "TỔ TRƯỞNG TỔ THCS"]),
    ],
)
def test_title_lines_before_signing_follow_the_signature_form(office, form, role, post_title, expected):
    # given a signer holding that post and, for a delegated form, a delegation
    signer = UserFactory(full_name="Người Ký Thử")
    MembershipFactory(user=signer, organization=office.organization, role=role, post_title=post_title)
    if form != SignatureForm.DIRECT:
        DelegationFactory(organization=office.organization, delegate=signer, principal=office.head, form=form)
    document = make_draft(office, signer=signer, signature_form=form)

    # when the draft's title lines are computed, then after it is signed
    before = title_lines(document)
    document = advance(document, office, to="awaiting_signature")
    signed = services.document_sign(document=document, actor=signer)

    # then the draft shows what the signature step freezes
    assert before == expected
    assert signed.signer_title_lines == expected
