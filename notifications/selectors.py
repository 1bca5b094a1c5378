"""Reads of a person's notifications, through the one visibility rule (documents.selectors)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from documents.selectors import visible_documents
from notifications.models import Notification


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    """The person's own notifications about documents they may still read (a grant revoked, a document
    returned to draft or recalled from them: its notifications are no longer shown)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).filter(
        Q(document__isnull=True) | Q(document_id__in=visible_documents(user=user).values("pk"))
    )
