"""Golden text: a plan imported and rendered reads, under poppler's `pdftotext`, as the source was written.

Each seed (and synthetic plans for what the seeds lack) goes through the importer and `render_pdf`; the PDF's text
carries the source's lines in order — header, number line, date line, type (whole), trích yếu, căn cứ, body
(asterisks removed), "Nơi nhận" as written, title lines, name. Compared without whitespace, so a line break
inside a paragraph does not count; the breaks that matter (codes, year ranges) have tests of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from documents import emphasis
from documents.importer import ParsedPlan, import_draft, parse_plan
from documents.models import Document
from signing.layout_worker import GAP_MM
from signing.rendering import body_blocks, render_html, render_pdf
from tests.factories import Office, make_office
from tests.signing.pdftext import pages_with_boxes, pdftotext

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class SeedOffice:
    parent_line_name: str
    name: str
    abbreviation: str
    place_name: str
    head_title: str


SEED_OFFICES = {
    "000": SeedOffice("UBND HUYỆN CẦN GIUỘC", "Phòng Giáo dục và Đào tạo", "PGDĐT", "Cần Giuộc", "TRƯỞNG PHÒNG"),
    "001": SeedOffice("UBND HUYỆN THỦ THỪA", "Phòng Giáo dục và Đào tạo", "PGDĐT", "Thủ Thừa", "TRƯỞNG PHÒNG"),
    "002": SeedOffice("PHÒNG GD&ĐT TÂN HỒNG", "Trường THCS Nguyễn Du", "THCSND", "Tân Hồng", "HIỆU TRƯỞNG"),
    "003": SeedOffice("UBND TỈNH BẾN TRE", "Sở Giáo dục và Đào tạo", "SGDĐT", "Bến Tre", "GIÁM ĐỐC"),
    "004": SeedOffice("UBND HUYỆN PHONG THỔ", "Phòng Giáo dục và Đào tạo", "PGDĐT", "Phong Thổ", "TRƯỞNG PHÒNG"),
}


def _bare(text: str) -> str:
    """No whitespace at all (NBSP included), NFC: a paragraph compares equal however it was broken into lines."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text.replace("\u00a0", " ")))


def _in_order(text: str, parts: Sequence[str], *, start: int = 0) -> int:
    """Each part found after the previous one; returns where the last one ends. Fails naming the missing part."""
    bare, position = _bare(text), start
    for part in parts:
        found = bare.find(_bare(part), position)
        assert found != -1, f"not found in order: {part[:120]!r}"
        position = found + len(_bare(part))
    return position


def _office_for(prefix: str) -> Office:
    seed = SEED_OFFICES[prefix]
    return make_office(
        parent_line_name=seed.parent_line_name,
        name=seed.name,
        abbreviation=seed.abbreviation,
        place_name=seed.place_name,
        head_title=seed.head_title,
    )


def _imported(office: Office, plan: ParsedPlan) -> Document:
    """The plan as a draft of `office`, its signer the office's leader who bears the name the plan prints."""
    signer = office.deputy if plan.signature_form == "KT" else office.head
    signer.full_name = plan.signer_name
    signer.save(update_fields=["full_name"])
    return import_draft(plan=plan, organization=office.organization, drafter=office.drafter)[0]


def _text_of(pdf: bytes) -> str:
    """The document's text, without the page numbers at the head of pages 2… (they cut paragraphs in two)."""
    return "\n".join(re.sub(r"^\s*\d+\s*\n", "", page, count=1) for page in pdftotext(pdf))


def _recipient_line(line: str) -> str:
    """A "Nơi nhận" line as the source wrote it, without its list dash and closing mark."""
    return line.strip().lstrip("-+• ").rstrip(" ;.").strip()


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_each_seed_renders_its_lines_in_order(prefix: str, seed_text: Callable[[str], str]) -> None:
    # given a seed plan imported as a draft of an office like its issuer
    plan = parse_plan(seed_text(prefix))
    office = _office_for(prefix)
    document = _imported(office, plan)

    # when it is rendered to the PDF the signer signs
    text = _text_of(render_pdf(document).pdf)

    # then each header column reads in order (poppler may read either column first), then the type whole, the
    # trích yếu, the căn cứ and every paragraph of the body (its emphasis marks gone) in the source's order
    organization = office.organization
    left = _in_order(
        text,
        [
            organization.parent_line_name.upper(),
            organization.name.upper(),
            "Số:",
            f"/{plan.type_abbreviation or document.doc_type.abbreviation}-{organization.abbreviation}",
        ],
    )
    right = _in_order(text, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f"{organization.place_name}, ngày", "tháng", "năm"])
    after_body = _in_order(
        text,
        [
            plan.type_heading,
            plan.subject,
            *plan.legal_bases,
            *(emphasis.plain(paragraph) for paragraph in plan.paragraphs),
        ],
        start=max(left, right),
    )
    assert "*" not in text
    # and after the body, "Nơi nhận" as written (purposes included), the filing line, the title lines, the name
    listed = [_recipient_line(line) for line in plan.recipient_lines if not re.match(r"^-?\s*Lưu", line)]
    _in_order(text, ["Nơi nhận:", *listed, f"Lưu: {plan.filing_line}".rstrip(".")], start=after_body)
    _in_order(text, [*plan.title_lines, plan.signer_name], start=after_body)


