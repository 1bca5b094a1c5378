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
from collections.abc import Mapping
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


def page_pdf(body: str, css: str, *, width: float, height: float) -> bytes:
    """One page of `width` × `height` points holding `body`."""
    from weasyprint import HTML  # loaded on first use, as in signing.rendering

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a log line per layout step otherwise

    html = (
        "<html><head><meta charset='utf-8'><style>"
        f"@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0 }}"
        f"html {{ font-family: {CSS_FONT_STACK}; }} body {{ margin: 0 }} p {{ margin: 0 }}"
        f"{css}</style></head><body>{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


def line_face(text: str, style: LineStyle, *, width: float, height: float) -> bytes:
    """The line centred in its field, at the line's size and line height, blanks as empty boxes."""
    gap = f'<span style="display: inline-block; width: {style.gap_mm}mm"></span>'
    body = f"<p>{gap.join(escape(part) for part in text.split(GAP))}</p>"
    css = (
        f"p {{ font-size: {style.size_pt}pt; line-height: {height:.2f}pt; text-align: center;"
        f" white-space: nowrap; font-style: {'italic' if style.italic else 'normal'}; color: #000 }}"
    )
    return page_pdf(body, css, width=width, height=height)


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def import_face(writer: IncrementalPdfFileWriter, pdf: bytes) -> generic.IndirectObject:
    """The face's page as a form XObject of this writer (its BBox is the page: the field's size)."""
    return writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)), page_ix=0)


def widget_size(field: generic.DictionaryObject) -> tuple[float, float]:
    widget = field if "/Rect" in field else field["/Kids"][0].get_object()
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    return abs(x1 - x0), abs(y1 - y0)


def set_line_fields(writer: IncrementalPdfFileWriter, lines: Mapping[str, str], *, filled: bool) -> set[str]:
    """Draw each named line field's face in this revision; its value is the printed line once filled.

    Returns the names found. A blank line keeps the value empty: the field is still to be filled.
    """
    found: set[str] = set()
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        name = str(field.get("/T", ""))
        if field.get("/FT") != "/Tx" or name not in lines:
            continue
        width, height = widget_size(field)
        face = line_face(lines[name], LINE_STYLES[name], width=width, height=height)
        field["/V"] = generic.TextStringObject(lines[name] if filled else "")
        field["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): import_face(writer, face)})
        writer.update_container(field)
        found.add(name)
    return found
