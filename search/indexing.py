"""The stored folded text of each document (SearchEntry), written in the transaction that changes the document.

The documents app sits below search and may not import it, and its code, trích yếu and body are changed by several
services (drafting, registration, arrivals from outside), the importer, the demo and the admin. A post_save
receiver on Document is the one place all of them pass through; Django sends it synchronously inside `save()`, so
the entry is written in the caller's transaction (atomic with the change and its audit event, rolled back with
it). Saves whose `update_fields` name none of the searched fields (a transition, a version pointer) write nothing.
`bulk_create` and `QuerySet.update` send no signal: nothing in the services changes these fields that way, and
`manage.py reindex_search` (`reindex`) rebuilds every entry if something ever does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from documents.models import Document
from search.models import SearchEntry
from search.normalize import code_key, document_text, fold

SEARCHED_FIELDS = frozenset({"code", "subject", "body"})
_UPDATED = ["code_key", "subject_folded", "text_folded"]


def entry_for(document: Document) -> SearchEntry:
    return SearchEntry(
        document_id=document.pk,
        code_key=code_key(document.code)[:80],
        subject_folded=fold(document.subject),
        text_folded=document_text(document.code, document.subject, document.body),
    )


def write_entries(documents: Iterable[Document]) -> int:
    """Insert or replace the entries of `documents`: one statement (INSERT … ON CONFLICT DO UPDATE)."""
    entries = [entry_for(document) for document in documents]
    if entries:
        SearchEntry.objects.bulk_create(
            entries, update_conflicts=True, unique_fields=["document"], update_fields=_UPDATED
        )
    return len(entries)


def document_saved(sender: Any, instance: Document, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    """post_save of Document (connected in search.apps): the entry follows the searched fields."""
    if not created and update_fields is not None and not SEARCHED_FIELDS.intersection(update_fields):
        return
    write_entries([instance])


def reindex(*, batch: int = 2000) -> int:
    """Every document's entry written again from its row (the command, the bench, a repair)."""
    done = 0
    documents = Document.objects.only("pk", "code", "subject", "body").order_by("pk")
    last = 0
    while True:
        chunk = list(documents.filter(pk__gt=last)[:batch])
        if not chunk:
            return done
        done += write_entries(chunk)
        last = chunk[-1].pk
