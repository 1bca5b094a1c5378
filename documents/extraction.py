"""Turn a file a clerk receives — plain text, a PDF with a text layer, a Word (.docx) document — into the text
lines the document reader (documents.importer.read_document) understands: header cells, one paragraph after the
other with blank lines between them, the "Nơi nhận" block, then the signature block.

* Text: UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured); anything else is refused.
* PDF (pdfminer.six): its text boxes in reading order. Form-field values (an issued PDF's number and date are
  fields, not page text: signing.rendering) are put back where their field sits on the line, so
  "Số: " [01] "/KH-PGDĐT" reads "Số: 01/KH-PGDĐT". Page numbers are dropped. A scan has no text layer: said so.
* DOCX (python-docx): paragraphs and table cells in document order (the two header columns and the Nơi nhận /
  signature table are tables), with list numbers computed from numbering.xml, which python-docx does not do
  (`DocxNumbering`). The zip is checked before it is opened: no more than 50 MB unpacked, no member packed more
  than 200 to 1 (a "docx bomb"), at most 2,000 members.

Every refusal is `UnreadableFile` (ValidationFailed, 400) with its reason in Vietnamese; no parser error escapes.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from documents.errors import ValidationFailed

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_PDF_PAGES = 60
MAX_DOCX_UNPACKED = 50 * 1024 * 1024
MAX_DOCX_MEMBERS = 2000
MAX_DOCX_RATIO = 200
MAX_TEXT_CHARS = 600_000
PROGRAM_REFUSED = "Tệp là chương trình chạy được, không phải tài liệu: chỉ nhận PDF, Word (.docx) hoặc văn bản .txt."


class UnreadableFile(ValidationFailed):
    """The file is not one the reader takes, or cannot be read: the page and the command say why (400)."""

    code = "unreadable_file"
    default_message = "Không đọc được tệp."


@dataclass(frozen=True)
class ExtractedText:
    kind: str  # "txt" | "pdf" | "docx"
    text: str
    notes: list[str] = field(default_factory=list)  # what the extraction could not do, in Vietnamese


def file_kind(data: bytes, file_name: str = "") -> str:
    """pdf, docx or txt, from the bytes (the name only breaks a tie): a renamed file is still what it is."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile("Tệp Word cũ (.doc) chưa đọc được: hãy lưu lại thành .docx hoặc PDF rồi tải lên.")
    if data.startswith((b"MZ", b"\x7fELF")):  # a program renamed .pdf or .txt: say what it is
        raise UnreadableFile(PROGRAM_REFUSED)
    return "txt"


def extract_text(data: bytes, *, file_name: str = "") -> ExtractedText:
    """The text of a received file, laid out for documents.importer.read_document."""
    if not data:
        raise UnreadableFile("Tệp rỗng.")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"Tệp quá lớn (tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB).")
    kind = file_kind(data, file_name)
    if kind == "pdf":
        return _guarded(_pdf_text, data, "PDF")
    if kind == "docx":
        return _guarded(_docx_text, data, "Word (.docx)")
    return ExtractedText("txt", _plain_text(data))


def _guarded(read: Any, data: bytes, label: str) -> ExtractedText:
    try:
        return read(data)
    except UnreadableFile:
        raise
    except RecursionError as exc:
        raise _unreadable(label, exc) from exc
    except Exception as exc:  # third-party parsers fail in open-ended ways on hostile or broken files
        raise _unreadable(label, exc) from exc


def _unreadable(label: str, exc: BaseException) -> UnreadableFile:
    logger.info("Unreadable %s received: %s", label, type(exc).__name__)
    return UnreadableFile(
        f"Không đọc được tệp {label} (tệp hỏng, có mật khẩu hoặc không đúng định dạng).",
        details={"reason": type(exc).__name__},
    )


def _plain_text(data: bytes) -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise UnreadableFile(f"Tệp văn bản quá lớn (tối đa {MAX_TEXT_BYTES // (1024 * 1024)} MB).")
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile("Tệp văn bản phải mã hóa UTF-8 (hoặc là PDF, DOCX).") from exc
    if "\x00" in text:
        raise UnreadableFile("Tệp không phải văn bản thuần, PDF hay DOCX.")
    return text


# --- PDF ------------------------------------------------------------------------------------------------------

# A form field's value joins the text on its line when the field's box touches the text (a gap of a few points).
_FIELD_GAP = 8.0
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass
class _Piece:
    """A line of text, or a form field's value, where it sits on its page (PDF points, origin bottom-left)."""

    box: int  # the text box it belongs to, in reading order; -1 for a field
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    def same_line(self, other: _Piece) -> bool:
        overlap = min(self.y1, other.y1) - max(self.y0, other.y0)
        return overlap > 0.5 * min(self.y1 - self.y0, other.y1 - other.y0)