def test_seed_001_type_name_is_printed_whole_and_kept_on_the_draft(seed_text: Callable[[str], str]) -> None:
    # given the Thủ Thừa action programme, a Chương trình whose heading says more than its type
    plan = parse_plan(seed_text("001"))

    # when it is imported and rendered
    document = _imported(_office_for("001"), plan)
    text = "\n".join(pdftotext(render_pdf(document).pdf))

    # then the draft keeps the printed name and the page prints it whole, on one line
    assert document.doc_type.code == "chuong_trinh"
    assert document.type_title == "CHƯƠNG TRÌNH HÀNH ĐỘNG"
    assert "CHƯƠNG TRÌNH HÀNH ĐỘNG" in text.splitlines()


def test_seed_purposes_print_as_written(seed_text: Callable[[str], str]) -> None:
    # given the school's plan ("PGDĐT (b/c)") and the Sở's ("Ban Giám đốc (để biết)"), and a line written "(để b/c)"
    school = _imported(_office_for("002"), parse_plan(seed_text("002")))
    department_plan = parse_plan(seed_text("003").replace("- VPDPCTXDNTM tỉnh;", "- VPDPCTXDNTM tỉnh (để b/c);"))
    department = _imported(_office_for("003"), department_plan)

    # when both are rendered
    school_text = "\n".join(pdftotext(render_pdf(school).pdf))
    department_text = "\n".join(pdftotext(render_pdf(department).pdf))

    # then each purpose prints as it was written, "(để b/c)" not rewritten "(b/c)"
    assert "- PGDĐT (b/c);" in school_text
    assert "- Ban Giám đốc (để biết);" in department_text
    assert "- VPDPCTXDNTM tỉnh (để b/c);" in department_text
    first = department.recipients.order_by("position").first()
    assert (first.purpose, first.purpose_text, first.printed_line) == ("report", "để b/c", "VPDPCTXDNTM tỉnh (để b/c)")


def test_an_imported_plans_own_number_and_date_are_kept_on_the_draft(seed_text: Callable[[str], str]) -> None:
    # given the Cần Giuộc plan (dated 06/3/2019) with a number line written into its header
    text = seed_text("000").replace("Cần Giuộc, ngày 06", "Số: 45/KH-PGDĐT\n\nCần Giuộc, ngày 06", 1)
    plan = parse_plan(text)

    # when it is imported
    document = _imported(_office_for("000"), plan)

    # then its number and date are not this draft's, but what the text said of them is kept for the drafter
    assert (document.number, document.issue_date) == (None, None)
    assert document.source_code == "45/KH-PGDĐT"
    assert document.source_date_line == "Cần Giuộc, ngày 06 tháng 3 năm 2019"


