"""Keyset paging of the inbox (workflow.paging): every row once, in the ordering's order, forwards and backwards,
NULL deadlines last and ties broken; the count capped; bad cursors a 400; queries that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from documents.models import Document, Urgency
from organizations.models import Role, User
from tests.factories import Office, UnitFactory, add_member, advance_routed, make_draft, start_draft
from workflow import paging
from workflow.actions import perform
from workflow.models import DocumentTask, StepDeadline
from workflow.selectors import KEYS, inbox_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for() -> Callable[[User], APIClient]:
    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


def in_review(office: Office, count: int) -> list[int]:
    return [advance_routed(start_draft(office, subject=f"Số {n}"), office, to="in_review").pk for n in range(count)]


def spread_deadlines(office: Office) -> None:
    """Give the deputy's open review tasks deadlines with ties and some none, so every part of the key decides."""
    base = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    tasks = DocumentTask.objects.filter(owner=office.deputy).select_related("process__documentprocess").order_by("pk")
    for index, task in enumerate(tasks):
        if index % 3 == 0:
            continue  # no deadline: these sort last
        StepDeadline.objects.update_or_create(
            task=task,
            defaults={
                "document_id": task.process.documentprocess.document_id,
                "step": "review",
                "opened_at": task.created,
                "due_at": base + dt.timedelta(hours=index % 2),  # two values only: many ties
            },
        )


