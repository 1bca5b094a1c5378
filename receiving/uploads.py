"""A received file kept between reading it and registering it (the clerk completes the form in between).

Stored under MEDIA_ROOT/arrival-uploads/ by a random name; the form carries a signed token naming the file, its
owner, its original name and its hash, so nobody registers another person's upload or a file changed on disk.
Files older than a day are removed whenever a new one is kept; a registered one is removed at once.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing

from documents.errors import ValidationFailed

_SALT = "receiving.uploads"
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class KeptUpload:
    token: str
    data: bytes
    file_name: str


def _directory() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "arrival-uploads"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _sweep(directory: Path) -> None:
    deadline = time.time() - MAX_AGE_SECONDS
    for path in directory.glob("*.upload"):
        try:
            if path.stat().st_mtime < deadline:
                path.unlink()
        except FileNotFoundError:  # removed by another request meanwhile
            continue


def keep(data: bytes, *, file_name: str, user: Any) -> str:
    """Store the file; the token to give back with the completed form."""
    directory = _directory()
    _sweep(directory)
    key = secrets.token_hex(16)
    (directory / f"{key}.upload").write_bytes(data)
    payload = {"k": key, "u": user.pk, "n": file_name[:255], "h": hashlib.sha256(data).hexdigest()}
    return signing.dumps(payload, salt=_SALT)


def _payload(token: str, user: Any) -> dict[str, Any]:
    try:
        payload = signing.loads(token, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as exc:  # forged, or older than a day (SignatureExpired is a BadSignature)
        raise ValidationFailed("Tệp đã tải lên không còn: hãy tải lại tệp.", details={"field": "upload"}) from exc
    if payload.get("u") != user.pk or not str(payload.get("k", "")).isalnum():
        raise ValidationFailed("Tệp đã tải lên không còn: hãy tải lại tệp.", details={"field": "upload"})
    return payload


def load(token: str, *, user: Any) -> KeptUpload:
    payload = _payload(token, user)
    path = _directory() / f"{payload['k']}.upload"
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ValidationFailed("Tệp đã tải lên không còn: hãy tải lại tệp.", details={"field": "upload"}) from exc
    if hashlib.sha256(data).hexdigest() != payload["h"]:
        raise ValidationFailed("Tệp đã tải lên bị thay đổi: hãy tải lại tệp.", details={"field": "upload"})
    return KeptUpload(token=token, data=data, file_name=payload["n"])


def discard(token: str, *, user: Any) -> None:
    payload = _payload(token, user)
    (_directory() / f"{payload['k']}.upload").unlink(missing_ok=True)