SYNTHETIC = """UBND HUYỆN CẦN GIUỘC          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO         Độc lập - Tự do - Hạnh phúc

Số: 12/KH-PGDĐT                Cần Giuộc, ngày 06 tháng 3 năm 2024

KẾ HOẠCH

Tổ chức hội thi giáo viên dạy giỏi cấp huyện cho các trường trung học cơ sở trên địa bàn năm học 2023 - 2024

Căn cứ Chỉ thị số 11-CT/TW ngày 13/4/2007 của Bộ Chính trị;

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

- Tuyên truyền *“Mỗi thầy, cô giáo là một tấm gương”* trong toàn ngành.

2. Yêu cầu

- Thực hiện **đúng thời hạn** theo Quyết định số 1696/QĐ-BGDĐT; không ghi <b>thẻ</b> & ký hiệu lạ.

II. NỘI DUNG

1. Hội thi được tổ chức theo Quyết định số 1420/QĐ-BGDĐT ngày 14/5/2020 của Bộ.

2. Các trường cử giáo viên dự thi theo Chỉ thị số 05-CT/TW của Bộ Chính trị.

3. Kinh phí thực hiện theo Thông tư số 36/2018/TT-BTC và các văn bản hướng dẫn hiện hành; mỗi trường tự cân đối kinh phí
của mình cho các giáo viên tham dự

4. Tổng kết hội thi trước ngày 30/5/2024.

**III. TỔ CHỨC THỰC HIỆN**

a) Tổ chuyên môn chủ trì;

b) Các trường phối hợp.

Nơi nhận:
- Sở GD&ĐT tỉnh Long An (để b/c);
- UBND huyện (b/c);
- Các trường THCS (để thực hiện);
- Lưu: VT, TH.

TRƯỞNG PHÒNG

Võ Văn Trưởng
"""


def test_synthetic_plan_headings_follow_their_level_and_emphasis_prints(office: Office) -> None:
    # given a plan with headings at each level, asterisk emphasis and markup-looking text
    plan = parse_plan(SYNTHETIC)

    # when its body is split into blocks and rendered
    blocks = body_blocks(plan.body)
    html = render_html(_imported(office, plan), filled=False, for_pdf=True)

    # then I. and the "1. Mục đích" run are bold, the run of numbered paragraphs of II. plain (one of them has no
    # full stop: siblings weigh alike, not by their own length or ending), a) and - plain, a source's bold heading bold
    assert [(b.kind, b.bold) for b in blocks] == [
        ("roman", True),
        ("numbered", True),
        ("dashed", False),
        ("numbered", True),
        ("dashed", False),
        ("roman", True),
        ("numbered", False),
        ("numbered", False),
        ("numbered", False),
        ("numbered", False),
        ("roman", True),
        ("lettered", False),
        ("lettered", False),
    ]
    # and the marks became <i>/<b> built from escaped text: the source's own "<b>" stays text
    assert "<i>“Mỗi thầy, cô giáo là một tấm gương”</i>" in html
    assert "<b>đúng thời hạn</b>" in html
    assert "không ghi &lt;b&gt;thẻ&lt;/b&gt; &amp; ký hiệu lạ" in html
    assert "**" not in html
    assert "*“" not in html


def test_seed_001_section_iii_items_are_all_bold_alike(seed_text: Callable[[str], str]) -> None:
    # given seed 001, whose §III items 1–5 are headings of unequal length (3 and 5 the longest)
    plan = parse_plan(seed_text("001"))

    # when its body is split into blocks
    blocks = body_blocks(plan.body)

    # then every numbered item of §III is bold, and every lettered item under them plain
    start = next(i for i, b in enumerate(blocks) if b.text.startswith("III."))
    end = next(i for i, b in enumerate(blocks) if b.text.startswith("IV."))
    numbered = [b for b in blocks[start:end] if b.kind == "numbered"]
    assert [b.text.split(" ", 1)[0] for b in numbered] == ["1.", "2.", "3.", "4.", "5."]
    assert all(b.bold for b in numbered)
    assert not any(b.bold for b in blocks[start:end] if b.kind == "lettered")


def _codes_paragraphs() -> str:
    """Paragraphs dense with codes, dates and year ranges, each one word longer than the last, so that every kind
    of them meets the end of a line somewhere."""
    lead = "Tiếp tục triển khai thực hiện nghiêm túc và có hiệu quả các nội dung"
    words = re.findall(r"\S+", lead)
    paragraphs = []
    for n in range(1, len(words) + 1):
        lead = " ".join(words[:n])
        paragraphs.append(
            f"{lead} Chỉ thị số 11-CT/TW, Quyết định số 1696/QĐ-BGDĐT, Kế hoạch số 333-KH/TU, Thông tư số "
            f"30/2020/NĐ-CP ngày 05/3/2020 và Kế hoạch số 1198/KH-SGDĐT trong năm học 2022 - 2023 của ngành."
        )
    return "\n\n".join(paragraphs)


