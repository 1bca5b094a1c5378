"""On PostgreSQL the search reads its stored folded text (search_searchentry, migration 0002) by key, after the
visibility rule — no unaccent computed per row. EXPLAIN says so (timings are in bench/bench_search.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.selectors import SearchQuery, search_documents
from tests.factories import make_draft

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def keys_plan(user, q: str) -> str:
    """EXPLAIN of the query that picks the matching keys (the first one search_documents runs)."""
    with CaptureQueriesContext(connection) as queries:
        search_documents(user=user, query=SearchQuery(q=q))
    with connection.cursor() as cursor:
        # A test table is tiny: forbid the sequential scan to see which index the query can read.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        return "\n".join(row[0] for row in cursor.fetchall())


def test_words_and_codes_are_read_from_the_stored_text_by_key_after_the_visibility_rule(office, postgres_only) -> None:
    for n in range(30):
        make_draft(office, subject=f"Kế hoạch truyền thông số {n}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")
        cursor.execute("ANALYZE search_searchentry")
    explained = keys_plan(office.drafter, "ke hoach truyen thong")
    # The words and the code key are tested on the stored folded text, one entry per readable document, through
    # the entry's primary key; nothing is unaccented per row.
    assert "search_searchentry_pkey" in explained
    assert "Seq Scan on search_searchentry" not in explained
    assert "~~ '%truyen%'" in explained
    assert "unaccent" not in explained


def test_the_database_functions_fold_as_python_does(postgres_only) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f_document_text('106/KH-SGDĐT', 'Kế hoạch TRUYỀN THÔNG', 'Đào tạo'), f_code_key(' 106 / kh-sgdđt')"
        )
        text, key = cursor.fetchone()
    assert text == "106/kh-sgddt ke hoach truyen thong dao tao"
    assert key == "106/KH-SGDDT"
