"""Appending to the hash chain. Only `record_event` writes AuditEvent rows."""

from __future__ import annotations

import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.context import client_address as current_client_address
from audit.hashing import CURRENT_HASH_VERSION, GENESIS_HASH, canonical_json, chain_hash, event_payload
from audit.models import AuditChainHead, AuditEvent


def record_event(
    *,
    organization_id: int,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    details: dict[str, Any] | None = None,
    client_address: str | None = None,
) -> AuditEvent:
    """Append one event to the organization's chain inside the caller's transaction.

    Locks the organization's chain head FOR UPDATE until the caller commits, so events of one
    organization are strictly ordered; other organizations' chains are not blocked.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction that made the change.")
    # Stored as JSON and read back later: hash exactly what the database will give back.
    clean_details = json.loads(canonical_json(details or {}))
    address = client_address if client_address is not None else current_client_address.get()
    head = _locked_head(organization_id)
    sequence = head.last_sequence + 1
    created_at = timezone.now()
    actor_id = getattr(actor, "pk", None)
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    # Cut to the column's width before hashing: the hash covers what is stored.
    actor_name = str(actor)[: AuditEvent._meta.get_field("actor_name").max_length] if actor is not None else ""
    payload = event_payload(
        organization_id=organization_id,
        sequence=sequence,
        created_at=created_at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        from_state=from_state,
        to_state=to_state,
        details=clean_details,
        client_address=address,
        actor_name=actor_name,
        hash_version=CURRENT_HASH_VERSION,
    )
    digest = chain_hash(head.last_hash, payload)
    event = AuditEvent.objects.create(
        organization_id=organization_id,
        sequence=sequence,
        created_at=created_at,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        from_state=from_state,
        to_state=to_state,
        details=clean_details,
        client_address=address,
        previous_hash=head.last_hash,
        hash=digest,
        hash_version=CURRENT_HASH_VERSION,
    )
    head.last_sequence = sequence
    head.last_hash = digest
    head.save(update_fields=["last_sequence", "last_hash"])
    return event


def _locked_head(organization_id: int) -> AuditChainHead:
    """The organization's chain head, locked FOR UPDATE until commit. Locked first, made only if missing: one
    statement on every append but an organization's first (then `INSERT … ON CONFLICT DO NOTHING`, so two first
    events cannot race on creating it, and the lock again)."""
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(organization_id=organization_id).first()
    if head is not None:
        return head
    AuditChainHead.objects.bulk_create(
        [AuditChainHead(organization_id=organization_id, last_sequence=0, last_hash=GENESIS_HASH)],
        ignore_conflicts=True,
    )
    return heads.get(organization_id=organization_id)
