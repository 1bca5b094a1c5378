"""The document's pages as images, as the PDF will print them: the sign page shows them before the signature.

WeasyPrint lays the document out (signing.rendering.render_pdf, bounded in size and time), then poppler's
`pdftoppm -png -r 96` draws each page. Both are slow (tenths of a second a page), so the images are kept in the
cache under the version's content hash and a hash of the printed HTML (the signer, the form and the title lines
print too): the same text and block draw once, whoever opens the page and however often.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from django.core.cache import cache

from documents.errors import DomainError
from documents.models import Document
from signing.rendering import render_html, render_pdf

RESOLUTION_DPI = 96  # an A4 page is 794 px wide: sharp on a phone, small enough to send
CACHE_SECONDS = 24 * 3600
RASTER_TIMEOUT_SECONDS = 60


class PagesUnavailable(DomainError):
    code = "pages_unavailable"
    http_status = 503
    default_message = "Chưa dựng được ảnh các trang của văn bản; vui lòng thử lại sau hoặc mở bản PDF."


def cache_key(document: Document) -> str:
    html = render_html(document, filled=False, for_pdf=True)
    version_hash = document.current_version.content_hash if document.current_version_id else "none"
    return f"signing:pages:{version_hash}:{hashlib.sha256(html.encode()).hexdigest()}"


def page_images(document: Document) -> list[bytes]:
    """The PNG of each page of the PDF the signer signs (number and date still blank)."""
    key = cache_key(document)
    pages = cache.get(key)
    if pages is None:
        pages = rasterize(render_pdf(document, filled=False).pdf)
        cache.set(key, pages, CACHE_SECONDS)
    return pages


def rasterize(pdf: bytes) -> list[bytes]:
    with tempfile.TemporaryDirectory(prefix="trang-") as folder:
        source = Path(folder) / "van-ban.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(  # noqa: S603 - a fixed program and arguments, the PDF is ours
                ["/usr/bin/pdftoppm", "-png", "-r", str(RESOLUTION_DPI), str(source), str(Path(folder) / "trang")],
                check=True,
                capture_output=True,
                timeout=RASTER_TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.SubprocessError) as exc:  # poppler missing, failed or too slow: said, not a 500
            raise PagesUnavailable() from exc
        # pdftoppm pads the page number to the width of the last one (trang-1.png or trang-01.png).
        files = sorted(Path(folder).glob("trang-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
        return [path.read_bytes() for path in files]
