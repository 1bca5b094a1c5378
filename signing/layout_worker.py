"""WeasyPrint's layout in a child process that the caller can kill when it overruns (signing.rendering).

No Django import here: the child comes from multiprocessing's fork server, which preloads this module
(through `signing.layout_server`) with WeasyPrint warmed up, then forks a clean, single-threaded copy per
rendering. Imported by the Django process only on its first rendering (WeasyPrint takes a second to load).
"""

from __future__ import annotations

import logging
from multiprocessing.connection import Connection
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes

# WeasyPrint logs each layout step at INFO; at the project's default level that is noise per PDF.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_VARIANT = "pdf/a-2b"
_PX_TO_PT = 0.75  # CSS px are 1/96 in, PDF points 1/72 in
_PX_PER_MM = 96 / 25.4

# Page flow (docs/signing.md, "Page flow"): when the signature block does not fit under the body and leaves more
# than GAP_MM empty at the foot of the page before it, the text is set again a little tighter, then a little
# looser, as a clerk would — line spacing stays within the decree's range (single to 1.5 lines) — and the first
# setting that leaves no such gap is kept. The template's own 1.2 comes first, so most documents render once.
LINE_HEIGHTS = (None, "1.15", "1.25", "1.3")
GAP_MM = 20.0

# (page index, (x0, y0, x1, y1) in PDF points, origin bottom-left), or None when the anchor is missing
AnchorBox = tuple[int, tuple[float, float, float, float]] | None


def anchor_box(layout: Any, anchor: str) -> AnchorBox:
    for index, page in enumerate(layout.pages):
        if anchor in page.anchors:
            x0, y0, x1, y1 = page.anchors[anchor]
            height = page.height
            return index, (x0 * _PX_TO_PT, (height - y1) * _PX_TO_PT, x1 * _PX_TO_PT, (height - y0) * _PX_TO_PT)
    return None


def gap_before_mm(layout: Any, anchor: str) -> float:
    """The empty height at the foot of the page before the one `anchor` (the signature block) landed on, in mm;
    0 when it is on the first page."""
    found = anchor_box(layout, anchor)
    if found is None or found[0] == 0:
        return 0.0
    page = layout.pages[found[0] - 1]._page_box
    lines = [
        box.position_y + box.height
        for child in page.children
        if not isinstance(child, boxes.MarginBox)  # the running page number
        for box in child.descendants()
        if isinstance(box, boxes.LineBox)
    ]
    bottom = page.content_box_y() + page.height
    return max(0.0, (bottom - max(lines, default=page.content_box_y())) / _PX_PER_MM)


def _line_height(value: str) -> CSS:
    # A stylesheet passed to render() is a user sheet: !important lets it win over the template's author rule.
    return CSS(string=f".sheet {{ line-height: {value} !important; }}")


def _fitted(document: HTML, anchor: str | None) -> Any:
    """The layout whose signature block leaves no gap above it (LINE_HEIGHTS); where none does, the one with the
    smallest gap, the template's own first among equals."""
    first = document.render(pdf_forms=True)
    if anchor is None or gap_before_mm(first, anchor) <= GAP_MM:
        return first
    tried = [(gap_before_mm(first, anchor), first)]
    for value in LINE_HEIGHTS[1:]:
        layout = document.render(pdf_forms=True, stylesheets=[_line_height(value)])
        gap = gap_before_mm(layout, anchor)
        if gap <= GAP_MM:
            return layout
        tried.append((gap, layout))
    return min(tried, key=lambda pair: pair[0])[1]


def lay_out(html: str, anchors: tuple[str, ...]) -> tuple[bytes, int, dict[str, AnchorBox]]:
    """The PDF (with AcroForm fields), its page count and where each anchor landed. The first anchor is the
    signature block's, which the page flow keeps without a gap above it (`_fitted`)."""
    layout = _fitted(HTML(string=html, base_url=None), anchors[0] if anchors else None)
    # PDF/A-2b: fonts embedded, an sRGB output intent, XMP identification (docs/signing.md, "PDF/A-2b").
    pdf = layout.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf, len(layout.pages), {a: anchor_box(layout, a) for a in anchors}


def lay_out_into(html: str, anchors: tuple[str, ...], sender: Connection) -> None:
    """The child's entry point: send ("ok", result) or ("error", exception name) back, then exit."""
    try:
        result: tuple[str, Any] = ("ok", lay_out(html, anchors))
    except Exception as exc:  # reported to the parent, which decides; the child only exits
        result = ("error", type(exc).__name__)
    sender.send(result)
    sender.close()
