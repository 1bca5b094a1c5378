"""Keyset paging of the inbox (workflow.paging): every row once, in the ordering's order, forwards and backwards,
NULL deadlines last and ties broken; the count capped; bad cursors a 400; queries that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from organizations.models import User
from tests.factories import Office, advance_routed, start_draft
from workflow import paging
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
# count + page rows; "queue" reads the user's organizations and units and the queue's ids first (3), "submitted"
# the drafter's process ids (1)
API_QUERIES = {"assigned": 2, "queue": 5, "submitted": 3, "done": 2}


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
