"""What poppler reads off a rendered PDF: text per page (`pdftotext`) and where each page's text ends (`-bbox`)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from html import unescape

MM = 72 / 25.4  # PDF points per millimetre
TOP_MARGIN_MM = BOTTOM_MARGIN_MM = 22  # templates/signing/document.html, @page


def pdftotext(pdf: bytes, *, layout: bool = False) -> list[str]:
    """The text of each page, as `pdftotext` (poppler) reads it."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True, timeout=60)  # noqa: S603 - a fixed tool
    out = out.stdout.decode("utf-8")
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def squash(text: str) -> str:
    """Whitespace (NBSP included) as single spaces: the golden lines are compared without the line breaks."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@dataclass(frozen=True)
class PageText:
    height: float  # points
    words: list[tuple[float, float, str]]  # (yMin, yMax, word), top-down

    @property
    def bottom(self) -> float:
        """Where the lowest text of the page ends, in points from the top."""
        return max((y_max for _, y_max, _ in self.words), default=0.0)

    @property
    def fill(self) -> float:
        """How much of the text area (inside the top and bottom margins) the page's text reaches down, 0–1."""
        top, area = TOP_MARGIN_MM * MM, self.height - (TOP_MARGIN_MM + BOTTOM_MARGIN_MM) * MM
        return max(0.0, min(1.0, (self.bottom - top) / area))

    @property
    def gap_mm(self) -> float:
        """The empty height left above the bottom margin, in millimetres."""
        return max(0.0, (self.height - BOTTOM_MARGIN_MM * MM - self.bottom) / MM)

    def first_words(self, count: int, *, below_mm: float = 0) -> str:
        """The page's first words in reading order, skipping a running header above `below_mm`."""
        words = [w for w in self.words if w[0] >= below_mm * MM]
        return " ".join(w[2] for w in words[:count])


def pages_with_boxes(pdf: bytes) -> list[PageText]:
    """Each page's words with their vertical extent (`pdftotext -bbox`)."""
    args = ["pdftotext", "-enc", "UTF-8", "-bbox", "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True, timeout=60)  # noqa: S603 - a fixed tool
    out = out.stdout.decode("utf-8")
    pages = []
    for match in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.DOTALL):
        words = [
            (float(y_min), float(y_max), unescape(word))
            for y_min, y_max, word in re.findall(
                r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', match[3]
            )
        ]
        pages.append(PageText(height=float(match[2]), words=words))
    return pages
