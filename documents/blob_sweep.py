"""Removes files of the "documents" storage that no row references any more (documents.blobs).

A file is written before the row that references it, so a rolled-back transaction or a removed attachment leaves
one behind. Only files older than `older_than` go (a file younger may belong to a transaction still running),
and each is looked up once more just before it is removed. Files carry no domain state (rows and their audit
events keep the hashes), so no audit event: the removals are logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from documents import blobs
from documents.models import Attachment, AttachmentCopy, DocumentArtifact

logger = logging.getLogger(__name__)
REFERENCING = (DocumentArtifact, Attachment, AttachmentCopy)


@dataclass
class SweepReport:
    seen: int = 0
    kept_referenced: int = 0
    kept_young: int = 0
    removed: list[str] = field(default_factory=list)


def _stored_hashes() -> Iterator[str]:
    storage = blobs.storage()
    try:
        top = storage.listdir(blobs.PREFIX)[0]
    except FileNotFoundError:  # nothing stored yet (file system; S3 lists an empty prefix)
        return
    for first in top:
        for second in storage.listdir(f"{blobs.PREFIX}/{first}")[0]:
            for name in storage.listdir(f"{blobs.PREFIX}/{first}/{second}")[1]:
                if blobs.key_or_none(name) == f"{blobs.PREFIX}/{first}/{second}/{name}":
                    yield name


def _referenced(sha256: str) -> bool:
    return any(model.objects.filter(sha256=sha256).exists() for model in REFERENCING)


def sweep_blobs(*, older_than: dt.timedelta = dt.timedelta(days=1), dry_run: bool = False) -> SweepReport:
    referenced: set[str] = set()
    for model in REFERENCING:
        referenced.update(model.objects.values_list("sha256", flat=True).distinct())
    storage = blobs.storage()
    limit = timezone.now() - older_than
    report = SweepReport()
    for sha256 in _stored_hashes():
        report.seen += 1
        if sha256 in referenced:
            report.kept_referenced += 1
            continue
        name = blobs.key(sha256)
        if storage.get_modified_time(name) > limit:
            report.kept_young += 1
            continue
        if _referenced(sha256):  # referenced since the first look
            report.kept_referenced += 1
            continue
        if not dry_run:
            storage.delete(name)
            logger.info("removed unreferenced blob %s", name)
        report.removed.append(sha256)
    return report
