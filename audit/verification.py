"""Recomputing the hash chains: finds the first edited, inserted or removed event of each organization."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from audit.hashing import GENESIS_HASH, HASH_VERSIONS, chain_hash, stored_event_payload
from audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    organization_id: int
    sequence: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.sequence} (id {self.event_id})" if self.sequence is not None else "chain head"
        return f"organization {self.organization_id}: {where}: {self.reason}"


def verify_chain(organization_id: int) -> ChainBreak | None:
    """None when the chain is intact; otherwise the first break."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    hash_version = min(HASH_VERSIONS)
    events: Iterable[AuditEvent] = (
        AuditEvent.objects.filter(organization_id=organization_id).order_by("sequence").iterator(chunk_size=2000)
    )
    for event in events:
        if event.sequence != expected_sequence:
            return ChainBreak(
                organization_id,
                event.sequence,
                event.pk,
                f"sequence jumps from {expected_sequence - 1} to {event.sequence}: an event was removed",
            )
        if event.previous_hash != previous_hash:
            return ChainBreak(organization_id, event.sequence, event.pk, "previous hash does not match the chain")
        # Versions only go up along a chain: an old payload after a newer one is a downgrade.
        if event.hash_version not in HASH_VERSIONS or event.hash_version < hash_version:
            return ChainBreak(
                organization_id, event.sequence, event.pk, f"unknown or lowered hash version {event.hash_version}"
            )
        hash_version = event.hash_version
        payload = stored_event_payload(event)
        if chain_hash(previous_hash, payload) != event.hash:
            return ChainBreak(organization_id, event.sequence, event.pk, "content does not match its hash: edited")
        previous_hash = event.hash
        expected_sequence += 1

    last_sequence = expected_sequence - 1
    head = AuditChainHead.objects.filter(organization_id=organization_id).first()
    head_sequence = head.last_sequence if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_sequence != last_sequence or head_hash != previous_hash:
        return ChainBreak(
            organization_id,
            None,
            None,
            f"the chain ends at #{last_sequence} but its head records #{head_sequence}: events were removed or added",
        )
    return None


def verify_all() -> list[ChainBreak]:
    organization_ids = set(AuditEvent.objects.values_list("organization_id", flat=True).distinct())
    organization_ids |= set(AuditChainHead.objects.values_list("organization_id", flat=True))
    breaks = [verify_chain(org_id) for org_id in sorted(organization_ids)]
    return [b for b in breaks if b is not None]
