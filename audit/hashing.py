"""The canonical form of an audit event and its hash. Changing a version's payload breaks every chain
stored under it: add a new version instead (docs/audit.md, "Hash versions")."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64
# v1: the first payload (without actor_name); v2: every stored column but the surrogate id and the hash.
HASH_VERSION_1 = 1
HASH_VERSION_2 = 2
CURRENT_HASH_VERSION = HASH_VERSION_2
HASH_VERSIONS = (HASH_VERSION_1, HASH_VERSION_2)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_payload(
    *,
    organization_id: int,
    sequence: int,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    from_state: str,
    to_state: str,
    details: dict[str, Any],
    client_address: str | None,
    actor_name: str = "",
    hash_version: int = CURRENT_HASH_VERSION,
) -> dict[str, Any]:
    """What the hash covers; the previous hash is chained in by `chain_hash`."""
    if hash_version not in HASH_VERSIONS:
        raise ValueError(f"unknown audit hash version {hash_version}")
    payload = {
        "organization": organization_id,
        "sequence": sequence,
        "created_at": created_at.isoformat(timespec="microseconds"),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "from_state": from_state,
        "to_state": to_state,
        "details": details,
        "client_address": client_address,
    }
    if hash_version >= HASH_VERSION_2:
        # The version is hashed too, so relabelling a v2 event as v1 changes what is recomputed.
        payload |= {"actor_name": actor_name, "hash_version": hash_version}
    return payload


def stored_event_payload(event: Any) -> dict[str, Any]:
    """The payload of a stored AuditEvent, under the version it was written with."""
    return event_payload(
        organization_id=event.organization_id,
        sequence=event.sequence,
        created_at=event.created_at,
        actor_id=event.actor_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        from_state=event.from_state,
        to_state=event.to_state,
        details=event.details,
        client_address=event.client_address,
        actor_name=event.actor_name,
        hash_version=event.hash_version,
    )


def chain_hash(previous_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((previous_hash + canonical_json(payload)).encode("utf-8")).hexdigest()
