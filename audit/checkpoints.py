"""Signed checkpoints of the chain heads, kept outside the database (docs/audit.md, "Checkpoints").

A forger who owns the database can re-hash a whole chain so that it verifies again; they cannot sign a
checkpoint, because the Ed25519 key lives in a file the database does not hold. A checkpoint pins, per
organization, the hash at a sequence: the chain must still have that very event there.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.hashing import canonical_json
from audit.models import AuditChainHead, AuditEvent

CHECKPOINT_FORMAT = "vanban-audit-checkpoint/1"


class CheckpointError(Exception):
    """The checkpoint file or key cannot be used at all (unreadable, unsigned, signed by another key)."""


@dataclass(frozen=True)
class CheckpointBreak:
    organization_id: int
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"organization {self.organization_id}: checkpoint #{self.sequence}: {self.reason}"


def checkpoint_key_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_KEY)


def load_or_create_private_key(*, path: Path) -> Ed25519PrivateKey:
    """The signing key; created on first use, readable by its owner only (0600, directory 0700)."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # O_EXCL: two first runs at once must not overwrite each other's key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_private_key(path=path)
        with os.fdopen(fd, "wb") as file:
            file.write(pem)
        return key
    return load_private_key(path=path)


def load_private_key(*, path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise CheckpointError(f"cannot read the checkpoint key {path}: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(*, path: Path) -> Ed25519PublicKey:
    """A PEM public key, or the public half of a PEM private key."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CheckpointError(f"cannot read the public key {path}: {error}") from error
    if b"PRIVATE KEY" in data:
        return load_private_key(path=path).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as error:
        raise CheckpointError(f"{path} is not a PEM public key: {error}") from error
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} is not an Ed25519 public key")
    return key


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def current_heads() -> list[dict[str, Any]]:
    """Each organization's chain head with the time of its last event."""
    with transaction.atomic():
        heads = list(AuditChainHead.objects.filter(last_sequence__gt=0).order_by("organization_id"))
        pinned = Q(pk__in=[])
        for head in heads:
            pinned |= Q(organization_id=head.organization_id, sequence=head.last_sequence)
        times = {
            (organization_id, sequence): created_at
            for organization_id, sequence, created_at in AuditEvent.objects.filter(pinned).values_list(
                "organization_id", "sequence", "created_at"
            )
        }
    return [
        {
            "organization": head.organization_id,
            "sequence": head.last_sequence,
            "hash": head.last_hash,
            "time": _iso(times.get((head.organization_id, head.last_sequence))),
        }
        for head in heads
    ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="microseconds") if value is not None else None


def make_checkpoint(*, private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """The signed document: body (format, time, chains), the signature over its canonical JSON, the public key."""
    body = {"format": CHECKPOINT_FORMAT, "taken_at": _iso(timezone.now()), "chains": current_heads()}
    signature = private_key.sign(canonical_json(body).encode("utf-8"))
    return {
        "body": body,
        "signature": base64.b64encode(signature).decode("ascii"),
        # For the reader's information only: verification uses the configured key, never this one.
        "public_key": public_key_pem(private_key.public_key()),
    }


def read_checkpoint(*, path: Path) -> dict[str, Any]:
    try:
        checkpoint = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CheckpointError(f"cannot read the checkpoint {path}: {error}") from error
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("body"), dict):
        raise CheckpointError(f"{path} is not an audit checkpoint")
    return checkpoint


def check_signature(*, checkpoint: dict[str, Any], public_key: Ed25519PublicKey) -> None:
    """Raises CheckpointError unless the trusted key signed exactly this body."""
    body = checkpoint["body"]
    if body.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"unknown checkpoint format {body.get('format')!r}")
    try:
        signature = base64.b64decode(checkpoint.get("signature", ""), validate=True)
        public_key.verify(signature, canonical_json(body).encode("utf-8"))
    except (InvalidSignature, ValueError, TypeError) as error:
        raise CheckpointError("the checkpoint's signature does not verify with the trusted key") from error


def verify_against_checkpoint(*, checkpoint: dict[str, Any], public_key: Ed25519PublicKey) -> list[CheckpointBreak]:
    """Each organization of a signed checkpoint must still have the pinned event, with the pinned hash.

    Growth after the checkpoint is fine; a chain that is missing, shorter, or re-hashed is a break.
    Events appended after the checkpoint and later cut are beyond its reach: the next checkpoint covers them.
    """
    check_signature(checkpoint=checkpoint, public_key=public_key)
    breaks = []
    for pinned in checkpoint["body"]["chains"]:
        organization_id, sequence, pinned_hash = pinned["organization"], pinned["sequence"], pinned["hash"]
        head = AuditChainHead.objects.filter(organization_id=organization_id).first()
        event = AuditEvent.objects.filter(organization_id=organization_id, sequence=sequence).first()
        if head is None or head.last_sequence < sequence:
            recorded = head.last_sequence if head else "nothing"
            breaks.append(
                CheckpointBreak(
                    organization_id,
                    sequence,
                    f"the chain head records {recorded}, below the checkpoint: the chain was truncated or cut",
                )
            )
        elif event is None:
            breaks.append(CheckpointBreak(organization_id, sequence, "the checkpointed event is missing: truncated"))
        elif event.hash != pinned_hash:
            breaks.append(
                CheckpointBreak(organization_id, sequence, "the event's hash differs from the checkpoint: re-hashed")
            )
    return breaks
