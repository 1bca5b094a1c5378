"""What the exchange tests share: a small real PDF, a zip of it, folders that stand for the platform."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from exchange.transports import FolderTransport

PACKETS = Path(__file__).resolve().parent / "packets"


def tiny_pdf(text: str = "Ke hoach") -> bytes:
    """A one-page PDF with a correct cross-reference table (pyHanko reads its page count)."""
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def folders(tmp_path: Path) -> FolderTransport:
    return FolderTransport(tmp_path / "in", tmp_path / "out", max_bytes=10_000_000)


def carry(transport: FolderTransport) -> list[str]:
    """The platform's part: every packet in the folder out is delivered to the folder in."""
    transport.inbox.mkdir(parents=True, exist_ok=True)
    moved = []
    for path in sorted(transport.outbox.glob("*.edxml")):
        path.replace(transport.inbox / path.name)
        moved.append(path.name)
    return moved
