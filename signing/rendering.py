"""The document in its legal layout (Nghị định 30/2020, Phụ lục I): one template, two outputs.

`render_html` is the document view in the browser; `render_pdf` lays the same HTML out with WeasyPrint.
The number line and the place-date line are each one form field (<input name="so|ngay">) covering the
whole line: WeasyPrint makes them AcroForm text fields, and `signing.line_fields` draws their faces — the
blank line in the PDF the signer signs ("Số:      /KH-PGDĐT"), the filled line in the clerk's incremental
update ("Số: 01/KH-PGDĐT") — in the document's own embedded font, so the line reads as typed text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents import emphasis
from documents.dates import format_vn_date, vn_today
from documents.errors import DomainError
from documents.models import Confidentiality, Document, Urgency
from documents.numbering import format_code, format_number
from signing.faces import GAP
from signing.fonts import CSS_FONT_STACK
from signing.titles import title_lines

logger = logging.getLogger(__name__)

# Form field names in the PDF; verification accepts changes to these and nothing else. Each field is a
# whole line: "so" the number line, "ngay" the place-date line.
NUMBER_FIELD = "so"
DATE_FIELD = "ngay"
FILLABLE_FIELDS = (NUMBER_FIELD, DATE_FIELD)
# PDFs issued before the lines became single fields filled "so", "ngay", "thang", "nam" (one per blank).
LEGACY_FILLABLE_FIELDS = ("so", "ngay", "thang", "nam")
SIGNER_FIELD = "ChuKyNguoiKy"
ORGANIZATION_FIELD = "ChuKyCoQuan"
SIGNER_ANCHOR = "ky-nguoi-ky"
ORGANIZATION_ANCHOR = "ky-co-quan"

# Measured (docs/signing.md): ~200,000 characters of HTML is about 50 pages and 4–10 s of WeasyPrint on
# a busy 2-core machine; a real plan is 3–10 pages. Above it, layout time and memory run away (45 s, 480 MB).
MAX_RENDER_HTML_CHARS = 200_000
NBSP = "\u00a0"

# The render cache (docs/architecture.md, "Render cache"): one layout per printed page, shared by the preview,
# the signer's step and the PDF download. Bump RENDER_LAYOUT_VERSION when code changes the PDF for the same
# HTML (signing.layout_worker, signing.faces, the fonts): old entries are then never read again.
RENDER_LAYOUT_VERSION = 1
RENDER_CACHE_SECONDS = 24 * 3600
RENDER_CACHE_MAX_BYTES = 5 * 1024 * 1024  # a bigger PDF is laid out again rather than fill the cache

_ROMAN = re.compile(r"^[IVXLC]+\.\s*\S")
_NUMBERED = re.compile(r"^\d+(\.\d+)*\.\s*\S")
_LETTERED = re.compile(r"^[a-zđ]\)\s*\S")
_DASHED = re.compile(r"^[-–+•]\s*\S")

CONFIDENTIALITY_MARKS = {
    Confidentiality.MAT: "MẬT",
    Confidentiality.TOI_MAT: "TỐI MẬT",
    Confidentiality.TUYET_MAT: "TUYỆT MẬT",
}
URGENCY_MARKS = {Urgency.KHAN: "KHẨN", Urgency.THUONG_KHAN: "THƯỢNG KHẨN", Urgency.HOA_TOC: "HỎA TỐC"}


@dataclass(frozen=True)
class BodyBlock:
    """One paragraph of the body; `kind` drives its style (headings bold, items indented).

    `text` is the paragraph's words (emphasis marks removed), `markup` the same as escaped HTML with the source's
    emphasis in <b>/<i> and document codes kept on one line.
    """

    kind: str  # roman | numbered | lettered | dashed | text
    text: str
    bold: bool
    markup: str = ""


@dataclass(frozen=True)
class PlacedBox:
    """A rectangle on a PDF page in PDF points, origin bottom-left, as pyHanko wants it."""

    page: int
    rect: tuple[float, float, float, float]


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    page_count: int
    signer_box: PlacedBox
    organization_box: PlacedBox


def _kind_of(text: str) -> str:
    if _ROMAN.match(text):
        return "roman"
    if _NUMBERED.match(text):
        return "numbered"
    if _LETTERED.match(text):
        return "lettered"
    if _DASHED.match(text):
        return "dashed"
    return "text"


def _rank(kind: str, text: str) -> int:
    """How deep a paragraph sits: I. above 1. above 1.1. above a) above -; plain text has no rank (99)."""
    if kind == "numbered":
        return 1 + text.split(" ", 1)[0].rstrip(".").count(".")
    return {"roman": 0, "lettered": 10, "dashed": 11}.get(kind, 99)


def _numbered_headings(paragraphs: list[tuple[str, str, str]]) -> set[int]:
    """Which numbered paragraphs are headings. Siblings weigh alike: a run of "1.", "2.", … of one depth under
    one parent is a run of headings when at least half of them read as headings — no closing full stop, or items
    of a lower level under them — and a run of paragraphs otherwise. Length never decides."""
    headings: set[int] = set()
    groups: dict[tuple[int, int], list[int]] = {}
    parent_of_rank: dict[int, int] = {}  # the latest paragraph of each rank, to tell one parent's runs apart
    for index, (kind, _marked, text) in enumerate(paragraphs):
        rank = _rank(kind, text)
        if rank >= 99:
            continue
        for deeper in [r for r in parent_of_rank if r >= rank]:
            del parent_of_rank[deeper]
        if kind == "numbered":
            parent = max((i for r, i in parent_of_rank.items() if r < rank), default=-1)
            groups.setdefault((parent, rank), []).append(index)
        parent_of_rank[rank] = index
    for members in groups.values():
        shaped = 0
        for index in members:
            text = paragraphs[index][2]
            following = next((p for p in paragraphs[index + 1 :] if p[0] != "text"), None)
            has_items = following is not None and _rank(following[0], following[2]) > _rank("numbered", text)
            followed_by_text = index + 1 < len(paragraphs) and paragraphs[index + 1][0] == "text"
            stops = text.rstrip(" *").endswith((".", ";", "!", "?", "…"))
            shaped += bool(has_items and not followed_by_text) or not stops
        if shaped * 2 >= len(members):
            headings.update(members)
    return headings


def body_blocks(body: str) -> list[BodyBlock]:
    """Paragraphs separated by blank lines; I./1./a)/- markers decide the style, and the weight follows the
    level and the source (docs/signing.md, "Text as written"): I. bold, a run of 1. headings bold alike, a) and -
    plain, any paragraph the source set wholly in bold (`**…**`) bold; `*…*` in the source prints italic."""
    paragraphs = []
    for raw in re.split(r"\n\s*\n", body.strip()):
        marked = " ".join(line.strip() for line in raw.splitlines() if line.strip())
        if not marked:
            continue
        text = emphasis.plain(marked)
        paragraphs.append((_kind_of(text), marked, text))
    headings = _numbered_headings(paragraphs)
    blocks = []
    for index, (kind, marked, text) in enumerate(paragraphs):
        bold = kind == "roman" or index in headings or emphasis.wholly_bold(marked)
        blocks.append(BodyBlock(kind, text, bold=bold, markup=inline_html(marked)))
    return blocks


# A document code or a date ("11-CT/TW", "1696/QĐ-BGDĐT", "30/2020/NĐ-CP", "24/3/2015", "GD&ĐT") never breaks
# across lines; nor a year range ("2022 - 2023") — its tail would stand alone on a line.
_UNBREAKABLE = re.compile(r"\d{4}\s?[-–]\s?\d{4}\b|[\w&]+(?:[/-][\w&]+)+")
_UNBREAKABLE_MAX = 40  # characters: longer runs may break, or they would overflow the line


def inline_html(text: str) -> SafeString:
    """Escaped HTML of a line as written: `**bold**`/`*italic*` marks as <b>/<i>, codes in a nowrap span.
    Built from escaped pieces only: the text's own "<", "&" stay text."""
    out = []
    for run in emphasis.runs(text):
        pieces, last = [], 0
        for match in _UNBREAKABLE.finditer(run.text):
            token = match[0]
            letters = [c for c in token if c.isalpha()]
            # a code has digits or is all capitals ("KH-UBND"); "b/c", "T/Ph" and their kind are words
            is_code = any(c.isdigit() for c in token) or all(c.isupper() for c in letters)
            if not is_code or len(token) > _UNBREAKABLE_MAX:
                continue
            pieces.append(escape(run.text[last : match.start()]))
            # NBSP around a year range's dash: the tail stays with the head even where spans may break
            pieces.append(f'<span class="nowrap">{escape(match[0].replace(" ", NBSP))}</span>')
            last = match.end()
        pieces.append(escape(run.text[last:]))
        html = "".join(pieces)
        if run.italic:
            html = f"<i>{html}</i>"
        if run.bold:
            html = f"<b>{html}</b>"
        out.append(html)
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def date_parts(value: Any) -> dict[str, str]:
    """Day, month and year as the decree writes them ("06", "3", "2019"; "07", "02" for February)."""
    match = re.fullmatch(r"ngày (\d+) tháng (\d+) năm (\d+)", format_vn_date(value))
    if match is None:  # pragma: no cover - format_vn_date always matches
        raise ValueError(value)
    return {"ngay": match[1], "thang": match[2], "nam": match[3]}


