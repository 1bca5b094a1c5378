"""Reads of the search: documents found by code, trích yếu and body, accents ignored, only those the person may
read (documents.selectors.visible_documents, the one rule), ranked; and the person's saved searches.

The same query runs on PostgreSQL (through the indexes of migration 0001) and on SQLite (the functions of
search.normalize); docs/search.md says how and why.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents.models import Document
from documents.selectors import visible_documents
from search.models import SavedSearch, SearchEntry
from search.normalize import code_key, fold, query_words
from workflow.paging import COUNT_CAP

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
RANKED = COUNT_CAP + 1  # matches read and ranked at most (one more than the count shows, to know it is capped)
SEARCH_RELATED = ("organization", "doc_type")


@dataclass(frozen=True)
class SearchQuery:
    """What the person asked for: words and filters, already checked (search.forms / search.api)."""

    q: str = ""
    organization_id: int | None = None
    doc_type: str = ""  # DocumentType.code
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        filters = (self.organization_id, self.doc_type, self.status, self.date_from, self.date_to)
        return not self.q.strip() and not any(filters)


def _func(name: str, *expressions: Any, output: Any = None) -> Func:
    return Func(*expressions, function=name, output_field=output or TextField())


def search_documents(*, user: Any, query: SearchQuery) -> QuerySet[Document]:
    """The documents `user` may read that match `query`, best first: the exact code, then the trích yếu most
    like the words (pg_trgm similarity), then the newest. With words: one query here (the matching keys, at most
    RANKED), then two for a page (a capped count, the rows: CappedPaginator)."""
    documents = visible_documents(user=user)
    if query.organization_id:
        documents = documents.filter(organization_id=query.organization_id)
    if query.doc_type:
        documents = documents.filter(doc_type__code=query.doc_type)
    if query.status:
        documents = documents.filter(status=query.status)
    if query.date_from:
        documents = documents.filter(issue_date__gte=query.date_from)
    if query.date_to:
        documents = documents.filter(issue_date__lte=query.date_to)

    words = query_words(query.q)[:MAX_WORDS]
    key = code_key(query.q)
    if not words:
        return documents.select_related(*SEARCH_RELATED).order_by(F("issue_date").desc(nulls_last=True), "-pk")

    # Every word somewhere in the stored folded code + trích yếu + body (GIN trigram index on search_entry), or the
    # code itself (btree on code_key). Nothing is folded per row at query time: search.indexing stored it.
    every_word = Q()
    for word in words:
        every_word &= Q(text_folded__contains=word)
    # The match is a per-row subquery on the entry (its primary key), not a join: PostgreSQL does not pull a scalar
    # subquery up, and runs this costlier test after the visibility rule's, so only rows the person may read are
    # read in search_searchentry — a join would test the words on every entry of every organization first.
    matched = SearchEntry.objects.filter(Q(code_key=key) | every_word, document_id=OuterRef("pk"))
    # Ranked: at most the RANKED newest matches (walking the primary key backwards, stopping at RANKED), so a
    # common word does not make the page read, rank and sort every match. Below the cap (the count says "more
    # than 1,000" past it) this is every match and the order is the full ranking.
    # Read here, as a list (one query): given a LIMIT-ed subquery in `IN (…)`, PostgreSQL's planner bets on a fast
    # start and sorts every document before the semi-join; a list of at most RANKED keys it reads by primary key.
    matches = list(
        documents.alias(_matched=Subquery(matched.values(hit=Value(True))[:1], output_field=BooleanField()))
        .filter(_matched=True)
        .order_by("-pk")
        .values_list("pk", flat=True)[:RANKED]
    )
    return (
        Document.objects.filter(pk__in=matches)
        .annotate(
            exact_code=Case(
                When(search_entry__code_key=key, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            # Rank by the trích yếu only (~100 characters, folded and stored): cheap per match, unlike the body.
            rank=_func("similarity", F("search_entry__subject_folded"), Value(fold(query.q)), output=FloatField()),
        )
        .select_related(*SEARCH_RELATED)
        .order_by("-exact_code", "-rank", F("issue_date").desc(nulls_last=True), "-pk")
    )


_SPLIT = re.compile(r"\s+")


def highlight(text: str, q: str) -> SafeString:
    """`text` escaped, with each query word found in it (accents ignored) wrapped in <mark>."""
    text = text or ""
    words = sorted({w for w in query_words(q) if w}, key=len, reverse=True)
    folded = fold(text)
    if not words or len(folded) != len(text):
        return escape(text)
    marked = [False] * len(text)
    for word in words:
        start = folded.find(word)
        while start != -1:
            for i in range(start, start + len(word)):
                marked[i] = True
            start = folded.find(word, start + len(word))
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        piece = escape(text[i:j])
        out.append(f"<mark>{piece}</mark>" if marked[i] else piece)
        i = j
    return mark_safe("".join(out))  # noqa: S308 — every piece was escaped above


def snippet(text: str, q: str, *, width: int = 90) -> SafeString:
    """A short piece of `text` around the first query word found in it, highlighted; empty when none is."""
    text = _SPLIT.sub(" ", text or "").strip()
    folded = fold(text)
    positions = [p for p in (folded.find(w) for w in query_words(q)) if p != -1]
    if not positions or len(folded) != len(text):
        return mark_safe("")
    start = max(0, min(positions) - width // 3)
    piece = text[start : start + width]
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(f"{escape(prefix)}{highlight(piece, q)}{escape(suffix)}")  # noqa: S308 — escaped


def saved_searches_for(*, user: Any) -> QuerySet[SavedSearch]:
    if not getattr(user, "is_authenticated", False):
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user_id=user.pk).order_by("name")
