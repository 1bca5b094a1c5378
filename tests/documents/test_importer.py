"""The plain-text plan importer: the five real seeds, and synthetic plans for what the seeds lack."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from core.errors import ValidationFailed
from documents.importer import ParsedRecipient, PlanParseError, create_draft_from_plan, parse_plan
from documents.models import Document

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip("the seed plans (../shared/seeds) are not here")
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("seed", "doc_type", "subject_start", "signer", "form", "titles", "recipients", "filing"),
    [
        (
            "000",
            "ke_hoach",
            "Truyền thông về giáo dục và đào tạo trên địa bàn huyện Cần Giuộc năm 2019",
            "Võ Trường Tam",
            "KT",
            ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"],
            3,
            "VT, TH, T/Ph.",
        ),
        ("001", "chuong_trinh", "Thực hiện Nghị quyết Đại hội", "Võ Văn Mười", "direct", ["TRƯỞNG PHÒNG"], 11, "VT."),
        (
            "002",
            "ke_hoach",
            "Thực hiện công tác truyền thông về giáo dục và đào tạo năm học 2022 - 2023",
            "Nguyễn Văn Đồng Tiến",
            "direct",
            ["HIỆU TRƯỞNG"],
            4,
            "VT.",
        ),
        (
            "003",
            "ke_hoach",
            "Truyền thông Chương trình mục tiêu quốc gia",
            "La Thị Thúy",
            "direct",
            ["GIÁM ĐỐC"],
            4,
            "VT, KHTC.",
        ),
        (
            "004",
            "ke_hoach",
            "Triển khai thực hiện Kế hoạch số 1148/KH-UBND",
            "Nguyễn Vương Hùng",
            "KT",
            ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"],
            2,
            "VT, CM -THCS.",
        ),
    ],
)
def test_each_seed_parses_into_its_fields(seed, doc_type, subject_start, signer, form, titles, recipients, filing):
    # given one of the five real plans, as exported, mess included
    text = _seed(seed)

    # when it is parsed
    plan = parse_plan(text)

    # then type, trích yếu, signer, signature form, title lines, Nơi nhận and Lưu come out right
    assert plan.doc_type_code == doc_type
    assert plan.subject.startswith(subject_start)
    assert plan.signer_name == signer
    assert plan.signature_form == form
    assert plan.title_lines == titles
    assert len(plan.recipients) == recipients
    assert plan.filing_line == filing
    assert "**" not in plan.body
    assert "*Thuc*" not in plan.body
    assert plan.body.rstrip().endswith("./.")


def test_seed_000_header_bases_scribble_and_page_break():
    # given the Cần Giuộc plan: dated, two căn cứ, a page break mid-sentence, a scribble after "./."
    plan = parse_plan(_seed("000"))

    # then the date line, the căn cứ, the rejoined sentence and the clean ending are there
    assert (plan.place_name, plan.issue_date) == ("Cần Giuộc", dt.date(2019, 3, 6))
    assert plan.code == ""
    assert len(plan.legal_bases) == 2
    assert plan.legal_bases[0].startswith("Căn cứ Kế hoạch số 3370/KH-UBND ngày 30/8/2016")
    assert plan.legal_bases[1].startswith("Căn cứ Kế hoạch số 491/KH-SGDDT ngày 04/03/2019")
    assert "có sự phối hợp chặt chẽ, hiệu quả, thân thiện" in plan.body
    assert plan.paragraphs[0].startswith("Phòng GD&ĐT xây dựng Kế hoạch")
    assert plan.paragraphs[-1].endswith("xem xét, quyết định./.")
    assert plan.recipients[0] == ParsedRecipient("Sở GD&ĐT tỉnh Long An", "")
    assert plan.recipients[2].display_name == "Các đơn vị, trường học trực thuộc"


def test_seed_004_is_a_draft_with_blank_number_and_date_and_a_glued_kt():
    # given the Phong Thổ draft ("Số: /KH-PGDĐT", "ngày tháng năm 2020", "KT.TRƯỞNG PHÒNG")
    plan = parse_plan(_seed("004"))

    # then the number and day are blank, the code and year kept, KT. normalised, page breaks rejoined
    assert plan.number is None
    assert plan.code == "/KH-PGDĐT"
    assert (plan.type_abbreviation, plan.organization_abbreviation) == ("KH", "PGDĐT")
    assert (plan.place_name, plan.issue_date, plan.year) == ("Phong Thổ", None, 2020)
    assert plan.legal_bases == []
    assert "Phòng Lao động - Thương binh và Xã hội, các lực lượng vũ trang" in plan.body
    assert "kỹ năng phòng, tránh tai nạn thương tích" in plan.body


def test_seed_purposes_and_a_basis_glued_to_the_preamble():
    # given the school plan ("PGDĐT (b/c)") and the Sở plan ("(để biết)", căn cứ glued to "như sau:")
    school, department = parse_plan(_seed("002")), parse_plan(_seed("003"))

    # then purposes are read off the lines, and the glued preamble goes back to the body
    assert school.recipients[0] == ParsedRecipient("PGDĐT", "report")
    assert school.recipients[1] == ParsedRecipient("Ban Giám Hiệu", "")
    assert ParsedRecipient("Ban Giám đốc", "inform") in department.recipients
    assert department.legal_bases[1].endswith("năm 2023.")
    assert department.paragraphs[0] == "Sở Giáo dục và Đào tạo xây dựng kế hoạch thực hiện, cụ thể như sau:"
    assert department.issue_date == dt.date(2023, 2, 7)


SYNTHETIC = """\
UBND HUYỆN X                      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
**PHÒNG GIÁO DỤC VÀ ĐÀO TẠO**         Độc lập - Tự do - Hạnh phúc
-------------                     -------------------------------
Số: 12/KH-PGDĐT                   Huyện X, ngày 05 tháng 01 năm 2026
KHẨN