def field_parts(document: Document) -> dict[str, str]:
    """The number and the date's parts, for the page in the browser: blank before registration."""
    if document.number is not None and document.issue_date is not None:
        return {"so": format_number(document.number), **date_parts(document.issue_date)}
    year = document.number_year or vn_today().year
    return {"so": "", "ngay": "", "thang": "", "nam": str(year)}


def number_line(document: Document, number: str) -> str:
    """ "Số: 01/KH-PGDĐT", or "Số: <gap>/KH-PGDĐT" before the clerk gives the number."""
    return f"Số: {number or GAP}{format_code(document, None)}"


def date_line(document: Document, parts: dict[str, str]) -> str:
    """ "Cần Giuộc, ngày 06 tháng 3 năm 2019", gaps for day and month before registration."""
    place = document.place_name or document.organization.place_name
    day, month = parts["ngay"] or GAP, parts["thang"] or GAP
    return f"{place}, ngày {day} tháng {month} năm {parts['nam']}"


def field_values(document: Document, *, filled: bool = True) -> dict[str, str]:
    """What the two line fields print: the whole number line and the whole place-date line."""
    parts = field_parts(document)
    if not filled:
        parts = {**parts, "so": "", "ngay": "", "thang": ""}
    return {NUMBER_FIELD: number_line(document, parts["so"]), DATE_FIELD: date_line(document, parts)}


