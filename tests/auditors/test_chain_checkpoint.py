"""The chain page and its last signed checkpoint: checked from the checkpoint on, bounded, and a forgery shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from audit.checkpoints import make_checkpoint
from audit.models import AuditEvent
from auditors.chain import chain_status
from tests.audit.conftest import tampering
from tests.audit.test_checkpoints import rehash_chain
from tests.factories import Office, advance, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoints(settings, tmp_path: Path) -> Path:
    settings.AUDIT_CHECKPOINT_KEY = tmp_path / "keys" / "audit-checkpoint.pem"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.AUDIT_CHECKPOINT_DIR.mkdir()
    return settings.AUDIT_CHECKPOINT_DIR


def test_the_page_shows_the_last_checkpoint_and_checks_only_what_came_after(
    client, office: Office, checkpoints: Path
) -> None:
    advance(make_draft(office), office, to="issued")  # events 1–6
    call_command("audit_checkpoint", out=checkpoints / "2026-11-24T10.json")
    advance(make_draft(office), office, to="in_review")  # events 7–8
    status = chain_status(organization_id=office.organization.pk)
    assert status.intact
    assert status.checkpoint.sequence == 6
    assert status.checkpoint.signature_valid
    assert (status.check.first_sequence, status.check.last_sequence, status.check.checked) == (7, 8, 2)
    client.force_login(office.auditor)
    page = client.get(reverse("auditors:chain")).content.decode()
    assert 'data-result="intact"' in page
    assert "#6" in page
    assert "hợp lệ" in page


def test_a_rehashed_chain_passes_the_hashes_but_not_the_checkpoint(client, office: Office, checkpoints: Path) -> None:
    advance(make_draft(office), office, to="issued")
    call_command("audit_checkpoint", out=checkpoints / "cp.json")
    victim = AuditEvent.objects.get(organization=office.organization, sequence=3)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["Kẻ giả mạo", victim.pk])
    rehash_chain(organization_id=office.organization.pk)  # every hash recomputed: only the checkpoint knows
    client.force_login(office.auditor)
    page = client.get(reverse("auditors:chain")).content.decode()
    assert 'data-result="broken"' in page
    assert 'Chuỗi còn giữ điểm này</dt><dd><span class="broken">' in page


def test_a_checkpoint_signed_with_another_key_is_shown_as_invalid(office: Office, checkpoints: Path) -> None:
    advance(make_draft(office), office, to="in_review")
    forged = make_checkpoint(private_key=Ed25519PrivateKey.generate())
    (checkpoints / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    call_command("audit_checkpoint", out=Path("/dev/null"))  # creates the trusted key
    status = chain_status(organization_id=office.organization.pk)
    assert not status.checkpoint.signature_valid
    assert not status.intact
    assert status.check.first_sequence == 1  # an untrusted checkpoint is no starting point


def test_the_check_is_bounded_and_says_where_it_stopped(office: Office, checkpoints: Path) -> None:
    advance(make_draft(office), office, to="issued")  # 6 events
    status = chain_status(organization_id=office.organization.pk, limit=4)
    assert status.check.chain_break is None
    assert not status.check.complete
    assert status.check.last_sequence == 4
