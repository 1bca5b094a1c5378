"""Every stored column of an event is under its hash (v2); chains written under v1 still verify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from audit.hashing import CURRENT_HASH_VERSION, HASH_VERSION_1, chain_hash, event_payload
from audit.models import AuditChainHead, AuditEvent
from audit.verification import verify_all, verify_chain
from tests.audit.conftest import tampering
from tests.factories import Office, UserFactory, advance, make_draft, make_office

# Every column but the surrogate id: the value a forger writes instead of the stored one.
MUTATIONS: dict[str, Callable[[AuditEvent], Any]] = {
    "organization": lambda event: make_office().organization.pk,
    "sequence": lambda event: event.sequence + 1,
    "created_at": lambda event: event.created_at + dt.timedelta(seconds=1),
    "actor": lambda event: UserFactory(full_name="Người Khác").pk,
    "actor_name": lambda event: "Người Khác",
    "action": lambda event: "document.cancel",
    "object_type": lambda event: "documents.forged",
    "object_id": lambda event: "999999",
    "from_state": lambda event: "forged",
    "to_state": lambda event: "forged",
    "details": lambda event: {**event.details, "comment": "đã sửa"},
    "client_address": lambda event: "203.0.113.9",
    "previous_hash": lambda event: "f" * 64,
    "hash": lambda event: "e" * 64,
    "hash_version": lambda event: HASH_VERSION_1,
}


def test_the_mutations_cover_every_stored_column() -> None:
    columns = {field.name for field in AuditEvent._meta.concrete_fields} - {"id"}
    assert set(MUTATIONS) == columns


@pytest.mark.django_db
@pytest.mark.parametrize("column", sorted(MUTATIONS))
def test_editing_any_column_breaks_the_chain_at_that_event(lifecycle: Office, column: str) -> None:
    # given the last event of a chain (so that a changed sequence stays in place)
    victim = AuditEvent.objects.filter(organization=lifecycle.organization).order_by("-sequence").first()
    assert victim.hash_version == CURRENT_HASH_VERSION
    new_value = MUTATIONS[column](victim)
    field = AuditEvent._meta.get_field(column)

    # when a forger rewrites that one column
    with tampering():
        AuditEvent.objects.filter(pk=victim.pk).update(**{field.attname: new_value})

    # then verification fails and names the event
    assert victim.pk in [chain_break.event_id for chain_break in verify_all()]
    with pytest.raises(CommandError, match=rf"\(id {victim.pk}\)"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_actor_name_edit_is_caught_the_exact_attack_of_issue_7(lifecycle: Office) -> None:
    # given the event that says who signed the first document
    signed = AuditEvent.objects.filter(organization=lifecycle.organization, action="document.sign").first()
    # when only the name shown in history is changed
    with tampering():
        AuditEvent.objects.filter(pk=signed.pk).update(actor_name="Người Khác")

    # then the event is named as edited
    chain_break = verify_chain(lifecycle.organization.pk)
    assert (chain_break.event_id, "edited" in chain_break.reason) == (signed.pk, True)


def _append_as_v1(*, office: Office, action: str) -> AuditEvent:
    """An event as the code before hash v2 wrote it (payload without actor_name)."""
    head, _ = AuditChainHead.objects.get_or_create(
        organization=office.organization, defaults={"last_sequence": 0, "last_hash": "0" * 64}
    )
    sequence, created_at = head.last_sequence + 1, timezone.now()
    payload = event_payload(
        organization_id=office.organization.pk,
        sequence=sequence,
        created_at=created_at,
        actor_id=office.head.pk,
        action=action,
        object_type="",
        object_id="",
        from_state="",
        to_state="",
        details={},
        client_address=None,
        hash_version=HASH_VERSION_1,
    )
    event = AuditEvent.objects.create(
        organization=office.organization,
        sequence=sequence,
        created_at=created_at,
        actor=office.head,
        actor_name=str(office.head),
        action=action,
        details={},
        previous_hash=head.last_hash,
        hash=chain_hash(head.last_hash, payload),
        hash_version=HASH_VERSION_1,
    )
    AuditChainHead.objects.filter(pk=head.pk).update(last_sequence=sequence, last_hash=event.hash)
    return event


@pytest.mark.django_db
def test_a_chain_begun_under_v1_still_verifies_and_goes_on_under_v2(office: Office) -> None:
    # given events written before the upgrade
    with transaction.atomic():
        _append_as_v1(office=office, action="legacy.one")
        _append_as_v1(office=office, action="legacy.two")

    # when the lifecycle goes on with today's code
    advance(make_draft(office), office, to="signed")

    # then the chain mixes both versions and is intact
    versions = list(AuditEvent.objects.filter(organization=office.organization).values_list("hash_version", flat=True))
    assert versions[:2] == [1, 1]
    assert set(versions[2:]) == {CURRENT_HASH_VERSION}
    assert verify_chain(office.organization.pk) is None


@pytest.mark.django_db
def test_a_v1_event_after_v2_events_is_a_downgrade(office: Office) -> None:
    # given a chain already under v2
    advance(make_draft(office), office, to="in_review")

    # when a forger appends an event hashed the old way (its hash is well formed)
    with transaction.atomic():
        forged = _append_as_v1(office=office, action="document.sign")

    # then verification names it
    chain_break = verify_chain(office.organization.pk)
    assert (chain_break.event_id, "hash version" in chain_break.reason) == (forged.pk, True)