def test_codes_and_year_ranges_never_break_across_lines(office: Office) -> None:
    # given a plan whose body holds codes and year ranges at every offset of a line, and a trích yếu ending in one
    text = SYNTHETIC.replace("a) Tổ chuyên môn chủ trì;", _codes_paragraphs())
    document = _imported(office, parse_plan(text))

    # when it is rendered and read back line by line
    lines = [line.strip() for page in pdftotext(render_pdf(document).pdf, layout=True) for line in page.splitlines()]

    # then no line ends inside a code ("QĐ-", "CT/", "KH-") and no year range leaves "- 2023" alone on a line
    assert not [line for line in lines if re.search(r"(QĐ-|CT/|-CT|KH-|KH/|NĐ-|/\d+/?|\d{4} [-–])$", line)]
    assert not [line for line in lines if re.match(r"^[-–] ?\d{4}\b|^(CT/)?TW\b|^BGDĐT\b", line)]
    # and each paragraph is still there, whole
    _in_order("\n".join(lines), _codes_paragraphs().split("\n\n"))


def _plan_with(paragraph_count: int) -> str:
    body = "\n\n".join(
        f"{n}. Các trường thực hiện nội dung thứ {n} của kế hoạch: rà soát, tổng hợp và báo cáo kết quả về Phòng "
        f"Giáo dục và Đào tạo đúng thời hạn, đầy đủ thông tin theo mẫu đã hướng dẫn tại Công văn số {n}/PGDĐT-TH."
        for n in range(1, paragraph_count + 1)
    )
    closing = (
        "Trên đây là kế hoạch của Phòng Giáo dục và Đào tạo; đề nghị các trường nghiêm túc triển khai thực hiện, "
        "trong quá trình thực hiện nếu có khó khăn, vướng mắc kịp thời báo cáo về Phòng để được hướng dẫn./."
    )
    head, _, tail = SYNTHETIC.partition("I. MỤC ĐÍCH, YÊU CẦU")
    return head + "I. NỘI DUNG\n\n" + body + "\n\n" + closing + "\n\nNơi nhận:" + tail.partition("Nơi nhận:")[2]


LONG_LIST = "".join(f"- Trường THCS số {n} (để thực hiện);\n" for n in range(1, 13))


def test_the_signature_block_takes_the_last_lines_of_the_body_with_it_and_leaves_no_gap(office: Office) -> None:
    # given plans with a long "Nơi nhận" list whose body ends lower and lower on page 2, past the point where the
    # signature block no longer fits under it (with the whole block kept in one piece, 17–18 paragraphs left
    # page 2 at 62–70 % and a gap of 76–96 mm)
    for count in range(14, 22):
        text = _plan_with(count).replace("- Các trường THCS (để thực hiện);\n", LONG_LIST)
        pages = pages_with_boxes(render_pdf(_imported(office, parse_plan(text))).pdf)
        signature_page = next(i for i, page in enumerate(pages) if any(w[2] == "Nơi" for w in page.words))

        # then no page but the last is left less than about two thirds full
        assert all(page.fill >= 2 / 3 for page in pages[:-1]), (count, [round(page.fill, 2) for page in pages])
        # and a signature block pushed onto a new page takes the body's last lines with it (under the page number)
        if signature_page > 0:
            first = pages[signature_page].first_words(4, below_mm=25)
            assert first, count
            assert "Nơi" not in first, (count, first)
            # and leaves no gap at the foot of the page before it (glyph boxes end a little above line boxes)
            assert pages[signature_page - 1].gap_mm <= GAP_MM + 3, (count, round(pages[signature_page - 1].gap_mm))


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_pages_are_full_and_the_signature_page_starts_with_body(
    prefix: str, seed_text: Callable[[str], str]
) -> None:
    # given a seed imported and rendered
    plan = parse_plan(seed_text(prefix))
    pages = pages_with_boxes(render_pdf(_imported(_office_for(prefix), plan)).pdf)

    # then every page but the last is at least about two thirds full
    assert all(page.fill >= 2 / 3 for page in pages[:-1]), [round(page.fill, 2) for page in pages]
    # and the page with the signature block has body text above "Nơi nhận", and the page before it no gap at its
    # foot (seed 003 left 58 mm there before the page flow set its lines a little tighter)
    index = next(i for i, p in enumerate(pages) if any(w[2] == "Nơi" for w in p.words))
    page = pages[index]
    if index > 0:
        assert pages[index - 1].gap_mm <= GAP_MM + 3, round(pages[index - 1].gap_mm)
    nơi = min(w[0] for w in page.words if w[2] == "Nơi")
    assert [w for w in page.words if 25 * 72 / 25.4 < w[0] < nơi]
