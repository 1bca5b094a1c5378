"""Signed checkpoints catch what a chain-wide forgery hides from `verify_audit`: re-hashing, truncation, a cut."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.checkpoints import make_checkpoint, public_key_pem
from audit.hashing import chain_hash, stored_event_payload
from audit.models import AuditChainHead, AuditEvent
from tests.audit.conftest import tampering
from tests.factories import Office, advance, make_draft, make_office


@pytest.fixture
def key_path(settings, tmp_path: Path) -> Path:
    settings.AUDIT_CHECKPOINT_KEY = tmp_path / "keys" / "audit-checkpoint.pem"
    return settings.AUDIT_CHECKPOINT_KEY


@pytest.fixture
def checkpoint(lifecycle: Office, key_path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", out=out)
    return out


def rehash_chain(*, organization_id: int) -> None:
    """The attack of issue 7: with the trigger out of the way, recompute every hash and the head."""
    previous_hash = "0" * 64
    with tampering():
        for event in AuditEvent.objects.filter(organization_id=organization_id).order_by("sequence"):
            event.previous_hash = previous_hash
            event.hash = chain_hash(previous_hash, stored_event_payload(event))
            AuditEvent.objects.filter(pk=event.pk).update(previous_hash=event.previous_hash, hash=event.hash)
            previous_hash = event.hash
        AuditChainHead.objects.filter(organization_id=organization_id).update(last_hash=previous_hash)


def verify_with(checkpoint: Path, **options: object) -> None:
    call_command("verify_audit", checkpoint=[checkpoint], **options)


@pytest.mark.django_db
def test_the_key_is_created_on_first_use_readable_by_its_owner_only(checkpoint: Path, key_path: Path) -> None:
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    written = json.loads(checkpoint.read_text(encoding="utf-8"))
    assert "PRIVATE" not in checkpoint.read_text(encoding="utf-8")
    assert written["public_key"].startswith("-----BEGIN PUBLIC KEY-----")


@pytest.mark.django_db
def test_the_checkpoint_pins_each_organizations_head(checkpoint: Path, lifecycle: Office) -> None:
    head = AuditChainHead.objects.get(organization=lifecycle.organization)
    last = AuditEvent.objects.get(organization=lifecycle.organization, sequence=head.last_sequence)
    chains = json.loads(checkpoint.read_text(encoding="utf-8"))["body"]["chains"]
    assert chains == [
        {
            "organization": lifecycle.organization.pk,
            "sequence": head.last_sequence,
            "hash": head.last_hash,
            "time": last.created_at.isoformat(timespec="microseconds"),
        }
    ]


@pytest.mark.django_db
def test_a_chain_that_only_grew_passes(checkpoint: Path, lifecycle: Office) -> None:
    # given more events, in this organization and a new one, after the checkpoint
    advance(make_draft(lifecycle), lifecycle, to="signed")
    other = make_office()
    advance(make_draft(other), other, to="in_review")

    verify_with(checkpoint)  # exits 0


@pytest.mark.django_db
def test_a_rehashed_chain_passes_alone_but_not_against_the_checkpoint(checkpoint: Path, lifecycle: Office) -> None:
    # given a forger who changes who signed and re-hashes the whole chain, head included
    signed = AuditEvent.objects.filter(organization=lifecycle.organization, action="document.sign").first()
    with tampering():
        AuditEvent.objects.filter(pk=signed.pk).update(actor_name="Người Khác")
    rehash_chain(organization_id=lifecycle.organization.pk)
    call_command("verify_audit")  # the chain alone is consistent again

    # then the checkpoint names the organization and what happened
    with pytest.raises(CommandError, match=rf"organization {lifecycle.organization.pk}: .*re-hashed"):
        verify_with(checkpoint)


@pytest.mark.django_db
def test_a_truncated_log_fails_against_the_checkpoint(checkpoint: Path, lifecycle: Office) -> None:
    # given both audit tables emptied by someone who got past the triggers
    with tampering():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The test's own transaction still holds deferred foreign-key checks; TRUNCATE wants none.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("TRUNCATE audit_auditevent, audit_auditchainhead")
        else:
            AuditEvent.objects.all().delete()
            AuditChainHead.objects.all().delete()
    call_command("verify_audit")  # nothing left to contradict itself

    with pytest.raises(CommandError, match=rf"organization {lifecycle.organization.pk}: .*truncated"):
        verify_with(checkpoint)


@pytest.mark.django_db
def test_a_chain_cut_below_the_checkpoint_fails(checkpoint: Path, lifecycle: Office) -> None:
    # given the last events removed and the head moved back so the chain is consistent again
    events = list(AuditEvent.objects.filter(organization=lifecycle.organization).order_by("sequence"))
    keep = events[:-3]
    with tampering():
        AuditEvent.objects.filter(pk__in=[e.pk for e in events[-3:]]).delete()
        AuditChainHead.objects.filter(organization=lifecycle.organization).update(
            last_sequence=keep[-1].sequence, last_hash=keep[-1].hash
        )
    call_command("verify_audit")

    with pytest.raises(CommandError, match=rf"organization {lifecycle.organization.pk}: .*cut"):
        verify_with(checkpoint)


@pytest.mark.django_db
def test_a_missing_pinned_event_fails(checkpoint: Path, lifecycle: Office) -> None:
    head = AuditChainHead.objects.get(organization=lifecycle.organization)
    with tampering():
        AuditEvent.objects.filter(organization=lifecycle.organization, sequence=head.last_sequence).delete()
    with pytest.raises(CommandError, match="missing"):
        verify_with(checkpoint)


@pytest.mark.django_db
def test_a_checkpoint_re_signed_by_a_forger_is_refused(checkpoint: Path, lifecycle: Office, tmp_path: Path) -> None:
    # given a re-hashed chain and a fresh checkpoint signed with the forger's own key, public key included
    with tampering():
        AuditEvent.objects.filter(organization=lifecycle.organization, sequence=2).update(actor_name="Người Khác")
    rehash_chain(organization_id=lifecycle.organization.pk)
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(make_checkpoint(private_key=Ed25519PrivateKey.generate())), encoding="utf-8")

    with pytest.raises(CommandError, match="signature does not verify"):
        verify_with(forged)


@pytest.mark.django_db
def test_an_edited_checkpoint_is_refused(checkpoint: Path, lifecycle: Office) -> None:
    written = json.loads(checkpoint.read_text(encoding="utf-8"))
    written["body"]["chains"][0]["sequence"] -= 1
    checkpoint.write_text(json.dumps(written), encoding="utf-8")
    with pytest.raises(CommandError, match="signature does not verify"):
        verify_with(checkpoint)


@pytest.mark.django_db
def test_an_auditor_verifies_with_the_public_key_only(
    checkpoint: Path, lifecycle: Office, key_path: Path, settings, tmp_path: Path
) -> None:
    # given an auditor's machine with the public key and no private key
    public = tmp_path / "audit-checkpoint.pub"
    public.write_text(json.loads(checkpoint.read_text(encoding="utf-8"))["public_key"], encoding="utf-8")
    settings.AUDIT_CHECKPOINT_KEY = tmp_path / "absent.pem"

    verify_with(checkpoint, public_key=public)  # exits 0

    other = tmp_path / "other.pub"
    other.write_text(public_key_pem(Ed25519PrivateKey.generate().public_key()), encoding="utf-8")
    with pytest.raises(CommandError, match="signature does not verify"):
        verify_with(checkpoint, public_key=other)
    with pytest.raises(CommandError, match="cannot read"):
        verify_with(checkpoint)


@pytest.mark.django_db
def test_no_checkpoint_of_a_broken_chain(lifecycle: Office, key_path: Path, tmp_path: Path) -> None:
    with tampering():
        AuditEvent.objects.filter(organization=lifecycle.organization, sequence=2).update(action="forged")
    with pytest.raises(CommandError, match="no checkpoint written"):
        call_command("audit_checkpoint", out=tmp_path / "checkpoint.json")
    assert not (tmp_path / "checkpoint.json").exists()
