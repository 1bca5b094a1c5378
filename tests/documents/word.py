"""A Word document as an office drafts one, made with python-docx: the two header columns and the Nơi nhận /
signature block as borderless tables, and the body's headings numbered by Word's lists (numbering.xml), not typed:
"I." upper Roman, "1." decimal, "a)" lower letter, "-" bullets, with a second numbering instance that restarts."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml import parse_xml

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

ABSTRACT_LISTS = f"""
<w:abstractNum {W} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/>
    <w:suff w:val="space"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%4."/></w:lvl>
</w:abstractNum>
<w:abstractNum {W} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
</w:abstractNum>
<w:abstractNum {W} w:abstractNumId="92">
  <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1)"/></w:lvl>
</w:abstractNum>
"""
INSTANCES = f"""
<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>
<w:num {W} w:numId="91"><w:abstractNumId w:val="91"/></w:num>
<w:num {W} w:numId="92"><w:abstractNumId w:val="92"/></w:num>
<w:num {W} w:numId="93"><w:abstractNumId w:val="92"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num {W} w:numId="94"><w:abstractNumId w:val="90"/></w:num>
"""


def _numbered(paragraph, num_id: int, level: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _two_columns(document, left: list[str], right: list[str]) -> None:
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def plan_docx(
    *,
    parent: str = "UBND HUYỆN CẦN GIUỘC",
    organization: str = "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
    code: str = "Số: 45/KH-PGDĐT",
    place_date: str = "Cần Giuộc, ngày 06 tháng 3 năm 2026",
    titles: tuple[str, ...] = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    signer: str = "Võ Trường Tam",
) -> bytes:
    """A KẾ HOẠCH with numbered headings: I. / 1. / a) / - / 1.1. , two lists of "3)" (the second restarts at 1),
    and a second instance of the heading list that goes on from the first (II. after I.)."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    for element in parse_xml(f"<w:x {W}>{ABSTRACT_LISTS}</w:x>"):
        first_num.addprevious(element)
    for element in parse_xml(f"<w:x {W}>{INSTANCES}</w:x>"):
        numbering.append(element)

    _two_columns(
        document,
        [parent, organization, "―――――", code],
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", place_date],
    )
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Tổ chức hội thi giáo viên dạy giỏi cấp huyện")
    document.add_paragraph("năm học 2025 - 2026")
    document.add_paragraph("Căn cứ Kế hoạch số 7/KH-SGDĐT ngày 02/01/2026 của Sở Giáo dục và Đào tạo;")
    for text, num_id, level in (
        ("MỤC ĐÍCH, YÊU CẦU", 90, 0),
        ("Mục đích", 90, 1),
        ("Phát hiện giáo viên giỏi;", 90, 2),
        ("Nhân rộng cách làm hay.", 90, 2),
        ("Yêu cầu", 90, 1),
        ("Đúng quy chế.", 91, 0),
        ("Chi tiết thứ nhất của yêu cầu", 90, 3),
        ("NỘI DUNG", 94, 0),
        ("Thi lý thuyết", 94, 1),
        ("Vòng trường", 92, 0),
        ("Vòng huyện", 92, 0),
        ("Hồ sơ dự thi", 93, 0),
    ):
        _numbered(document.add_paragraph(text), num_id, level)
    document.add_paragraph("Trên đây là kế hoạch tổ chức hội thi./.")
    _two_columns(
        document,
        ["Nơi nhận:", "- Sở GD&ĐT tỉnh Long An (b/c);", "- Các trường THCS (để thực hiện);", "- Lưu: VT, TH."],
        [*titles, "(Đã ký)", "", signer],
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_with(member: str, data: bytes) -> bytes:
    """A zip holding one member beside [Content_Types].xml: a broken or hostile "docx"."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, data)
    return out.getvalue()
