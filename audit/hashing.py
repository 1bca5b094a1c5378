"""The canonical form of an audit event and its hash. Changing this breaks every stored chain."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


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
) -> dict[str, Any]:
    return {
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


def chain_hash(previous_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((previous_hash + canonical_json(payload)).encode("utf-8")).hexdigest()
