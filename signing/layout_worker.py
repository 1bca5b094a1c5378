"""WeasyPrint's layout in a child process that the caller can kill when it overruns (signing.rendering).

No Django import here: the child comes from multiprocessing's fork server, which preloads this module
(through `signing.layout_server`) with WeasyPrint warmed up, then forks a clean, single-threaded copy per
rendering. Imported by the Django process only on its first rendering (WeasyPrint takes a second to load).
"""

from __future__ import annotations

import logging
from multiprocessing.connection import Connection
from typing import Any

from weasyprint import HTML

# WeasyPrint logs each layout step at INFO; at the project's default level that is noise per PDF.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_VARIANT = "pdf/a-2b"
_PX_TO_PT = 0.75  # CSS px are 1/96 in, PDF points 1/72 in

# (page index, (x0, y0, x1, y1) in PDF points, origin bottom-left), or None when the anchor is missing
AnchorBox = tuple[int, tuple[float, float, float, float]] | None


def anchor_box(layout: Any, anchor: str) -> AnchorBox:
    for index, page in enumerate(layout.pages):
        if anchor in page.anchors:
            x0, y0, x1, y1 = page.anchors[anchor]
            height = page.height
            return index, (x0 * _PX_TO_PT, (height - y1) * _PX_TO_PT, x1 * _PX_TO_PT, (height - y0) * _PX_TO_PT)
    return None


def lay_out(html: str, anchors: tuple[str, ...]) -> tuple[bytes, int, dict[str, AnchorBox]]:
    """The PDF (with AcroForm fields), its page count and where each anchor landed."""
    layout = HTML(string=html, base_url=None).render(pdf_forms=True)
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