KẾ HOẠCH

Tổ chức hội thi giáo viên dạy giỏi cấp huyện

năm học 2025 - 2026

Căn cứ Kế hoạch số 7/KH-SGDĐT ngày 02/01/2026 của Sở Giáo dục và Đào tạo;

Phòng Giáo dục và Đào tạo xây dựng kế hoạch như sau:

I. MỤC ĐÍCH

1. Phát hiện và bồi dưỡng

- Giáo viên có năng lực được ghi nhận và nhân rộng cách làm

hay trong toàn huyện.

II. TỔ CHỨC THỰC HIỆN

a) Các trường đăng ký trước ngày 20/01/2026./.*Ky*

**Nơi nhận:**
- Sở GD&ĐT (b/c);
  - UBND huyện (để biết);
- Các trường THCS (để thực hiện);
- Lưu: VT, CM.

{signature}
"""


@pytest.mark.parametrize(
    ("signature", "form", "titles"),
    [
        ("Q. TRƯỞNG PHÒNG\n\nTrần Văn Quyền", "Q", ["Q. TRƯỞNG PHÒNG"]),
        (
            "TL. TRƯỞNG PHÒNG\nTỔ TRƯỞNG TỔ HÀNH CHÍNH\n\nLê Thị Lệnh",
            "TL",
            ["TL. TRƯỞNG PHÒNG", "TỔ TRƯỞNG TỔ HÀNH CHÍNH"],
        ),
        (
            "TUQ.TRƯỞNG PHÒNG\nTỔ TRƯỞNG TỔ THCS\n(Đã ký)\nPhạm Văn Ủy",
            "TUQ",
            ["TUQ. TRƯỞNG PHÒNG", "TỔ TRƯỞNG TỔ THCS"],
        ),
        ("**KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG**\n\nĐỗ Thị Phó", "KT", ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]),
    ],
)
def test_synthetic_plan_with_full_header_and_each_delegated_form(signature, form, titles):
    # given a plan with the two-column header, a numbered code, urgency and a delegated signature
    text = SYNTHETIC.format(signature=signature)

    # when it is parsed
    plan = parse_plan(text)

    # then every field is where it belongs
    assert (plan.parent_line_name, plan.organization_name) == ("UBND HUYỆN X", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO")
    assert (plan.number, plan.code) == (12, "12/KH-PGDĐT")
    assert (plan.place_name, plan.issue_date) == ("Huyện X", dt.date(2026, 1, 5))
    assert plan.urgency == "khan"
    assert plan.subject == "Tổ chức hội thi giáo viên dạy giỏi cấp huyện năm học 2025 - 2026"
    assert plan.legal_bases == ["Căn cứ Kế hoạch số 7/KH-SGDĐT ngày 02/01/2026 của Sở Giáo dục và Đào tạo;"]
    assert plan.paragraphs == [
        "Phòng Giáo dục và Đào tạo xây dựng kế hoạch như sau:",
        "I. MỤC ĐÍCH",
        "1. Phát hiện và bồi dưỡng",
        "- Giáo viên có năng lực được ghi nhận và nhân rộng cách làm hay trong toàn huyện.",
        "II. TỔ CHỨC THỰC HIỆN",
        "a) Các trường đăng ký trước ngày 20/01/2026./.",
    ]
    assert plan.recipients == [
        ParsedRecipient("Sở GD&ĐT", "report"),
        ParsedRecipient("UBND huyện", "inform"),
        ParsedRecipient("Các trường THCS", "execute"),
    ]
    assert plan.filing_line == "VT, CM."
    assert plan.signature_form == form
    assert plan.title_lines == titles
    assert plan.signer_name == signature.splitlines()[-1]


def test_text_without_a_type_or_recipients_is_refused_with_a_reason():
    # given texts missing the type name, then the Nơi nhận block
    # when parsed, then each is refused saying what is missing
    with pytest.raises(PlanParseError, match="tên loại"):
        parse_plan("Một đoạn văn không phải kế hoạch.")
    with pytest.raises(PlanParseError, match="Nơi nhận"):
        parse_plan("KẾ HOẠCH\n\nTrích yếu\n\nNội dung.")


def test_import_creates_a_draft_through_the_service_with_the_signer_matched(office):
    # given the Cần Giuộc seed and an office whose deputy is its signer
    office.deputy.full_name = "Võ Trường Tam"
    office.deputy.save(update_fields=["full_name"])
    plan = parse_plan(_seed("000"))

    # when a draft is created from it
    document = create_draft_from_plan(plan=plan, organization=office.organization, drafter=office.drafter)

    # then the draft carries the plan's fields, unnumbered, with the deputy signing KT.
    assert document.status == "draft"
    assert document.number is None
    assert document.doc_type.code == "ke_hoach"
    assert document.subject == plan.subject
    assert document.legal_bases == plan.legal_bases
    assert document.signer == office.deputy
    assert document.signature_form == "KT"
    assert document.filing_line == "VT, TH, T/Ph."
    assert document.place_name == "Cần Giuộc"
    assert document.recipients.count() == 3
    assert document.current_version is not None


def test_import_plan_command_by_abbreviation(office, tmp_path):
    # given a seed file, the office's abbreviation and the drafter's username
    path = tmp_path / "ke-hoach.txt"
    path.write_text(_seed("003"), encoding="utf-8")
    out = StringIO()

    # when the command runs
    call_command(
        "import_plan",
        str(path),
        organization=office.organization.abbreviation,
        drafter=office.drafter.username,
        stdout=out,
    )

    # then one draft exists and the summary says what was read; an unknown drafter is refused
    document = Document.objects.get(drafter=office.drafter)
    assert document.subject.startswith("Truyền thông Chương trình mục tiêu quốc gia")
    assert "Nơi nhận: 4 dòng; Lưu: VT, KHTC." in out.getvalue()
    assert "Chưa khớp được người ký" in out.getvalue()
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("import_plan", str(path), organization=office.organization.abbreviation, drafter="khong-co")


SMALL = (
    "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO\n{place}, ngày {day} tháng 01 năm 2026\n\nKẾ HOẠCH\n\n"
    "Tổ chức ngày hội đọc sách năm 2026\n\nI. MỤC ĐÍCH\n\n- Khuyến khích học sinh đọc sách.\n\n"
    "Nơi nhận:\n- {recipient} (để thực hiện);\n- Lưu: {filing}\n\nTRƯỞNG PHÒNG\n\nVõ Văn Trưởng\n"
)


def small_plan(*, place: str = "Huyện X", day: str = "05", recipient: str = "Các trường", filing: str = "VT.") -> str:
    return SMALL.format(place=place, day=day, recipient=recipient, filing=filing)


def test_a_small_plan_parses():
    plan = parse_plan(small_plan())
    assert (plan.place_name, plan.filing_line, plan.recipients) == (
        "Huyện X",
        "VT.",
        [ParsedRecipient("Các trường", "execute")],
    )


def test_a_nul_byte_or_an_impossible_date_is_a_parse_error_not_a_crash():
    # given texts with a NUL byte, and a date that does not exist
    # when parsed, then each is refused with a reason
    with pytest.raises(PlanParseError, match="NUL"):
        parse_plan(small_plan(recipient="Các trường\x00"))
    with pytest.raises(PlanParseError, match="Ngày ban hành"):
        parse_plan(small_plan(day="31").replace("tháng 01", "tháng 02"))


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("place_name", small_plan(place="Huyện " + "X" * 120)),
        ("filing_line", small_plan(filing="VT, " + "TH, " * 40)),
        ("recipients", small_plan(recipient="Trường " * 50)),
    ],
    ids=["place", "filing", "recipient"],
)
def test_over_long_lines_are_refused_naming_the_field_and_nothing_is_written(office, field, text):
    # given a plan with one line longer than its column
    plan = parse_plan(text)

    # when a draft is made from it
    with pytest.raises(ValidationFailed) as refused:
        create_draft_from_plan(plan=plan, organization=office.organization, drafter=office.drafter)

    # then the refusal names the field, in Vietnamese, and nothing is written
    assert refused.value.details["field"] == field
    assert "Dài quá" in refused.value.message
    assert not Document.objects.exists()


def test_the_import_page_shows_the_refusal_and_writes_nothing(client, office):
    # given the drafter uploads a plan whose recipient line is too long for its column
    client.force_login(office.drafter)
    upload = SimpleUploadedFile("ke-hoach.txt", small_plan(recipient="Trường " * 50).encode())

    # when it is posted
    response = client.post("/import/", {"organization": office.organization.pk, "file": upload})

    # then the page answers with the reason and no document exists
    assert response.status_code == 400  # the form again, as every refused form (tests/test_bad_input_forms.py)
    assert "Nơi nhận: Dòng 1: Dài quá 255 ký tự." in response.content.decode()
    assert not Document.objects.exists()