def walk_api(client: APIClient, params: dict[str, str]) -> tuple[list[int], list[dict]]:
    """Follow `next` to the end, then `previous` back to the start; the task ids seen each way."""
    pages = [client.get(reverse("api-inbox"), params).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    forward = [row["task"] for page in pages for row in page["results"]]
    back = [pages[-1]]
    while back[-1]["previous"]:
        back.append(client.get(back[-1]["previous"]).json())
    backward = [row["task"] for page in reversed(back) for row in page["results"]]
    assert backward == forward
    return forward, pages


@pytest.mark.parametrize("ordering", sorted(KEYS))
def test_cursor_pages_give_every_row_once_in_the_order_both_ways(
    client_for: Callable[[User], APIClient], office: Office, ordering: str
) -> None:
    # given 11 reviews, a third without a deadline and the others on two due times (ties)
    in_review(office, 11)
    spread_deadlines(office)
    expected = [row.pk for row in inbox_for(user=office.deputy, kind="assigned", ordering=ordering)]

    # when the deputy pages by 3 with the cursor links, forwards then backwards
    seen, pages = walk_api(client_for(office.deputy), {"kind": "assigned", "ordering": ordering, "page_size": "3"})

    # then every row comes once, in the ordering's own order, and the count is exact
    assert seen == expected
    assert len(pages) == 4
    assert {(page["count"], page["count_is_exact"]) for page in pages} == {(11, True)}
    assert pages[0]["previous"] is None
    assert pages[-1]["next"] is None


def test_old_page_numbers_still_open_their_page(client_for: Callable[[User], APIClient], office: Office) -> None:
    in_review(office, 5)
    client = client_for(office.deputy)
    everything = [row["task"] for row in client.get(reverse("api-inbox"), {"page_size": "10"}).json()["results"]]
    second = client.get(reverse("api-inbox"), {"page": "2", "page_size": "2"}).json()
    assert [row["task"] for row in second["results"]] == everything[2:4]
    # and its links go on by cursor
    assert "cursor" in parse_qs(urlparse(second["next"]).query)
    assert [row["task"] for row in client.get(second["next"]).json()["results"]] == everything[4:]


def test_the_count_stops_at_the_cap(
    client_for: Callable[[User], APIClient], office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    in_review(office, 4)

    body = client_for(office.deputy).get(reverse("api-inbox")).json()
    assert (body["count"], body["count_is_exact"], len(body["results"])) == (3, False, 4)

    client = Client()
    client.force_login(office.deputy)
    html = client.get(reverse("workflow:inbox")).content.decode()
    assert "hơn 3 việc" in html
    assert '<span class="badge">3+</span>' in html


@pytest.mark.parametrize("cursor", ["xyz", "e30", "eyJvIjoiLWNyZWF0ZWQiLCJkIjoibiIsImsiOlsxLDJdfQ", "%00"])
def test_a_bad_cursor_is_a_400_not_a_500(client_for: Callable[[User], APIClient], office: Office, cursor: str) -> None:
    # e30 is "{}"; the last one is a -created cursor given to the deadline ordering
    in_review(office, 1)
    response = client_for(office.deputy).get(reverse("api-inbox"), {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    client = Client()
    client.force_login(office.deputy)
    assert client.get(reverse("workflow:inbox"), {"cursor": cursor}).status_code == 400


def test_html_pages_follow_the_cursor_links(office: Office) -> None:
    in_review(office, 27)
    client = Client()
    client.force_login(office.deputy)
    first = client.get(reverse("workflow:inbox"))
    page = first.context["page"]
    assert (len(page.object_list), page.count, page.has_previous) == (25, 27, False)
    second = client.get(reverse("workflow:inbox"), {"cursor": page.next_cursor})
    assert len(second.context["page"].object_list) == 2
    assert not second.context["page"].has_next
    back = client.get(reverse("workflow:inbox"), {"cursor": second.context["page"].previous_cursor})
    assert [row.pk for row in back.context["page"].object_list] == [row.pk for row in page.object_list]
    assert "27 việc" in first.content.decode()


def filled(office: Office, count: int) -> None:
    """`count` reviews with the deputy and `count` signed documents in the clerk's queue, all the drafter's; the
    deputy has finished the reviews of the signed ones."""
    for _ in range(count):
        advance_routed(start_draft(office), office, to="in_review")
        advance_routed(start_draft(office), office, to="signed")


TAB_USER = {"assigned": "deputy", "queue": "clerk", "submitted": "drafter", "done": "deputy"}
# count + page rows; "queue" reads the user's organizations and units and the queue's ids first (3)
API_QUERIES = {"assigned": 2, "queue": 5, "submitted": 2, "done": 2}


@pytest.mark.parametrize("tab", list(TAB_USER))
@pytest.mark.parametrize("count", [5, 30])
def test_each_tab_s_pages_run_the_same_queries_for_5_or_30_rows(
    client_for: Callable[[User], APIClient], office: Office, django_assert_max_num_queries, tab: str, count: int
) -> None:
    filled(office, count)
    user = getattr(office, TAB_USER[tab])
    api = client_for(user)
    with django_assert_max_num_queries(API_QUERIES[tab]):
        first = api.get(reverse("api-inbox"), {"kind": tab, "page_size": "2"}).json()
    rows = 2 * count if tab == "submitted" else count
    assert (len(first["results"]), first["count"]) == (2, rows)
    with django_assert_max_num_queries(API_QUERIES[tab]):  # a page after a cursor costs the same
        second = api.get(first["next"]).json()
    assert len(second["results"]) == 2

    client = Client()
    client.force_login(user)
    # the page's own: tab rows (as above) + the two badges (assigned 1, queue 4) + types and organizations of the
    # filters; plus the session, the user, the "Văn bản đến" counts and the notification badge
    with django_assert_max_num_queries(API_QUERIES[tab] + 5 + 2 + 4):
        page = client.get(reverse("workflow:inbox"), {"tab": tab}).context["page"]
    assert len(page.object_list) == min(rows, 25)


# --- the "submitted" tab, read from the drafter's documents (workflow.selectors._submitted) ---------------------


def consulting(office: Office, units: list, subject: str, *, answered: bool) -> Document:
    """A document whose process has two tips: two consultations, or (answered) the Join and the other one."""
    document = perform(
        document=start_draft(office, subject=subject), actor=office.drafter, action="submit", consult_units=units
    )
    document = perform(document=document, actor=office.deputy, action="approve")
    if answered:
        member = add_member(office, Role.STAFF, full_name=f"Tổ trưởng {units[0].name}", unit=units[0])
        perform(document=document, actor=member, action="consult", comment="Thống nhất.")
    return document


def drafted_with_ties(office: Office) -> None:
    """The drafter's documents in every shape the tab meets, their creations tied in threes so that pages end
    inside a tie: drafts, reviews, archived, two processes with two tips, one returned, one document without a
    process (drafted through the service only), and an urgent one."""
    documents = [start_draft(office, subject="Nháp 1"), start_draft(office, subject="Nháp 2")]
    documents += [advance_routed(start_draft(office, subject=f"Duyệt {n}"), office, to="in_review") for n in (1, 2)]
    documents.append(advance_routed(start_draft(office, subject="Lưu"), office, to="archived"))
    units = [UnitFactory(organization=office.organization, name=f"Tổ {n}", abbreviation=f"T{n}") for n in (1, 2)]
    documents.append(consulting(office, units, "Xin ý kiến", answered=False))
    documents.append(consulting(office, units, "Đã có một ý kiến", answered=True))
    returned = advance_routed(start_draft(office, subject="Trả lại"), office, to="in_review")
    documents.append(perform(document=returned, actor=office.deputy, action="return", comment="Sửa lại."))
    documents.append(make_draft(office, subject="Chưa có quy trình"))
    documents.append(start_draft(office, subject="Hỏa tốc", urgency=Urgency.HOA_TOC))
    moment = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    for index, document in enumerate(documents):
        Document.objects.filter(pk=document.pk).update(created_at=moment - dt.timedelta(minutes=index // 3))


@pytest.mark.parametrize("filters", [{}, {"urgency": Urgency.HOA_TOC}, {"overdue": "false"}])
def test_submitted_pages_give_every_tip_once_across_ties_and_several_tips(
    client_for: Callable[[User], APIClient], office: Office, filters: dict
) -> None:
    # given the drafter's documents in every shape, created in tied threes
    drafted_with_ties(office)
    client = client_for(office.drafter)
    selector_filters = {**filters, "overdue": False} if "overdue" in filters else filters
    for ordering in ("-created", "created", "deadline"):
        rows = inbox_for(user=office.drafter, kind="submitted", ordering=ordering, **selector_filters)
        expected = [row.pk for row in rows]
        assert len(expected) == (1 if filters.get("urgency") else 11)  # 9 processes, two of them with two tips
        for size in (1, 2, 3):
            # when the drafter pages through the tab by cursor, forwards then back
            params = {"kind": "submitted", "ordering": ordering, "page_size": str(size), **filters}
            seen, pages = walk_api(client, params)

            # then the pages, read from a narrowed range of documents, hold exactly the list's rows in its order
            assert seen == expected, (ordering, size)
            assert {(page["count"], page["count_is_exact"]) for page in pages} == {(len(expected), True)}


def test_submitted_tab_lists_documents_newest_first_by_their_creation(office: Office) -> None:
    # given an old document that moved on today and a newer one that has not
    old = start_draft(office, subject="Cũ")
    new = start_draft(office, subject="Mới")
    Document.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    advance_routed(old, office, to="in_review")

    # then newest first is by the document's creation, not by when its current step opened
    rows = list(inbox_for(user=office.drafter, kind="submitted"))
    assert [row.document.subject for row in rows] == ["Mới", "Cũ"]
    assert rows[0].listed_at == Document.objects.get(pk=new.pk).created_at


def test_submitted_tab_count_caps_past_documents_without_a_process(
    client_for: Callable[[User], APIClient], office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    for n in range(3):
        make_draft(office, subject=f"Không quy trình {n}")  # newest are processless: the count must look past them
    in_review(office, 4)
    for n in range(3):
        Document.objects.filter(subject=f"Không quy trình {n}").update(created_at=timezone.now() + dt.timedelta(n))

    body = client_for(office.drafter).get(reverse("api-inbox"), {"kind": "submitted"}).json()
    assert (body["count"], body["count_is_exact"], len(body["results"])) == (3, False, 4)


def _shape(queries: list[dict]) -> list[str]:
    """The statements with every number (ids, times, limits) blanked: what grows with the data shows."""
    return [re.sub(r"\d+", "0", query["sql"]) for query in queries]


def test_submitted_pages_run_the_same_statements_for_5_or_30_documents(
    client_for: Callable[[User], APIClient], office: Office
) -> None:
    api = client_for(office.drafter)
    shapes = []
    for total, more in ((5, 5), (30, 25)):
        # given `total` documents drafted, in review
        in_review(office, more)

        # when the drafter opens the tab and the page after
        with CaptureQueriesContext(connection) as first:
            body = api.get(reverse("api-inbox"), {"kind": "submitted", "page_size": "2"}).json()
        with CaptureQueriesContext(connection) as second:
            assert len(api.get(body["next"]).json()["results"]) == 2
        assert body["count"] == total
        shapes.append((_shape(first.captured_queries), _shape(second.captured_queries)))

    # then the same two statements each time, nothing in them growing with the drafter's documents (the old tab
    # read the drafter's process ids first and sent them all back as a list)
    assert [len(page) for page in shapes[0]] == [2, 2]
    assert shapes[0] == shapes[1]
