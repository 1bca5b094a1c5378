"""How one document cites another, as the seeds write it: the issuer's full name, "Kế hoạch số 106/KH-SGDĐT ngày
26 tháng 9 năm 2022 của …", and the căn cứ line (documents.services.links, documents.selectors)."""

from __future__ import annotations

import re

from documents.dates import format_vn_date
from documents.limits import LEGAL_BASIS_MAX
from documents.models import Document
from organizations.models import Organization

# The administrative level that opens a place name in a header ("UBND TỈNH ĐỒNG THÁP" → "tỉnh Đồng Tháp").
LEVELS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "phường", "xã")
LOCAL_GOVERNMENT = re.compile(r"^(UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+", re.IGNORECASE)
# A trích yếu written as a công văn's ("V/v …", "Về việc …") loses that head after "về việc".
ABOUT = re.compile(r"^(v/v|về việc)\s+", re.IGNORECASE)


def _place_of(parent_line_name: str) -> tuple[str, str]:
    """ "UBND HUYỆN TÂN HỒNG" → ("huyện", "Tân Hồng"); ("", "") when the line is not a local government's."""
    match = LOCAL_GOVERNMENT.match(parent_line_name.strip())
    if not match:
        return "", ""
    place = parent_line_name.strip()[match.end() :].strip().lower()
    level = next((level for level in LEVELS if place.startswith(level + " ")), "")
    return level, place[len(level) :].strip().title()


def issuer_name(organization: Organization) -> str:
    """The organization's full name as a căn cứ line writes it: "Sở Giáo dục và Đào tạo tỉnh Đồng Tháp".

    The directory's name when it already says where, or when the body is not under a local government; else
    the name followed by the place of its parent line ("UBND TỈNH ĐỒNG THÁP" → "tỉnh Đồng Tháp")."""
    name = organization.name.strip()
    level, place = _place_of(organization.parent_line_name or "")
    already_said = [word.lower() for word in (place, organization.place_name.strip()) if word]
    if not place or any(word in name.lower() for word in already_said):
        return name
    return f"{name} {level} {place}".replace("  ", " ")


def citation(document: Document) -> str:
    """ "Kế hoạch số 106/KH-SGDĐT ngày 26 tháng 9 năm 2022 của Sở Giáo dục và Đào tạo tỉnh Đồng Tháp"."""
    return (
        f"{document.doc_type.name} số {document.code} {format_vn_date(document.issue_date)} "
        f"của {issuer_name(document.organization)}"
    )


def basis_line(document: Document) -> str:
    """The căn cứ line, as seed 002 writes it (a line of `legal_bases` ends with ";", like the seeds'):
    "Căn cứ Kế hoạch số 106/KH-SGDĐT ngày 26 tháng 9 năm 2022 của Sở Giáo dục và Đào tạo tỉnh Đồng Tháp về việc
    Thực hiện công tác truyền thông …;". The subject is kept as written, its own "V/v" or "Về việc" dropped."""
    subject = ABOUT.sub("", document.subject.strip()).rstrip(" .;,")
    line = f"Căn cứ {citation(document)} về việc {subject};"
    return line if len(line) <= LEGAL_BASIS_MAX else line[: LEGAL_BASIS_MAX - 2].rstrip() + "…;"