def _field_pieces(page: Any) -> list[_Piece]:
    """Text fields with a value on this page (widgets of /FT /Tx, directly or through their parent field)."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    pieces = []
    for ref in resolve1(page.annots) or []:
        annotation = resolve1(ref)
        if not isinstance(annotation, dict):
            continue
        subtype = resolve1(annotation.get("Subtype"))
        if not (isinstance(subtype, PSLiteral) and subtype.name == "Widget"):
            continue
        parent = resolve1(annotation.get("Parent")) or {}
        field_type = resolve1(annotation.get("FT") or (parent.get("FT") if isinstance(parent, dict) else None))
        if not (isinstance(field_type, PSLiteral) and field_type.name == "Tx"):
            continue
        value = resolve1(annotation.get("V") or (parent.get("V") if isinstance(parent, dict) else None))
        rect = resolve1(annotation.get("Rect"))
        if not isinstance(rect, list | tuple) or len(rect) != 4:
            continue
        text = decode_text(value) if isinstance(value, bytes) else (str(value) if value is not None else "")
        x0, y0, x1, y1 = (float(resolve1(v)) for v in rect)
        pieces.append(_Piece(-1, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), " ".join(text.split())))
    return pieces


def _page_lines(layout: Any, fields: list[_Piece]) -> list[list[str]]:
    """The page's text boxes, each as its lines, with form-field values joined into the lines they belong to."""
    from pdfminer.layout import LTTextBox, LTTextLine

    boxes: list[list[_Piece]] = []
    for element in layout:
        if isinstance(element, LTTextBox):
            lines = [line for line in element if isinstance(line, LTTextLine)]
            index = len(boxes)
            boxes.append([_Piece(index, ln.x0, ln.y0, ln.x1, ln.y1, ln.get_text().rstrip("\n")) for ln in lines])
    pieces = [piece for box in boxes for piece in box]
    for value in sorted(fields, key=lambda f: f.x0):
        beside = [p for p in pieces if p.text and p.same_line(value)]
        left = max((p for p in beside if abs(value.x0 - p.x1) <= _FIELD_GAP), key=lambda p: p.x1, default=None)
        right = min((p for p in beside if abs(p.x0 - value.x1) <= _FIELD_GAP), key=lambda p: p.x0, default=None)
        if left is not None:  # "Số: " [01] "/KH-PGDĐT": the value, then the text after it, join the text before
            left.text += value.text
            left.x1 = value.x1
            if right is not None and right is not left:
                left.text += right.text
                left.x1 = right.x1
                right.text = ""
        elif right is not None:
            right.text = value.text + right.text
            right.x0 = value.x0
        elif value.text:  # a field that is the whole line ("Số: 01/KH-PGDĐT"): a line of the box just above it
            _place_line(boxes, value)
    return [[p.text for p in box if p.text.strip()] for box in boxes]


def _place_line(boxes: list[list[_Piece]], line: _Piece) -> None:
    """Put a whole-line field after the nearest text box above it in its column, else in a box of its own."""
    above = [
        (index, box)
        for index, box in enumerate(boxes)
        if box
        and min(p.y0 for p in box) >= line.y1 - 2
        and min(line.x1, max(p.x1 for p in box)) > max(line.x0, min(p.x0 for p in box))
    ]
    if not above:
        boxes.append([line])
        return
    _index, box = min(above, key=lambda item: min(p.y0 for p in item[1]) - line.y1)
    box.append(line)


def _pdf_text(data: bytes) -> ExtractedText:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=LAParams())
    interpreter = PDFPageInterpreter(resources, device)
    blocks: list[str] = []
    notes: list[str] = []
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        if number > MAX_PDF_PAGES:
            notes.append(f"Chỉ đọc {MAX_PDF_PAGES} trang đầu của tệp PDF.")
            break
        interpreter.process_page(page)
        for lines in _page_lines(device.get_result(), _field_pieces(page)):
            text = "\n".join(lines).strip()
            if text and not _PAGE_NUMBER.match(text):
                blocks.append(text)
        if sum(len(b) for b in blocks) > MAX_TEXT_CHARS:
            notes.append("Tệp PDF quá dài: chỉ đọc phần đầu.")
            break
    if not blocks:
        notes.append("Tệp PDF không có lớp văn bản (có thể là bản quét): hãy nhập các thông tin theo bản giấy.")
    return ExtractedText("pdf", "\n\n".join(blocks), notes)


