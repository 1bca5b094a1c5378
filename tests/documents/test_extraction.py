"""Files as clerks receive them turned into the reader's lines (documents.extraction): Word lists numbered as Word
numbers them, a PDF's form fields put back on their line, and every bad file refused with a reason."""

from __future__ import annotations

import pytest

from documents.extraction import UnreadableFile, extract_text, format_number
from documents.importer import particulars_of, read_document
from tests.documents.word import plan_docx, zip_with


def test_word_lists_are_numbered_from_numbering_xml():
    # given a Word plan whose headings are list paragraphs (no number typed in the text)
    # when its text is extracted
    lines = [line for line in extract_text(plan_docx()).text.split("\n") if line]
    # then each heading carries the number Word shows: I., 1., a), -, %2.%4., II. continuing, 1) restarting
    for expected in (
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "a) Phát hiện giáo viên giỏi;",
        "b) Nhân rộng cách làm hay.",
        "2. Yêu cầu",
        "- Đúng quy chế.",
        "2.1. Chi tiết thứ nhất của yêu cầu",
        "II. NỘI DUNG",
        "1. Thi lý thuyết",
        "3) Vòng trường",
        "4) Vòng huyện",
        "1) Hồ sơ dự thi",
    ):
        assert expected in lines
    assert lines.index("I. MỤC ĐÍCH, YÊU CẦU") < lines.index("II. NỘI DUNG") < lines.index("1) Hồ sơ dự thi")


def test_a_word_plan_reads_into_every_particular():
    # given the Word plan, header and signature laid out in two-column tables
    # when it is read
    reading = read_document(extract_text(plan_docx()).text)
    # then everything it says of itself is there, every title line of "TM. / KT. / PHÓ" included
    assert reading.unread == []
    assert particulars_of(reading.plan) | {"issue_date": str(reading.plan.issue_date)} == {
        "sender": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "sender_parent": "UBND HUYỆN CẦN GIUỘC",
        "code": "45/KH-PGDĐT",
        "place_name": "Cần Giuộc",
        "issue_date": "2026-03-06",
        "doc_type": "ke_hoach",
        "subject": "Tổ chức hội thi giáo viên dạy giỏi cấp huyện năm học 2025 - 2026",
        "signer_title_lines": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        "signer_name": "Võ Trường Tam",
        "recipient_lines": ["- Sở GD&ĐT tỉnh Long An (b/c);", "- Các trường THCS (để thực hiện);", "- Lưu: VT, TH."],
    }
    # and the numbered items stay paragraphs of their own
    assert "1) Hồ sơ dự thi" in reading.plan.paragraphs


@pytest.mark.parametrize(
    ("value", "number_format", "printed"),
    [
        (4, "upperRoman", "IV"),
        (14, "lowerRoman", "xiv"),
        (3, "lowerLetter", "c"),
        (27, "lowerLetter", "aa"),
        (2, "upperLetter", "B"),
        (7, "decimalZero", "07"),
        (12, "decimal", "12"),
        (5, "none", ""),
    ],
)
def test_number_formats_as_word_prints_them(value, number_format, printed):
    assert format_number(value, number_format) == printed


def test_a_congvan_is_read_with_its_trich_yeu_under_the_number():
    # given a công văn: no type heading, "V/v …" wrapped onto a second line under its number
    text = (
        "UBND HUYỆN CẦN GIUỘC\n\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 120/PGDĐT-TH\n\nV/v tổ chức hội thi\n\n"
        "giáo viên dạy giỏi\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Cần Giuộc, ngày 02 tháng 02 năm 2026\n\nKính gửi: Hiệu trưởng các trường THCS.\n\n"
        "BÁO CÁO KẾT QUẢ phải gửi trước ngày 20/02/2026./.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n"
        "TRƯỞNG PHÒNG\n\nNGUYỄN VĂN AN\n"
    )
    # when it is read
    plan = read_document(text).plan
    # then it is a công văn with its trích yếu, and an upper-case line of its body is no type heading
    assert (plan.doc_type_code, plan.subject) == ("cong_van", "tổ chức hội thi giáo viên dạy giỏi")
    assert (plan.code, plan.organization_name) == ("120/PGDĐT-TH", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO")
    assert plan.paragraphs[0] == "Kính gửi: Hiệu trưởng các trường THCS."
    # and a name printed in capitals is the signer's, not a title line
    assert (plan.title_lines, plan.signer_name) == (["TRƯỞNG PHÒNG"], "NGUYỄN VĂN AN")


def test_what_could_not_be_read_is_listed_not_refused():
    # given a text with neither issuer, number, date, type nor Nơi nhận
    reading = read_document("Một lá thư không theo thể thức nào.\n")
    # when it is read, then nothing is refused and every particular is listed as unread
    assert reading.unread == [
        "sender",
        "sender_parent",
        "code",
        "place_name",
        "issue_date",
        "doc_type",
        "subject",
        "signer_title_lines",
        "signer_name",
        "recipient_lines",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp rỗng."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "Tệp Word cũ \\(.doc\\)"),
        (b"\xff\xd8\xff\xe0 not a document", "mã hóa UTF-8"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 40, "Không đọc được tệp PDF"),
        (b"PK\x03\x04 broken zip", "tệp nén hỏng"),
        (zip_with("word/other.xml", b"<x/>"), "không phải văn bản Word"),
        (zip_with("word/document.xml", b"<" + b"a" * 60_000_000 + b">"), "giải nén ra quá lớn"),
        (zip_with("word/document.xml", b"<w:document>not closed"), "Không đọc được tệp Word"),
        (b"plain text with a NUL \x00 byte", "không phải văn bản thuần"),
    ],
    ids=["empty", "doc", "jpeg", "pdf", "zip", "not-word", "bomb", "bad-xml", "nul"],
)
def test_bad_files_are_refused_with_a_reason(data, message):
    # given a file the reader cannot take
    # when it is extracted, then it is refused (400) with its reason in Vietnamese, never another exception
    with pytest.raises(UnreadableFile, match=message) as refused:
        extract_text(data, file_name="van-ban")
    assert refused.value.http_status == 400


def test_a_pdf_without_text_says_so(tmp_path):
    # given a PDF page with a drawing and no text (what a scan looks like to a text reader)
    from weasyprint import HTML

    pdf = HTML(string='<div style="width:50mm;height:50mm;background:#333"></div>').write_pdf()
    # when it is extracted, then the text is empty and the note asks the clerk to type the particulars
    extracted = extract_text(pdf)
    assert extracted.text == ""
    assert "không có lớp văn bản" in extracted.notes[0]
