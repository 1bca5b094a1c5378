"""PNG images people upload (a signature, a seal): read by their content, never by the file's name."""

from __future__ import annotations

import io
from dataclasses import dataclass

from core.errors import ValidationFailed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    transparent: bool


def read_png(data: bytes, *, max_bytes: int, what: str) -> Png:
    """The size and transparency of a real PNG of at most `max_bytes`, else ValidationFailed in Vietnamese
    naming `what` ("Ảnh chữ ký"): an .exe renamed .png, a truncated file or a bomb is refused."""
    if len(data) > max_bytes:
        raise ValidationFailed(f"{what} quá lớn (tối đa {max_bytes // (1024 * 1024)} MB).", details={"field": "image"})
    if not data.startswith(PNG_MAGIC):
        raise ValidationFailed("Tệp không phải ảnh PNG (chỉ nhận ảnh .png thật).", details={"field": "image"})
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # the chunks' checksums, without decoding the pixels
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ValidationFailed("Tệp không phải ảnh PNG.", details={"field": "image"})
            transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            return Png(width=image.size[0], height=image.size[1], transparent=transparent)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationFailed("Ảnh PNG bị hỏng, không đọc được.", details={"field": "image"}) from exc
