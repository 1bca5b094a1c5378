"""The chain check shown on the desk: from the last signed checkpoint when there is one, with a limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from audit.checkpoints import (
    CheckpointError,
    checkpoint_key_path,
    load_public_key,
    read_checkpoint,
    verify_against_checkpoint,
)
from audit.hashing import GENESIS_HASH
from audit.models import AuditChainHead
from audit.verification import RangeCheck, verify_chain_range

# Events recomputed per page view at most (about a second on a busy machine); the rest waits for the next look
# or for `manage.py verify_audit`.
CHECK_LIMIT = 50_000


def checkpoint_dir() -> Path:
    """Where the checkpoint job writes its files (`audit_checkpoint --out <dir>/<time>.json`)."""
    configured = getattr(settings, "AUDIT_CHECKPOINT_DIR", None)
    return Path(configured) if configured else Path(settings.AUDIT_CHECKPOINT_KEY).parent / "checkpoints"


@dataclass
class LastCheckpoint:
    path: str
    sequence: int | None
    time: dt.datetime | None
    taken_at: dt.datetime | None
    signature_valid: bool
    holds: bool  # the chain still has the pinned event with the pinned hash
    pinned_hash: str = ""
    problem: str = ""


@dataclass
class ChainStatus:
    head_sequence: int
    check: RangeCheck
    checkpoint: LastCheckpoint | None

    @property
    def intact(self) -> bool:
        return self.check.chain_break is None and (self.checkpoint is None or self.checkpoint.holds)


def _time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def last_checkpoint(*, organization_id: int) -> LastCheckpoint | None:
    """The newest checkpoint file that pins this organization, its signature checked with the configured key."""
    directory = checkpoint_dir()
    if not directory.is_dir():
        return None
    for path in sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            checkpoint = read_checkpoint(path=path)
        except CheckpointError:
            continue
        pinned = next(
            (c for c in checkpoint["body"].get("chains", []) if c.get("organization") == organization_id), None
        )
        if pinned is None:
            continue
        found = LastCheckpoint(
            path=path.name,
            sequence=pinned.get("sequence"),
            time=_time(pinned.get("time")),
            taken_at=_time(checkpoint["body"].get("taken_at")),
            signature_valid=False,
            holds=False,
            pinned_hash=pinned.get("hash", ""),
        )
        try:
            breaks = verify_against_checkpoint(
                checkpoint=checkpoint, public_key=load_public_key(path=checkpoint_key_path())
            )
        except CheckpointError as error:
            found.problem = str(error)
            return found
        found.signature_valid = True
        found.holds = not any(b.organization_id == organization_id for b in breaks)
        return found
    return None


def chain_status(*, organization_id: int, limit: int = CHECK_LIMIT) -> ChainStatus:
    """Recompute the chain after the last checkpoint that holds (signed by the trusted key, pinned event
    unchanged); otherwise from the first event. At most `limit` events."""
    checkpoint = last_checkpoint(organization_id=organization_id)
    start, start_hash = 0, GENESIS_HASH
    if checkpoint is not None and checkpoint.signature_valid and checkpoint.holds and checkpoint.sequence:
        start, start_hash = checkpoint.sequence, checkpoint.pinned_hash
    head = AuditChainHead.objects.filter(organization_id=organization_id).first()
    return ChainStatus(
        head_sequence=head.last_sequence if head else 0,
        check=verify_chain_range(organization_id, after_sequence=start, after_hash=start_hash, limit=limit),
        checkpoint=checkpoint,
    )