def recipient_lines(document: Document) -> list[str]:
    """The "Nơi nhận" lines as printed: each ends with ";", the filing line closes the list. A purpose prints as
    the drafter wrote it ("(để b/c)" stays so, Recipient.purpose_text)."""
    # The legal document is Vietnamese whatever the reader's language ("(b/c)", "(để biết)").
    with translation.override("vi"):
        lines = [f"- {r.printed_line.rstrip(' ;.')};" for r in document.recipients.all()]
    filing = (document.filing_line or "VT.").strip()
    lines.append(f"- Lưu: {filing if filing.endswith('.') else filing + '.'}")
    return lines


def recipients_beside_signature(title_line_count: int) -> int:
    """How many "Nơi nhận" lines stand beside the signature column (title lines, 30 mm of signature space, the
    name): the signature's row is kept whole, and the lines after it may go on over the page. Measured in the
    template's sizes: a title line ~6 mm, a recipient line ~4.5 mm, the "Nơi nhận:" label ~8 mm."""
    return max(4, int((34 + 6 * max(title_line_count - 1, 0)) / 4.5))


def printed_type_name(document: Document) -> str:
    """The type name as printed: whole ("CHƯƠNG TRÌNH HÀNH ĐỘNG", Document.type_title), else the type's name."""
    return (document.type_title or document.doc_type.name).upper()


def document_context(document: Document, *, filled: bool, for_pdf: bool) -> dict[str, Any]:
    """Everything the template prints. `filled=False` leaves number and date blank (the signer's PDF)."""
    organization = document.organization
    values = field_parts(document)
    recipients = [inline_html(line) for line in recipient_lines(document)]
    titles = title_lines(document)
    beside = recipients_beside_signature(len(titles))
    if not filled:
        values = {**values, "so": "", "ngay": "", "thang": ""}
    return {
        # The bare page shell; the browser's view (signing.views.document_view) puts it in base.html instead.
        "layout": "signing/_print.html",
        "document": document,
        "for_pdf": for_pdf,
        "font_stack": CSS_FONT_STACK,
        "parent_line_name": organization.parent_line_name.upper(),
        "organization_name": organization.name.upper(),
        "code_suffix": format_code(document, None),
        "place_name": document.place_name or organization.place_name,
        "fields": values,
        "confidentiality_mark": CONFIDENTIALITY_MARKS.get(document.confidentiality, ""),
        "urgency_mark": URGENCY_MARKS.get(document.urgency, ""),
        "type_name": printed_type_name(document),
        "is_cong_van": document.doc_type.is_cong_van,
        "subject": document.subject,
        "subject_html": inline_html(document.subject),
        "legal_bases": [inline_html(line) for line in document.legal_bases if line.strip()],
        "blocks": body_blocks(document.body),
        "recipient_lines": recipients,
        "recipients_beside": recipients[:beside],
        "recipients_after": recipients[beside:],
        "title_lines": titles,
        "signer_name": document.signer.display_name if document.signer_id else "",
        "signer_anchor": SIGNER_ANCHOR,
        "organization_anchor": ORGANIZATION_ANCHOR,
    }


def render_html(document: Document, *, filled: bool = True, for_pdf: bool = False) -> str:
    return render_to_string("signing/document.html", document_context(document, filled=filled, for_pdf=for_pdf))


