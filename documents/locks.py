"""Row locks, one helper per kind. Hold them briefly: never render, sign or send while holding one."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from documents.errors import NotFound
from documents.models import Document


def set_lock_timeout() -> None:
    """Bound lock waits on PostgreSQL (SET LOCAL: only for the current transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [f"{settings.DB_LOCK_TIMEOUT_MS}ms"])


def lock_document(pk: int) -> Document:
    """Expects an open transaction. Returns the row, locked FOR UPDATE, as it is now."""
    set_lock_timeout()
    try:
        return Document.objects.select_for_update(of=("self",)).select_related("organization", "doc_type").get(pk=pk)
    except Document.DoesNotExist as exc:
        raise NotFound("Không tìm thấy văn bản.") from exc
