"""The audit hash chain: intact after a lifecycle; edits, deletions and insertions are caught."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.hashing import chain_hash
from audit.models import AuditEvent
from audit.verification import verify_all, verify_chain
from tests.audit.conftest import tampering
from tests.factories import Office, advance, make_draft


@pytest.mark.django_db
def test_chain_is_intact_after_a_full_lifecycle(lifecycle: Office) -> None:
    events = list(AuditEvent.objects.filter(organization=lifecycle.organization).order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert all(later.previous_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert verify_chain(lifecycle.organization.pk) is None
    call_command("verify_audit")  # exits 0


@pytest.mark.django_db
def test_an_edited_row_is_named(lifecycle: Office) -> None:
    victim = AuditEvent.objects.filter(organization=lifecycle.organization).order_by("sequence")[4]
    with tampering():
        AuditEvent.objects.filter(pk=victim.pk).update(details={"comment": "đã sửa"})

    chain_break = verify_chain(lifecycle.organization.pk)
    assert chain_break is not None
    assert (chain_break.sequence, chain_break.event_id) == (victim.sequence, victim.pk)
    assert "edited" in chain_break.reason
    with pytest.raises(CommandError):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_deleted_row_is_found(lifecycle: Office) -> None:
    victim = AuditEvent.objects.filter(organization=lifecycle.organization).order_by("sequence")[3]
    with tampering():
        AuditEvent.objects.filter(pk=victim.pk).delete()

    chain_break = verify_chain(lifecycle.organization.pk)
    assert chain_break is not None
    assert chain_break.sequence == victim.sequence + 1
    assert "removed" in chain_break.reason


@pytest.mark.django_db
def test_a_deleted_last_row_is_found_through_the_head(lifecycle: Office) -> None:
    with tampering():
        AuditEvent.objects.filter(organization=lifecycle.organization).order_by("-sequence").first().delete()
    chain_break = verify_chain(lifecycle.organization.pk)
    assert chain_break is not None
    assert "head" in chain_break.reason


@pytest.mark.django_db
def test_an_inserted_row_is_found_even_with_a_well_formed_hash(lifecycle: Office) -> None:
    # given a forger who renumbers the tail to slip an event in and recomputes its own hash
    events = list(AuditEvent.objects.filter(organization=lifecycle.organization).order_by("sequence"))
    after = events[2]
    with tampering():
        for event in reversed(events[3:]):
            AuditEvent.objects.filter(pk=event.pk).update(sequence=event.sequence + 1)
    forged = AuditEvent(
        organization=lifecycle.organization,
        sequence=after.sequence + 1,
        created_at=after.created_at,
        action="document.sign",
        object_type="documents.document",
        object_id="999",
        details={},
        previous_hash=after.hash,
        hash="",
        hash_version=2,
    )
    from audit.hashing import event_payload

    forged.hash = chain_hash(
        after.hash,
        event_payload(
            organization_id=forged.organization_id,
            sequence=forged.sequence,
            created_at=forged.created_at,
            actor_id=None,
            action=forged.action,
            object_type=forged.object_type,
            object_id=forged.object_id,
            from_state="",
            to_state="",
            details={},
            client_address=None,
        ),
    )
    forged.save()

    # then verification stops at the first genuine event after it
    chain_break = verify_chain(lifecycle.organization.pk)
    assert chain_break is not None
    assert chain_break.sequence == after.sequence + 2
    assert verify_all() != []


@pytest.mark.django_db
def test_chains_are_per_organization(lifecycle: Office) -> None:
    from tests.factories import make_office

    other = make_office()
    advance(make_draft(other), other, to="signed")
    assert AuditEvent.objects.filter(organization=other.organization).order_by("sequence").first().sequence == 1
    with tampering():
        AuditEvent.objects.filter(organization=other.organization, sequence=2).update(action="document.cancel")
    breaks = verify_all()
    assert [b.organization_id for b in breaks] == [other.organization.pk]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_on_the_log(lifecycle: Office) -> None:
    assert connection.vendor == "postgresql"
    event = AuditEvent.objects.filter(organization=lifecycle.organization).first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == event.action
