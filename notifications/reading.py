"""Marking a person's own notifications read — some, or all — from the centre, the API or a toast.

Each is one UPDATE in one transaction; after it commits the person's other open tabs are told, so their
badges follow. Reading is the person's own bookkeeping, not a step of a document: no audit event.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.push import push_unread_changed
from notifications.services import mark_read

logger = logging.getLogger(__name__)


def _tell_other_tabs(user_id: int) -> None:
    try:
        push_unread_changed(user_id)
    except Exception:  # the badge catches up on the next push or reconnect; the read is stored
        logger.exception("Telling the open tabs of user %s about read notifications failed", user_id)


def notifications_mark_read(*, actor: Any, notification_ids: list[int]) -> int:
    """Marks the actor's own notifications among `notification_ids` read (others' ids are ignored)."""
    with transaction.atomic():
        updated = mark_read(actor=actor, notification_ids=notification_ids)
        if updated:
            transaction.on_commit(lambda: _tell_other_tabs(actor.pk))
    return updated


def notifications_mark_all_read(*, actor: Any) -> int:
    """Marks every unread notification of the actor read."""
    with transaction.atomic():
        updated = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if updated:
            transaction.on_commit(lambda: _tell_other_tabs(actor.pk))
    return updated
