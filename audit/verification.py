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
    # A stable name for the kind of break (removed, previous_hash, hash_version, edited, head), for a UI's own words.
    code: str = ""

    def __str__(self) -> str:
        where = f"event #{self.sequence} (id {self.event_id})" if self.sequence is not None else "chain head"
        return f"organization {self.organization_id}: {where}: {self.reason}"


@dataclass(frozen=True)
class RangeCheck:
    """What `verify_chain_range` saw: the first break, or none up to `last_sequence` (with `complete` False when
    it stopped at its limit before the chain's end)."""

    chain_break: ChainBreak | None
    first_sequence: int
    last_sequence: int
    checked: int
    complete: bool


def verify_chain_range(
    organization_id: int, *, after_sequence: int = 0, after_hash: str = GENESIS_HASH, limit: int | None = None
) -> RangeCheck:
    """Recompute the chain from the event after `after_sequence` (whose hash is `after_hash`, e.g. pinned by a
    signed checkpoint), at most `limit` events. The head is compared only when the end was reached."""
    previous_hash = after_hash
    expected_sequence = after_sequence + 1
    hash_version = min(HASH_VERSIONS)
    if after_sequence:
        # The version may not go below the one of the event the range starts after.
        pinned = AuditEvent.objects.filter(organization_id=organization_id, sequence=after_sequence)
        hash_version = pinned.values_list("hash_version", flat=True).first() or hash_version
    queryset = AuditEvent.objects.filter(organization_id=organization_id, sequence__gt=after_sequence).order_by(
        "sequence"
    )
    if limit is not None:
        queryset = queryset[: limit + 1]  # one more tells whether the chain goes on

    def stop(chain_break: ChainBreak) -> RangeCheck:
        return RangeCheck(chain_break, after_sequence + 1, expected_sequence - 1, checked, True)

    checked = 0
    events: Iterable[AuditEvent] = queryset.iterator(chunk_size=2000)
    for event in events:
        if limit is not None and checked == limit:
            return RangeCheck(None, after_sequence + 1, expected_sequence - 1, checked, False)
        if event.sequence != expected_sequence:
            return stop(
                ChainBreak(
                    organization_id,
                    event.sequence,
                    event.pk,
                    f"sequence jumps from {expected_sequence - 1} to {event.sequence}: an event was removed",
                    "removed",
                )
            )
        if event.previous_hash != previous_hash:
            return stop(
                ChainBreak(
                    organization_id, event.sequence, event.pk, "previous hash does not match the chain", "previous_hash"
                )
            )
        # Versions only go up along a chain: an old payload after a newer one is a downgrade.
        if event.hash_version not in HASH_VERSIONS or event.hash_version < hash_version:
            return stop(
                ChainBreak(
                    organization_id,
                    event.sequence,
                    event.pk,
                    f"unknown or lowered hash version {event.hash_version}",
                    "hash_version",
                )
            )
        hash_version = event.hash_version
        payload = stored_event_payload(event)
        if chain_hash(previous_hash, payload) != event.hash:
            return stop(
                ChainBreak(
                    organization_id, event.sequence, event.pk, "content does not match its hash: edited", "edited"
                )
            )
        previous_hash = event.hash
        expected_sequence += 1
        checked += 1

    last_sequence = expected_sequence - 1
    head = AuditChainHead.objects.filter(organization_id=organization_id).first()
    head_sequence = head.last_sequence if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_sequence != last_sequence or head_hash != previous_hash:
        return stop(
            ChainBreak(
                organization_id,
                None,
                None,
                f"the chain ends at #{last_sequence} but its head records #{head_sequence}: "
                "events were removed or added",
                "head",
            )
        )
    return RangeCheck(None, after_sequence + 1, last_sequence, checked, True)


def verify_chain(organization_id: int) -> ChainBreak | None:
    """None when the chain is intact; otherwise the first break."""
    return verify_chain_range(organization_id).chain_break


def verify_all() -> list[ChainBreak]:
    organization_ids = set(AuditEvent.objects.values_list("organization_id", flat=True).distinct())
    organization_ids |= set(AuditChainHead.objects.values_list("organization_id", flat=True))
    breaks = [verify_chain(org_id) for org_id in sorted(organization_ids)]
    return [b for b in breaks if b is not None]
