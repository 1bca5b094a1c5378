"""Warnings that a signing certificate expires soon: 30 days before, then 7 days before, once each.

`warn_expiring_credentials` is what `manage.py warn_expiring_credentials` and the daily Celery task
`notifications.tasks.warn_expiring_credentials` run. It asks signing's selector (`expiring_credentials`; signing
sits below notifications) and writes, per credential and threshold, one `CredentialExpiryWarning` per recipient
with the audit event in the same transaction; the unique constraint (credential, threshold, recipient) makes a
second run — or a second worker at the same moment — write nothing. E-mail goes after commit to recipients with an
address. Recipients: the person for a personal certificate; for an organization's, its clerks (who seal with it)
and its head.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from notifications.models import CredentialExpiryWarning
from organizations.models import Membership, Role, User
from signing.credentials import expiring_credentials
from signing.models import SigningCredential

logger = logging.getLogger(__name__)

THRESHOLDS = (30, 7)  # days before expiry; each sent once per credential


def _days_left(credential: SigningCredential, now: dt.datetime) -> int:
    return (timezone.localtime(credential.not_after).date() - timezone.localtime(now).date()).days


def _threshold(days_left: int) -> int | None:
    """The tightest threshold reached: a certificate first seen 5 days out gets the 7-day warning only."""
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached else None


def _recipients(credential: SigningCredential) -> list[User]:
    if credential.user_id is not None:
        return [credential.user] if credential.user.is_active else []
    ids = Membership.objects.filter(
        organization_id=credential.organization_id, role__in=(Role.CLERK, Role.HEAD), is_active=True
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _organization_id(credential: SigningCredential) -> int | None:
    if credential.organization_id is not None:
        return credential.organization_id
    return (
        Membership.objects.filter(user_id=credential.user_id, is_active=True)
        .order_by("pk")
        .values_list("organization_id", flat=True)
        .first()
    )


def _message(credential: SigningCredential, days_left: int) -> str:
    whose = f"của cơ quan «{credential.organization.name}»" if credential.organization_id else "của anh/chị"
    return (
        f"Chứng thư số số hiệu {credential.serial} {whose} hết hạn ngày "
        f"{timezone.localtime(credential.not_after):%d/%m/%Y} (còn {days_left} ngày): hãy đề nghị cấp chứng thư "
        "mới và nhờ quản trị đăng ký trước ngày đó để không gián đoạn việc ký số."
    )


def _email(warnings: list[CredentialExpiryWarning]) -> None:
    connection = get_connection()
    for warning in warnings:
        address = warning.recipient.email
        if not address:
            continue
        try:
            EmailMessage(
                "Chứng thư số sắp hết hạn",
                warning.message,
                settings.DEFAULT_FROM_EMAIL,
                [address],
                connection=connection,
            ).send()
        except OSError:  # a mail outage must not undo the record; the row says it was due
            logger.exception("E-mail for credential warning %s failed", warning.pk)


@transaction.atomic
def warn_credential(*, credential: SigningCredential, threshold: int, days_left: int) -> list[CredentialExpiryWarning]:
    """One credential's warning at one threshold, to each recipient not yet warned, with its audit event."""
    message = _message(credential, days_left)
    written = []
    for recipient in _recipients(credential):
        warning, created = CredentialExpiryWarning.objects.get_or_create(
            credential=credential, threshold_days=threshold, recipient=recipient, defaults={"message": message}
        )
        if created:
            written.append(warning)
    organization_id = _organization_id(credential)
    if written and organization_id is not None:
        record_event(
            organization_id=organization_id,
            actor=None,
            action="signing_credential.expiry_warning",
            obj=credential,
            details={
                "serial": credential.serial,
                "threshold_days": threshold,
                "days_left": days_left,
                "recipients": [w.recipient_id for w in written],
            },
        )
    if written:
        transaction.on_commit(lambda: _email(written))
    return written


def warn_expiring_credentials(*, now: dt.datetime | None = None) -> int:
    """Warn about every active certificate within the widest threshold and not expired yet; returns how many
    warnings (person × certificate) were written."""
    now = now or timezone.now()
    count = 0
    widest = dt.timedelta(days=max(THRESHOLDS))
    # The selector counts from the real clock; `now` (tests, a run for another day) narrows it to its own window.
    ahead = max(0, (now - timezone.now()).days + 1)
    rows: Any = expiring_credentials(within_days=max(THRESHOLDS) + ahead).filter(
        not_after__gt=now, not_after__lte=now + widest
    )
    for credential in rows:
        days_left = _days_left(credential, now)
        threshold = _threshold(days_left)
        if threshold is not None:
            count += len(warn_credential(credential=credential, threshold=threshold, days_left=days_left))
    return count
