"""Faces drawn by WeasyPrint and used as PDF appearance streams: the number and date lines, the stamps.

Every face is a one-page PDF laid out with the document's own fonts (embedded TrueType subsets with their
ToUnicode maps), imported as a form XObject. So a filled line reads as typed text — same family, size and
spacing as the rest of the page — and Vietnamese letters keep their composite glyphs (pyHanko's own text
stamps drop them from their font subsets). No Django import: `signing.rendering` and `signing.pades` use it.
"""

from __future__ import annotations

import base64
import io
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.fonts import CSS_FONT_STACK

GAP = "\u2002"  # the blank a clerk fills (signing.rendering.GAP): drawn as empty space


@dataclass(frozen=True)
class LineStyle:
    """How a line field prints: the CSS of its line in templates/signing/document.html."""

    size_pt: float
    italic: bool
    gap_mm: float  # the width left blank for the number, the day or the month


# The number line (.code-line, 13 pt) and the place-date line (.place-date, 14 pt italic).
LINE_STYLES = {"so": LineStyle(13, False, 12), "ngay": LineStyle(14, True, 7)}


_local = threading.local()


def _font_config() -> object:
    """WeasyPrint's font configuration, one per thread and kept: building it (fontconfig, Pango's font map) is
    half the cost of a small face, and a signature draws one to three of them. Not shared between threads:
    Pango's font map is not thread-safe."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


@dataclass(frozen=True)
class Face:
    """One face: `body` laid out in a box of `width` × `height` points. Its CSS names that box `.face`
    (".face { color: red } .face p { margin: 0 }"), so several faces can share one layout (`pages_pdf`)."""

    body: str
    css: str
    width: float
    height: float


def pages_pdf(items: Sequence[Face]) -> bytes:
    """A PDF with one page per face, in order, each page the face's size: one WeasyPrint layout for all the
    faces of a revision (the clerk's number line, date line and seal), whose fixed cost is most of a small
    face's."""
    from weasyprint import HTML  # loaded on first use, as in signing.rendering

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a log line per layout step otherwise

    styles, sections = [], []
    for index, face in enumerate(items):
        scope = f"#face{index}"
        styles.append(
            f"@page face{index} {{ size: {face.width:.2f}pt {face.height:.2f}pt; margin: 0 }}"
            f"{scope}-page {{ page: face{index}; width: {face.width:.2f}pt; height: {face.height:.2f}pt }}"
            + face.css.replace(".face", scope)
        )
        box = f'<div id="face{index}" class="face">{face.body}</div>'
        sections.append(f'<section id="face{index}-page">{box}</section>')
    html = (
        "<html><head><meta charset='utf-8'><style>"
        f"html {{ font-family: {CSS_FONT_STACK}; }} body {{ margin: 0 }} p {{ margin: 0 }}"
        "section { position: relative; overflow: hidden; break-before: page }"
        "section:first-child { break-before: auto }"
        ".face { position: absolute; left: 0; top: 0; right: 0; bottom: 0 }"
        f"{''.join(styles)}</style></head><body>{''.join(sections)}</body></html>"
    )
    return HTML(string=html).write_pdf(font_config=_font_config())


def page_pdf(body: str, css: str, *, width: float, height: float) -> bytes:
    """One page of `width` × `height` points holding `body` (its CSS names the box `.face`)."""
    return pages_pdf([Face(body, css, width, height)])


def line_face(text: str, style: LineStyle, *, width: float, height: float) -> Face:
    """The line centred in its field, at the line's size and line height, blanks as empty boxes."""
    gap = f'<span style="display: inline-block; width: {style.gap_mm}mm"></span>'
    body = f"<p>{gap.join(escape(part) for part in text.split(GAP))}</p>"
    css = (
        f".face p {{ font-size: {style.size_pt}pt; line-height: {height:.2f}pt; text-align: center;"
        f" white-space: nowrap; font-style: {'italic' if style.italic else 'normal'}; color: #000 }}"
    )
    return Face(body, css, width, height)


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def import_face(writer: IncrementalPdfFileWriter, pdf: bytes, page: int = 0) -> generic.IndirectObject:
    """The face's page as a form XObject of this writer (its BBox is the page: the field's size)."""
    return writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)), page_ix=page)


def widget_size(field: generic.DictionaryObject) -> tuple[float, float]:
    widget = field if "/Rect" in field else field["/Kids"][0].get_object()
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    return abs(x1 - x0), abs(y1 - y0)


def set_line_fields(
    writer: IncrementalPdfFileWriter,
    lines: Mapping[str, str],
    *,
    filled: bool,
    extra: Sequence[Face] = (),
) -> tuple[set[str], bytes]:
    """Draw each named line field's face in this revision; its value is the printed line once filled.

    Returns the names found and the faces' PDF, whose last pages are the `extra` faces (the caller's stamp,
    laid out with the lines in one go). A blank line keeps the value empty: the field is still to be filled.
    """
    targets = []
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        name = str(field.get("/T", ""))
        if field.get("/FT") == "/Tx" and name in lines:
            targets.append((field, name))
    items = [*(line_face(lines[name], LINE_STYLES[name], **_size_of(field)) for field, name in targets), *extra]
    pdf = pages_pdf(items) if items else b""
    for page, (field, name) in enumerate(targets):
        field["/V"] = generic.TextStringObject(lines[name] if filled else "")
        field["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): import_face(writer, pdf, page)})
        writer.update_container(field)
    return {name for _, name in targets}, pdf


def _size_of(field: generic.DictionaryObject) -> dict[str, float]:
    width, height = widget_size(field)
    return {"width": width, "height": height}
