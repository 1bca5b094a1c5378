"""What an uploaded file is, from its bytes: the five kinds a document may carry (PDF, DOCX, XLSX, PNG, JPEG).

The name and the browser's Content-Type are never trusted: an .exe renamed .pdf starts with "MZ" and is refused.
Each kind is also opened far enough to know it is whole and readable by the people who will download it:

* PDF: pyHanko parses the cross-reference table; an encrypted PDF (a password) is refused.
* DOCX / XLSX: a zip whose [Content_Types].xml names the main part of a Word document or an Excel workbook, and
  that part is present; refused before any XML is read when it would unpack into far more than it weighs (a zip
  bomb), when a member is encrypted, or when it carries macros (vbaProject.bin). A password-protected Office file
  is an OLE container (D0 CF 11 E0), said so.
* PNG / JPEG: Pillow checks the header and the image's size (a "pixel bomb" is refused).

Every refusal is `RejectedFile` (ValidationFailed, 400) with its reason in Vietnamese; no parser error escapes.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings

from documents.errors import ValidationFailed

logger = logging.getLogger(__name__)

MAX_MEMBERS = 5000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200  # a member over 1 MB unpacked may be packed at most this tightly
MAX_CONTENT_TYPES = 256 * 1024
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is plenty; a 1×1 GB PNG is an attack
NAME_MAX = 150

EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "png": "png", "jpeg": "jpg"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
# The main part of each Office kind, as [Content_Types].xml declares it (macro-enabled variants are other types).
OFFICE_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
ALLOWED_LABEL = "PDF, Word (.docx), Excel (.xlsx), ảnh PNG hoặc JPEG"


class RejectedFile(ValidationFailed):
    code = "rejected_file"
    default_message = "Tệp không được nhận."


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # one of EXTENSIONS
    file_name: str  # sanitised, with the extension of what the file is
    content_type: str


def max_file_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def max_document_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_DOCUMENT_MAX_BYTES", 50 * 1024 * 1024))


def megabytes(value: int) -> str:
    return f"{value / (1024 * 1024):.0f} MB"


def _reject(message: str, **details: object) -> RejectedFile:
    return RejectedFile(message, details={"field": "file", **details})


def sniff(data: bytes) -> str:
    """The kind of file the bytes start like, or a refusal that names what it looks like."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _reject(
            "Tệp Office có mật khẩu hoặc định dạng cũ (.doc, .xls): hãy bỏ mật khẩu, lưu lại thành .docx/.xlsx hoặc "
            "PDF rồi tải lên."
        )
    refuse_programs(data)
    raise _reject(f"Nội dung tệp không phải {ALLOWED_LABEL}.")


def refuse_programs(data: bytes) -> None:
    """An executable, whatever its name (documents.extraction.file_kind says the same to the import and receive)."""
    if data.startswith((b"MZ", b"\x7fELF")):
        raise _reject(f"Tệp là chương trình chạy được, không phải tài liệu: chỉ nhận {ALLOWED_LABEL}.")


def _check_pdf(data: bytes) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
        pages = 0 if encrypted else int(reader.root["/Pages"]["/Count"])
    except Exception as exc:  # a hostile or broken PDF fails in open-ended ways inside the parser
        logger.info("Attachment PDF refused: %s", type(exc).__name__)
        raise _reject("Tệp PDF bị hỏng hoặc không đúng định dạng.") from exc
    if encrypted:
        raise _reject("Tệp PDF có mật khẩu: hãy bỏ mật khẩu rồi tải lên.")
    if pages < 1:
        raise _reject("Tệp PDF không có trang nào.")


def _check_office(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _reject("Tệp nén bị hỏng: không phải Word (.docx) hay Excel (.xlsx) hợp lệ.") from exc
    if len(members) > MAX_MEMBERS:
        raise _reject("Tệp có quá nhiều thành phần nén: không nhận.")
    total = sum(m.file_size for m in members)
    ratio = max((m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 1024 * 1024), default=0)
    if total > MAX_UNPACKED or ratio > MAX_RATIO:
        raise _reject("Tệp giải nén ra quá lớn (nghi là tệp nén độc hại): không nhận.")
    if any(m.flag_bits & 0x1 for m in members):
        raise _reject("Tệp có thành phần được mã hóa (mật khẩu): không nhận.")
    names = {m.filename for m in members}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _reject("Tệp có macro: chỉ nhận .docx, .xlsx không có macro.")
    info = next((m for m in members if m.filename == "[Content_Types].xml"), None)
    if info is None or info.file_size > MAX_CONTENT_TYPES:
        raise _reject("Tệp nén không phải Word (.docx) hay Excel (.xlsx).")
    try:
        root = ElementTree.fromstring(archive.read(info))  # noqa: S314  (bounded size; expat refuses entity bombs)
    except (ElementTree.ParseError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _reject("Tệp Office bị hỏng ([Content_Types].xml không đọc được).") from exc
    for override in root:
        kind = OFFICE_MAIN.get(override.get("ContentType", ""))
        if kind and override.get("PartName", "").lstrip("/") in names:
            return kind
    raise _reject(f"Tệp nén không phải Word (.docx) hay Excel (.xlsx): chỉ nhận {ALLOWED_LABEL}.")


def _check_image(data: bytes, kind: str) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.format != {"png": "PNG", "jpeg": "JPEG"}[kind]:
                raise _reject("Tệp ảnh không đúng định dạng.")
            if width * height > MAX_PIXELS:
                raise _reject("Ảnh quá lớn (quá 60 triệu điểm ảnh).")
            image.verify()
    except RejectedFile:
        raise
    except Exception as exc:  # Pillow raises many kinds on broken or hostile images (and DecompressionBombError)
        logger.info("Attachment image refused: %s", type(exc).__name__)
        raise _reject("Tệp ảnh bị hỏng hoặc không đúng định dạng.") from exc


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]+')


def clean_file_name(name: str, kind: str) -> str:
    """A name safe to store and to send back: no folders, controls or shell/HTML characters, NFC (so "Kế hoạch"
    typed on a Mac is the same name), at most NAME_MAX characters, with the extension of what the file is."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" ._-")
    extension = EXTENSIONS[kind]
    stem = stem[: NAME_MAX - len(extension) - 1] or "tep-dinh-kem"
    return f"{stem}.{extension}"


def check_file(data: bytes, *, file_name: str) -> CheckedFile:
    """The kind of an upload and its clean name, or RejectedFile saying why in Vietnamese."""
    if not data:
        raise _reject("Tệp rỗng.")
    if len(data) > max_file_bytes():
        raise _reject(f"Tệp quá lớn (tối đa {megabytes(max_file_bytes())} một tệp).")
    kind = sniff(data)
    if kind == "pdf":
        _check_pdf(data)
    elif kind == "zip":
        kind = _check_office(data)
    else:
        _check_image(data, kind)
    return CheckedFile(kind=kind, file_name=clean_file_name(file_name, kind), content_type=CONTENT_TYPES[kind])
