"""The daily digest: one e-mail per person with the notifications they chose to get "tóm tắt hằng ngày".

`send_digest` is what `manage.py send_digest` and the Celery task `notifications.tasks.send_digest` run, once a
day (17:30 by default). Each person's digest covers the notifications made since their previous one (the first
covers the last 24 hours), that they may still read (notifications.selectors) and whose kind they chose for the
digest (notifications.preferences, decided when the digest is made). It is sent once a day: its `DigestSent` row
(unique per person and day) is written first, in the same transaction that reads what it covers, and the e-mail
leaves after that transaction commits. A second run that day, or one running at the same time, finds the row.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from documents.dates import VIETNAM
from documents.models import Urgency
from notifications.models import DigestSent, EmailChoice, EmailPreference
from notifications.preferences import choice_for, mailboxes
from notifications.selectors import notifications_for
from notifications.services import EMAIL_FOOTER

logger = logging.getLogger(__name__)
FIRST_DIGEST_SPAN = dt.timedelta(days=1)


def send_digest(*, now: dt.datetime | None = None) -> int:
    """Every person who chose a digest for some kind gets today's, once; returns how many e-mails left."""
    now = now or timezone.now()
    people = EmailPreference.objects.filter(choice=EmailChoice.DIGEST).values_list("user_id", flat=True).distinct()
    return sum(digest_for(user_id=user_id, now=now) for user_id in sorted(set(people)))


@transaction.atomic
def digest_for(*, user_id: int, now: dt.datetime) -> bool:
    """One person's digest of the day: marked, then sent after commit. False when already done today, when they
    have no address, or when nothing is due (the mark stays: those notifications go into tomorrow's)."""
    from organizations.models import User

    mailbox = mailboxes([user_id]).get(user_id)
    if mailbox is None:
        return False
    day = now.astimezone(VIETNAM).date()
    previous = DigestSent.objects.filter(user_id=user_id, day__lt=day).order_by("-day").first()
    try:
        with transaction.atomic():
            mark = DigestSent.objects.create(user_id=user_id, day=day, until=now)
    except IntegrityError:  # this person's digest of today exists (made by an earlier or a concurrent run)
        return False
    since = previous.until if previous else now - FIRST_DIGEST_SPAN
    user = User.objects.get(pk=user_id)
    items = [
        notification
        for notification in notifications_for(user=user)
        .filter(created_at__gt=since, created_at__lte=now)
        .select_related("document")
        .order_by("created_at", "pk")
        if choice_for(mailbox.choices, notification.event, urgent=notification.document.urgency != Urgency.NORMAL)
        == EmailChoice.DIGEST
    ]
    mark.count = len(items)
    mark.save(update_fields=["count"])
    if not items:
        return False
    message = _message(day=day, items=items, to=mailbox.email)
    transaction.on_commit(lambda: _send(message, user_id=user_id))
    return True


def _message(*, day: dt.date, items: list[Any], to: str) -> EmailMessage:
    lines = [
        f"- {item.created_at.astimezone(VIETNAM):%H:%M %d/%m/%Y}: {' '.join(item.message.split())}" for item in items
    ]
    body = "\n".join(
        [f"Các thông báo của anh/chị đến ngày {day:%d/%m/%Y} ({len(items)}):", "", *lines, "", EMAIL_FOOTER]
    )
    return EmailMessage(
        f"Tóm tắt thông báo ngày {day:%d/%m/%Y}: {len(items)} thông báo", body, settings.DEFAULT_FROM_EMAIL, [to]
    )


def _send(message: EmailMessage, *, user_id: int) -> None:
    try:
        message.send()
    except OSError:  # marked as sent: a mail outage loses this digest rather than sending it twice
        logger.exception("Daily digest e-mail for user %s failed", user_id)
