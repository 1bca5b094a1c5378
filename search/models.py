"""The search's own rows: each document's text folded once (SearchEntry, written in the transaction that changes
the document: search.indexing), and a person's saved searches. docs/search.md explains why a stored copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """A document as the search compares it: its code key and its texts folded (search.normalize), stored so a
    query reads them through plain trigram/btree indexes instead of folding ~1 KB of body per row (migration 0002).
    Kept in step by search.indexing (post_save of Document, same transaction); `manage.py reindex_search` repairs."""

    document = models.OneToOneField(
        "documents.Document", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    code_key = models.CharField(max_length=80, db_index=True, blank=True)
    subject_folded = models.TextField(blank=True)
    text_folded = models.TextField(blank=True)  # code + trích yếu + body

    class Meta:
        verbose_name = _("mục tìm kiếm")
        verbose_name_plural = _("mục tìm kiếm")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.subject_folded[:60]}"


class SavedSearch(models.Model):
    """Tìm kiếm đã lưu: a name and the query string of the search page, one person's own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches", verbose_name=_("người dùng")
    )
    name = models.CharField(_("tên"), max_length=100)
    query = models.CharField(_("điều kiện tìm"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tìm kiếm đã lưu")
        verbose_name_plural = _("tìm kiếm đã lưu")
        ordering = ["user", "name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_unique")]

    def __str__(self) -> str:
        return self.name
