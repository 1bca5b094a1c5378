"""The year-long lists' paginator (workflow.paging.CappedPaginator): the count stops a page past the one asked
for, every page stays reachable, the page says "hơn …" when the count is a floor, and the incoming list counts
that way."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Organization
from receiving import views as receiving_views
from tests.receiving.scenario import school_receives
from tests.records.helpers import client_for
from workflow import paging
from workflow.paging import CappedPaginator

pytestmark = pytest.mark.django_db


def _organizations(count: int) -> None:
    Organization.objects.bulk_create(
        [Organization(name=f"Cơ quan {n:03d}", abbreviation=f"CQ{n:03d}") for n in range(count)]
    )


def _counted(asked: object) -> tuple[CappedPaginator, object, str]:
    rows = Organization.objects.filter(name__startswith="Cơ quan").order_by("name")
    paginator = CappedPaginator(rows, 2, asked=asked)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.get_page(asked)
        names = [o.name for o in page.object_list]
    count_sql = next(q["sql"] for q in queries if "COUNT(" in q["sql"].upper())
    return paginator, (page, names), count_sql


@pytest.mark.parametrize("rows", [10, 30])
def test_the_count_stops_at_the_cap_whatever_the_rows(rows, monkeypatch) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    _organizations(rows)
    paginator, (page, names), count_sql = _counted("1")
    # the same statement for 10 and 30 rows: at most cap + 1 ids read
    assert "LIMIT 6" in count_sql
    assert (paginator.count, paginator.capped) == (5, True)
    assert names == ["Cơ quan 000", "Cơ quan 001"]
    assert page.has_next()
    assert page.number == 1


def test_every_page_stays_reachable_and_the_last_is_exact(monkeypatch) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    _organizations(30)
    # page 10: counted to one page past it, the rows are the 19th and 20th, and there is a next page
    paginator, (page, names), count_sql = _counted("10")
    assert "LIMIT 23" in count_sql
    assert (paginator.count, paginator.capped) == (22, True)
    assert names == ["Cơ quan 018", "Cơ quan 019"]
    assert page.has_next()
    # the last page: the count is exact again, no next page
    paginator, (page, names), _sql = _counted("15")
    assert (paginator.count, paginator.capped, paginator.num_pages) == (30, False, 15)
    assert names == ["Cơ quan 028", "Cơ quan 029"]
    assert not page.has_next()
    # a page past the end shows the last; a page that is not a number shows the first
    assert _counted("99")[1][1] == ["Cơ quan 028", "Cơ quan 029"]
    assert _counted("abc")[1][1] == ["Cơ quan 000", "Cơ quan 001"]
    assert _counted(str(10**30))[0].horizon == (paging.MAX_PAGE + 1) * 2


def test_few_rows_are_counted_exactly() -> None:
    _organizations(3)
    paginator, _page, count_sql = _counted(None)
    assert "LIMIT 1001" in count_sql
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, False, 2)


def test_the_incoming_list_counts_at_most_the_cap_and_says_so(monkeypatch) -> None:
    s = school_receives()
    s.accept()
    client = client_for(s.school.clerk)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("receiving:incoming")).content.decode()
    assert any("COUNT(" in q["sql"].upper() and "LIMIT 1001" in q["sql"] for q in queries)
    assert "Trang 1/1 · 1 văn bản" in html
    # three rows, one a page, a cap of one: page 1 counts two rows past nothing more and says "hơn 2"
    for _n in range(2):
        s.next_plan()
        s.accept()
    monkeypatch.setattr(paging, "COUNT_CAP", 1)
    monkeypatch.setattr(receiving_views, "INCOMING_PAGE_SIZE", 1)
    html = client.get(reverse("receiving:incoming")).content.decode()
    assert "Trang 1 · hơn 2 văn bản" in html
    assert "page=2" in html
    # the last page is counted exactly
    html = client.get(reverse("receiving:incoming"), {"page": 3}).content.decode()
    assert "Trang 3/3 · 3 văn bản" in html
