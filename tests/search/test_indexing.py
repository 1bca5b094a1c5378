"""The stored folded text (SearchEntry) follows every change of a document's code, trích yếu and body, in the
transaction of the change; `manage.py reindex_search` rebuilds it; the count stops at 1,000."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from documents import services
from documents.models import Document
from search.models import SearchEntry
from search.selectors import SearchQuery, search_documents
from tests.factories import make_draft
from tests.search.helpers import arrival, issued
from workflow.paging import COUNT_CAP, CappedPaginator

pytestmark = pytest.mark.django_db


def found(user, q: str) -> list[int]:
    return list(search_documents(user=user, query=SearchQuery(q=q)).values_list("pk", flat=True))


def test_a_new_draft_is_searchable_at_once(office) -> None:
    document = make_draft(office, subject="Kế hoạch Hội khỏe Phù Đổng", body="Tổ chức tại sân vận động")
    entry = SearchEntry.objects.get(document=document)
    assert entry.subject_folded == "ke hoach hoi khoe phu dong"
    assert "san van dong" in entry.text_folded
    assert found(office.drafter, "phu dong san van") == [document.pk]


def test_the_stored_text_follows_an_edit_of_the_draft_in_its_transaction(office) -> None:
    document = make_draft(office, subject="Kế hoạch tuyển sinh", body="Tuyển sinh lớp 6")
    with CaptureQueriesContext(connection) as queries:
        services.document_update_draft(document=document, actor=office.drafter, subject="Báo cáo thi đua")
    # Inside the test's transaction the service's atomic block is a savepoint: the entry is written after it opens
    # and before it is released, with the document's row and its audit event.
    sql = [q["sql"] for q in queries.captured_queries]
    writes = [i for i, s in enumerate(sql) if s.startswith("INSERT") and "search_searchentry" in s]
    opened = next(i for i, s in enumerate(sql) if s.startswith("SAVEPOINT"))
    released = max(i for i, s in enumerate(sql) if s.startswith("RELEASE SAVEPOINT"))
    document_write = next(i for i, s in enumerate(sql) if s.startswith("UPDATE") and "documents_document" in s)
    assert len(writes) == 1
    assert opened < document_write < writes[0] < released
    assert SearchEntry.objects.get(document=document).subject_folded == "bao cao thi dua"
    assert found(office.drafter, "bao cao thi dua") == [document.pk]
    assert found(office.drafter, "tuyen sinh lop") == [document.pk]  # the body is unchanged
    assert found(office.drafter, "ke hoach tuyen") == []


def test_a_refused_edit_leaves_the_stored_text_as_it_was(office) -> None:
    document = make_draft(office, subject="Kế hoạch tuyển sinh")

    def edit_then_fail() -> None:
        with transaction.atomic():
            services.document_update_draft(document=document, actor=office.drafter, subject="Báo cáo thi đua")
            raise RuntimeError("the caller's transaction fails after the edit")

    with pytest.raises(RuntimeError):
        edit_then_fail()
    assert SearchEntry.objects.get(document=document).subject_folded == "ke hoach tuyen sinh"


def test_registration_stores_the_code_and_arrivals_are_stored(office) -> None:
    document = issued(office, subject="Kế hoạch chuyển đổi số")
    assert SearchEntry.objects.get(document=document).code_key == document.code.upper().replace("Đ", "D")
    delivery = arrival(
        office, subject="Công văn về an toàn trường học", code="77/CV-SGDĐT", issue_date=document.issue_date
    )
    entry = SearchEntry.objects.get(document=delivery.document)
    assert entry.code_key == "77/CV-SGDDT"
    assert entry.subject_folded == "cong van ve an toan truong hoc"


def test_a_transition_writes_no_entry(office) -> None:
    document = make_draft(office)
    with CaptureQueriesContext(connection) as queries:
        services.document_submit(document=document, actor=office.drafter, reviewer=office.deputy)
    assert not any("search_searchentry" in q["sql"] for q in queries.captured_queries)


def test_reindex_search_rebuilds_missing_and_stale_entries(office) -> None:
    kept = make_draft(office, subject="Kế hoạch tuyển sinh")
    lost = make_draft(office, subject="Báo cáo thư viện")
    SearchEntry.objects.filter(document=lost).delete()
    SearchEntry.objects.filter(document=kept).update(subject_folded="cu", text_folded="cu")
    Document.objects.filter(pk=kept.pk).update(subject="Kế hoạch thi đua")  # no signal: the entry is stale
    assert found(office.drafter, "bao cao thu vien") == []
    out = StringIO()
    call_command("reindex_search", stdout=out)
    assert "2" in out.getvalue()
    assert found(office.drafter, "bao cao thu vien") == [lost.pk]
    assert found(office.drafter, "ke hoach thi dua") == [kept.pk]


def test_the_count_stops_at_the_cap(office, django_assert_max_num_queries) -> None:
    document = make_draft(office, subject="Kế hoạch tuyển sinh")
    results = search_documents(user=office.drafter, query=SearchQuery(q="tuyen sinh"))
    paginator = CappedPaginator(results, 20)
    assert (paginator.count, paginator.capped) == (1, False)
    # Many matches: made by bulk_create (no entries written), then indexed at once.
    Document.objects.bulk_create(
        Document(
            organization=document.organization,
            drafter=office.drafter,
            doc_type=document.doc_type,
            subject=f"Kế hoạch tuyển sinh {n}",
        )
        for n in range(COUNT_CAP + 5)
    )
    call_command("reindex_search", stdout=StringIO())
    with django_assert_max_num_queries(3):
        paginator = CappedPaginator(search_documents(user=office.drafter, query=SearchQuery(q="tuyen sinh")), 20)
        assert (paginator.count, paginator.capped) == (COUNT_CAP, True)
        assert len(paginator.get_page(1).object_list) == 20
