"""Saved searches: one person's own shortcuts. Like notification preferences they are not part of the office's
record, so they are not written to the audit chain (notifications.preferences says the same)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import transaction

from core.errors import NotFound, ValidationFailed
from search.models import SavedSearch

MAX_SAVED = 50
# Only the search page's own parameters are kept: a saved search cannot smuggle anything else into the URL.
QUERY_KEYS = ("q", "organization", "doc_type", "status", "date_from", "date_to")


def clean_query_string(query: str) -> str:
    """The search parameters of `query`, in a fixed order, empty ones dropped."""
    pairs = dict(parse_qsl(query or "", keep_blank_values=False))
    return urlencode([(key, pairs[key]) for key in QUERY_KEYS if pairs.get(key)])


@transaction.atomic
def saved_search_save(*, actor: Any, name: str, query: str) -> SavedSearch:
    """Save (or, under a name already used, replace) a search of `actor`'s."""
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise ValidationFailed("Tên tìm kiếm phải có từ 1 đến 100 ký tự.", details={"field": "name"})
    cleaned = clean_query_string(query)
    if not cleaned:
        raise ValidationFailed("Chưa có điều kiện tìm nào để lưu.", details={"field": "query"})
    if len(cleaned) > 1000:
        raise ValidationFailed("Điều kiện tìm quá dài để lưu.", details={"field": "query"})
    existing = SavedSearch.objects.select_for_update().filter(user_id=actor.pk, name=name).first()
    if existing is not None:
        existing.query = cleaned
        existing.save(update_fields=["query"])
        return existing
    if SavedSearch.objects.filter(user_id=actor.pk).count() >= MAX_SAVED:
        raise ValidationFailed(f"Mỗi người lưu được tối đa {MAX_SAVED} tìm kiếm; hãy xóa bớt.")
    return SavedSearch.objects.create(user_id=actor.pk, name=name, query=cleaned)


@transaction.atomic
def saved_search_delete(*, actor: Any, pk: int) -> None:
    """Delete one of `actor`'s saved searches; someone else's is "not found"."""
    deleted, _ = SavedSearch.objects.filter(user_id=actor.pk, pk=pk).delete()
    if not deleted:
        raise NotFound("Không tìm thấy tìm kiếm đã lưu này.")