# --- DOCX -----------------------------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _check_zip(data: bytes) -> None:
    """Refuse a zip that would unpack into far more than it weighs, before any XML parser sees it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("Tệp không phải DOCX hợp lệ (tệp nén hỏng).") from exc
    members = archive.infolist()
    if len(members) > MAX_DOCX_MEMBERS:
        raise UnreadableFile("Tệp DOCX có quá nhiều thành phần: không đọc.")
    if "word/document.xml" not in {m.filename for m in members}:
        raise UnreadableFile("Tệp nén không phải văn bản Word (.docx).")
    total = sum(m.file_size for m in members)
    ratio = max((m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 1024 * 1024), default=0)
    if total > MAX_DOCX_UNPACKED or ratio > MAX_DOCX_RATIO:
        raise UnreadableFile("Tệp DOCX giải nén ra quá lớn (nghi là tệp nén độc hại): không đọc.")


_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_SYMBOL_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf076": "❖", "\uf0fc": "✓", "\uf0a8": "○"}


def _bullet(char: str) -> str:
    """A bullet as printed: Symbol and Wingdings glyphs sit in the private use area and become their look-alike."""
    return _SYMBOL_BULLETS.get(char, char if char.isprintable() and ord(char) < 0xE000 else "•")


def _roman(value: int) -> str:
    if value <= 0:
        return str(value)
    out = []
    for amount, letters in _ROMAN:
        while value >= amount:
            out.append(letters)
            value -= amount
    return "".join(out)


def _letters(value: int) -> str:
    """Word's a, b, … z, aa, bb, … (the letter repeated, not spreadsheet columns)."""
    if value <= 0:
        return str(value)
    letter = chr(ord("a") + (value - 1) % 26)
    return letter * ((value - 1) // 26 + 1)


def format_number(value: int, number_format: str) -> str:
    """One level's counter as Word prints it (w:numFmt)."""
    match number_format:
        case "upperRoman":
            return _roman(value)
        case "lowerRoman":
            return _roman(value).lower()
        case "upperLetter":
            return _letters(value).upper()
        case "lowerLetter":
            return _letters(value)
        case "decimalZero":
            return f"{value:02d}"
        case "none":
            return ""
        case _:  # decimal and the formats Vietnamese offices do not use
            return str(value)


@dataclass
class _Level:
    start: int = 0
    number_format: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: restart after this level (1-based); 0 = never
    legal: bool = False  # w:isLgl: every level shown in decimal
    suffix: str = "tab"
    style: str = ""


@dataclass
class _Instance:
    abstract: str
    start_overrides: dict[int, int]


class DocxNumbering:
    """List numbers as Word computes them from numbering.xml (python-docx reads the numPr, not the numbers).

    A paragraph's numbering comes from its own w:numPr or its style's (w:basedOn followed); numId 0 switches it
    off. Levels give start, numFmt (decimal, upperRoman, lowerLetter…), lvlText ("%1.", "%1.%2.", "%1)"), isLgl and
    lvlRestart. Counters belong to the abstract list: numbering instances (w:num) of one abstract list go on from
    one another, and an instance with a w:startOverride starts its own count. Using a level resets the deeper
    levels (unless their lvlRestart says otherwise).
    """

    def __init__(self, numbering_xml: Any | None, styles_xml: Any | None) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.instances: dict[str, _Instance] = {}
        self.style_links: dict[str, str] = {}  # abstractNum id → the numbering style it takes its levels from
        self.styles: dict[str, tuple[str | None, str | None, int | None]] = {}  # style → (basedOn, numId, ilvl)
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_xml is not None:
            self._read_numbering(numbering_xml)
        if styles_xml is not None:
            self._read_styles(styles_xml)

    @staticmethod
    def _val(element: Any, name: str) -> str | None:
        child = element.find(_w(name)) if element is not None else None
        return child.get(_w("val")) if child is not None else None

    def _read_numbering(self, root: Any) -> None:
        for abstract in root.iter(_w("abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.findall(_w("lvl")):
                index = int(lvl.get(_w("ilvl"), "0"))
                restart = self._val(lvl, "lvlRestart")
                levels[index] = _Level(
                    start=int(self._val(lvl, "start") or 0),
                    number_format=self._val(lvl, "numFmt") or "decimal",
                    text=self._val(lvl, "lvlText") or "",
                    restart=int(restart) if restart is not None else None,
                    legal=lvl.find(_w("isLgl")) is not None,
                    suffix=self._val(lvl, "suff") or "tab",
                    style=self._val(lvl, "pStyle") or "",
                )
            abstract_id = abstract.get(_w("abstractNumId"), "")
            self.abstracts[abstract_id] = levels
            link = self._val(abstract, "numStyleLink")
            if link:
                self.style_links[abstract_id] = link
        for num in root.iter(_w("num")):
            overrides = {}
            for override in num.findall(_w("lvlOverride")):
                start = self._val(override, "startOverride")
                if start is not None:
                    overrides[int(override.get(_w("ilvl"), "0"))] = int(start)
            self.instances[num.get(_w("numId"), "")] = _Instance(self._val(num, "abstractNumId") or "", overrides)

    def _read_styles(self, root: Any) -> None:
        for style in root.iter(_w("style")):
            style_id = style.get(_w("styleId"), "")
            num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            num_id = self._val(num_pr, "numId") if num_pr is not None else None
            ilvl = self._val(num_pr, "ilvl") if num_pr is not None else None
            self.styles[style_id] = (self._val(style, "basedOn"), num_id, int(ilvl) if ilvl is not None else None)

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            based_on, num_id, ilvl = self.styles.get(style_id, (None, None, None))
            if num_id is not None:
                return num_id, ilvl
            style_id = based_on
        return None, None

    def _levels(self, abstract_id: str) -> dict[int, _Level]:
        levels = self.abstracts.get(abstract_id, {})
        link = self.style_links.get(abstract_id)
        if not levels and link:  # the levels live in the abstract list of the numbering style it links to
            num_id, _ = self._style_numbering(link)
            instance = self.instances.get(num_id or "")
            if instance is not None and instance.abstract != abstract_id:
                return self.abstracts.get(instance.abstract, {})
        return levels

    def label(self, paragraph: Any) -> str:
        """The number or bullet Word prints before this paragraph ("I. ", "1. ", "a) ", "- "), or ""."""
        p_pr = paragraph.find(_w("pPr"))
        num_pr = p_pr.find(_w("numPr")) if p_pr is not None else None
        num_id = self._val(num_pr, "numId") if num_pr is not None else None
        ilvl_text = self._val(num_pr, "ilvl") if num_pr is not None else None
        style_id = self._val(p_pr, "pStyle") if p_pr is not None else None
        if num_id is None:
            num_id, style_ilvl = self._style_numbering(style_id)
            ilvl_text = ilvl_text if ilvl_text is not None else (str(style_ilvl) if style_ilvl is not None else None)
        instance = self.instances.get(num_id or "")
        if not num_id or num_id == "0" or instance is None:
            return ""
        levels = self._levels(instance.abstract)
        if ilvl_text is not None:
            ilvl = int(ilvl_text)
        else:  # a heading style tied to a level of the list (w:pStyle on the level)
            ilvl = next((i for i, level in levels.items() if style_id and level.style == style_id), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        key = f"num:{num_id}" if instance.start_overrides else f"abstract:{instance.abstract}"
        counters = self.counters.setdefault(key, {})
        start = instance.start_overrides.get(ilvl, level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [i for i in counters if i > ilvl]:
            restart = levels.get(deeper, _Level()).restart
            if restart is None or (restart != 0 and restart <= ilvl + 1):
                del counters[deeper]
        return self._render(level, ilvl, levels, counters, instance)

    @staticmethod
    def _render(
        level: _Level, ilvl: int, levels: dict[int, _Level], counters: dict[int, int], instance: _Instance
    ) -> str:
        if level.number_format == "bullet":
            text = "".join(_bullet(c) for c in level.text)
        else:

            def placeholder(match: re.Match[str]) -> str:
                index = int(match[1]) - 1
                other = levels.get(index, _Level())
                value = counters.get(index, instance.start_overrides.get(index, other.start))
                return format_number(value, "decimal" if level.legal else other.number_format)

            text = re.sub(r"%([1-9])", placeholder, level.text)
        if not text:
            return ""
        return text + ("" if level.suffix == "nothing" else " ")


def _docx_blocks(container: Any, numbering: DocxNumbering, depth: int = 0) -> Iterator[str]:
    """Paragraphs, and table cells one after the other (left column, then right), in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if depth > 8:  # tables nested past any real layout
        return
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield numbering.label(item._p) + item.text
        elif isinstance(item, Table):
            seen: set[int] = set()
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column it spans
                        continue
                    seen.add(id(cell._tc))
                    yield from _docx_blocks(cell, numbering, depth + 1)


def _docx_text(data: bytes) -> ExtractedText:
    import docx

    _check_zip(data)
    document = docx.Document(io.BytesIO(data))
    part = document.part
    numbering_xml = None
    try:
        numbering_xml = part.numbering_part.element
    except (KeyError, NotImplementedError):  # a document without lists has no numbering part
        numbering_xml = None
    styles_xml = part.styles.element if part.styles is not None else None
    numbering = DocxNumbering(numbering_xml, styles_xml)
    paragraphs = []
    for text in _docx_blocks(document, numbering):
        paragraphs.append(text.replace("\t", "   ").strip())
        if sum(len(p) for p in paragraphs) > MAX_TEXT_CHARS:
            return ExtractedText("docx", "\n\n".join(paragraphs), ["Tệp DOCX quá dài: chỉ đọc phần đầu."])
    notes = [] if any(paragraphs) else ["Tệp DOCX không có chữ."]
    return ExtractedText("docx", "\n\n".join(paragraphs), notes)