class RenderTooLarge(DomainError):
    code = "document_too_large"
    http_status = 409
    default_message = (
        "Văn bản quá dài để dựng bản PDF (tối đa khoảng 50 trang). "
        "Vui lòng rút gọn nội dung hoặc tách phần dài thành phụ lục riêng."
    )


class RenderTimedOut(DomainError):
    code = "render_timeout"
    http_status = 409
    default_message = "Dựng bản PDF của văn bản quá lâu nên đã dừng. Vui lòng rút gọn nội dung rồi thử lại."


def render_pdf(document: Document, *, filled: bool = False) -> RenderedPdf:
    """The PDF with blank number and date fields, plus where the two signature boxes landed.

    Slow (tenths of a second per page): never call it while holding a database lock. Bounded twice
    (docs/signing.md, "Rendering limits"): HTML above MAX_RENDER_HTML_CHARS is refused before layout,
    and the layout runs in a child process killed after settings.SIGNING_RENDER_TIMEOUT seconds.
    Laid out once per printed page: the result is kept in Django's cache under `render_cache_key`.
    """
    html = render_html(document, filled=filled, for_pdf=True)
    if len(html) > MAX_RENDER_HTML_CHARS:
        raise RenderTooLarge(details={"html_chars": len(html), "limit": MAX_RENDER_HTML_CHARS})
    lines = field_values(document, filled=filled)
    key = render_cache_key(html, lines, filled=filled)
    cached = cache.get(key)
    if isinstance(cached, RenderedPdf):
        return cached
    # Only a finished rendering reaches the cache: a refusal, an overrun or a crash raises before it.
    pdf, page_count, boxes = _lay_out_in_child(html, timeout=float(settings.SIGNING_RENDER_TIMEOUT))
    rendered = RenderedPdf(
        pdf=_with_line_faces(pdf, lines, filled=filled),
        page_count=page_count,
        signer_box=_placed(boxes, SIGNER_ANCHOR),
        organization_box=_placed(boxes, ORGANIZATION_ANCHOR),
    )
    if len(rendered.pdf) <= RENDER_CACHE_MAX_BYTES:
        cache.set(key, rendered, RENDER_CACHE_SECONDS)
    return rendered


def render_cache_key(html: str, lines: dict[str, str], *, filled: bool) -> str:
    """SHA-256 of everything that makes the PDF: the printed HTML (the version's text and its content hash's
    inputs, the organization's names, the signer, the form, the template), the two line fields' faces, which
    are drawn after layout, `filled`, and the layout code's version."""
    digest = hashlib.sha256(html.encode())
    digest.update(json.dumps(lines, sort_keys=True, ensure_ascii=False).encode())
    return f"signing:render:v{RENDER_LAYOUT_VERSION}:{int(filled)}:{digest.hexdigest()}"


def _with_line_faces(pdf: bytes, lines: dict[str, str], *, filled: bool) -> bytes:
    """The number and date lines drawn into their fields (WeasyPrint leaves text fields without a face)."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from signing.faces import set_line_fields

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    acro_form = writer.root["/AcroForm"]
    # WeasyPrint asks viewers to draw field faces; we draw them, so every viewer shows the same (and PDF/A
    # forbids NeedAppearances).
    acro_form["/NeedAppearances"] = generic.BooleanObject(False)
    writer.update_container(acro_form)
    set_line_fields(writer, lines, filled=filled)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _lay_out_in_child(html: str, *, timeout: float) -> tuple[bytes, int, dict[str, Any]]:
    """WeasyPrint in a fork-server child: killed on overrun, and its memory goes back when it exits."""
    from signing import layout_worker  # WeasyPrint loads on the first rendering, not at Django's start

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["signing.layout_server"])  # WeasyPrint warmed up once, in the server
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=layout_worker.lay_out_into, args=(html, (SIGNER_ANCHOR, ORGANIZATION_ANCHOR), sender)
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            logger.warning("PDF rendering stopped after %.1f s (%d HTML characters)", timeout, len(html))
            raise RenderTimedOut(details={"timeout_seconds": timeout})
        outcome, result = receiver.recv()
    except EOFError as exc:  # the child died without an answer: most likely killed for its memory
        logger.warning("PDF rendering process died (exit code %s)", child.exitcode)
        raise RenderTooLarge() from exc
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if outcome != "ok":
        if result == "MemoryError":
            raise RenderTooLarge()
        raise RuntimeError(f"WeasyPrint failed: {result}")  # a real bug: a 500, logged
    return result


def _placed(boxes: dict[str, Any], anchor: str) -> PlacedBox:
    if boxes.get(anchor) is None:
        raise RuntimeError(f"The template lost its signature anchor #{anchor}.")
    page, rect = boxes[anchor]
    return PlacedBox(page=page, rect=tuple(rect))
