"""Expiry warnings of signing certificates: once per credential, threshold and person — a second run writes
nothing; the organization's certificate warns its clerk and head; the command and the beat entry exist."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from audit.models import AuditEvent
from notifications.credential_warnings import warn_expiring_credentials
from notifications.models import CredentialExpiryWarning
from signing.ca import issue_key
from signing.models import Backend
from tests.signing.conftest import test_ca  # noqa: F401 - fixture
from tests.signing.credentials_helpers import register

pytestmark = pytest.mark.django_db


def _der(ca, name: str, days: int) -> bytes:
    now = dt.datetime.now(dt.UTC)
    issued = issue_key(
        ca,
        common_name=name,
        organization="x",
        not_before=now - dt.timedelta(days=300),
        not_after=now + dt.timedelta(days=days, hours=1),
    )
    return issued.certificate.public_bytes(serialization.Encoding.DER)


def test_each_threshold_is_sent_once_to_the_right_people(office, test_ca, django_capture_on_commit_callbacks):  # noqa: F811
    office.head.email = "truong@example.gov.vn"
    office.head.save(update_fields=["email"])
    soon = register(backend=Backend.PKCS12, der=_der(test_ca, office.head.full_name, 20), user=office.head)
    org = register(
        backend=Backend.PKCS12, der=_der(test_ca, office.organization.name, 5), organization=office.organization
    )
    register(backend=Backend.PKCS12, der=_der(test_ca, office.deputy.full_name, 200), user=office.deputy)

    # the first run: the head's at 30 days, the organization's at 7 days to its clerk and head; the deputy's none
    with django_capture_on_commit_callbacks(execute=True):
        assert warn_expiring_credentials() == 3
    rows = {(w.credential_id, w.threshold_days, w.recipient_id) for w in CredentialExpiryWarning.objects.all()}
    assert rows == {(soon.pk, 30, office.head.pk), (org.pk, 7, office.clerk.pk), (org.pk, 7, office.head.pk)}
    assert AuditEvent.objects.filter(action="signing_credential.expiry_warning").count() == 2
    assert [m.to for m in mail.outbox] == [["truong@example.gov.vn"], ["truong@example.gov.vn"]]
    assert any(soon.serial in m.body and "của anh/chị" in m.body for m in mail.outbox)

    # the second run (and the command) write nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert warn_expiring_credentials() == 0
        out = io.StringIO()
        call_command("warn_expiring_credentials", stdout=out)
    assert "Đã gửi 0" in out.getvalue()
    assert CredentialExpiryWarning.objects.count() == 3
    assert len(mail.outbox) == 2

    # 23 days on, the head's reaches the 7-day threshold: one more, once
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=14)
    assert warn_expiring_credentials(now=later) == 1
    assert warn_expiring_credentials(now=later) == 0
    assert CredentialExpiryWarning.objects.filter(credential=soon, threshold_days=7).count() == 1


def test_the_beat_runs_the_warnings_and_expires_waiting_requests() -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"notifications.tasks.warn_expiring_credentials", "signing.tasks.expire_signature_requests"} <= tasks
