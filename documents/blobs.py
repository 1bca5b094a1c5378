"""The bytes of issued PDFs, attachments and archive copies: content-addressed files in Django's storage "documents".

Every file is stored under `sha256/ab/cd/<hex>` (its own SHA-256); rows keep that hash as their only reference
and `get` checks it on every read, so storage that was tampered with or lost a file never serves bad bytes.
The storage is the file system by default and S3-compatible object storage in production (config.settings,
STORAGES["documents"]; docs/adr/0006-files-in-content-addressed-storage.md).

Writes come before the database rows that reference them: a transaction that rolls back afterwards leaves a file
nobody references, which is harmless (same bytes, same name) and removed by `manage.py sweep_blobs`.
The key layout and `put`'s logic are copied in documents/migrations/0020_blobs_out_of_db.py: change them together.
"""

from __future__ import annotations

import hashlib
import logging
import re

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from core.errors import IntegrityFailed

STORAGE_ALIAS = "documents"
PREFIX = "sha256"
_HEX = re.compile(r"[0-9a-f]{64}")

logger = logging.getLogger(__name__)


def storage() -> Storage:
    return storages[STORAGE_ALIAS]


def key(sha256: str) -> str:
    """The storage name of the file with this hash; anything but 64 lowercase hex digits is refused (no paths)."""
    if not _HEX.fullmatch(sha256 or ""):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return f"{PREFIX}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def key_or_none(sha256: str) -> str | None:
    return key(sha256) if _HEX.fullmatch(sha256 or "") else None


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(data: bytes) -> str:
    """Store `data` (once: a file already there has these very bytes) and return its SHA-256 hex digest."""
    sha256 = digest(data)
    name = key(sha256)
    where = storage()
    if not where.exists(name):
        # The storage overwrites (allow_overwrite / S3's file_overwrite): a writer racing us writes the same bytes.
        saved = where.save(name, ContentFile(data))
        if saved != name:  # a storage that renames on conflict would break the addressing: say so, loudly
            raise RuntimeError(f"storage {STORAGE_ALIAS!r} saved {name} as {saved}; it must overwrite")
    return sha256


def get(sha256: str) -> bytes:
    """The bytes stored under `sha256`, checked against it. A missing or different file raises IntegrityFailed
    (logged at CRITICAL): never bad bytes."""
    name = key(sha256)
    try:
        with storage().open(name, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        logger.critical("blob %s is missing from storage %r", name, STORAGE_ALIAS)
        raise IntegrityFailed(
            "Tệp lưu trữ của văn bản không còn trong kho lưu trữ; hệ thống không trả được tệp này."
            " Vui lòng báo quản trị hệ thống.",
            details={"sha256": sha256},
        ) from None
    found = digest(data)
    if found != sha256:
        logger.critical("blob %s fails its hash check (found %s): storage %r was changed", name, found, STORAGE_ALIAS)
        raise IntegrityFailed(details={"sha256": sha256})
    return data


def exists(sha256: str) -> bool:
    return storage().exists(key(sha256))
