"""List and inbox endpoints run a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from organizations.models import User
from tests.factories import Office, advance_routed, start_draft

pytestmark = pytest.mark.django_db

# count + page (+ the detail's recipients); visibility, memberships and grants are subqueries of the same query
LIST_QUERIES = 2
INBOX_QUERIES = 2
# the queue first reads the user's organizations and units, then the queue's task ids, as literals for the planner
QUEUE_QUERIES = INBOX_QUERIES + 3


def documents_in_review(office: Office, count: int) -> None:
    for _ in range(count):
        advance_routed(start_draft(office), office, to="in_review")


@pytest.mark.parametrize("rows", [3, 25])
def test_document_list_runs_the_same_queries_for_3_or_25_rows(
    client_for: Callable[[User], APIClient], office: Office, django_assert_max_num_queries, rows: int
) -> None:
    # given `rows` documents the head may see
    documents_in_review(office, rows)
    client = client_for(office.head)
    # when the head lists them, then the number of queries does not grow with the rows
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("documents-api:list"), {"urgency": "normal", "ordering": "deadline"})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("kind", ["assigned", "submitted", "done"])
@pytest.mark.parametrize("rows", [3, 25])
def test_inbox_runs_the_same_queries_for_3_or_25_rows(
    client_for: Callable[[User], APIClient], office: Office, django_assert_max_num_queries, rows: int, kind: str
) -> None:
    # given `rows` documents in review: assigned to the deputy, submitted and done by the drafter
    documents_in_review(office, rows)
    user = office.deputy if kind == "assigned" else office.drafter
    client = client_for(user)
    # when they open that inbox tab, then the number of queries does not grow with the rows
    # "submitted" first reads the drafter's process ids (literals for the planner)
    with django_assert_max_num_queries(INBOX_QUERIES + (1 if kind == "submitted" else 0)):
        response = client.get(reverse("api-inbox"), {"kind": kind})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [3, 25])
def test_clerk_queue_runs_the_same_queries_for_3_or_25_rows(
    client_for: Callable[[User], APIClient], office: Office, django_assert_max_num_queries, rows: int
) -> None:
    for _ in range(rows):
        advance_routed(start_draft(office), office, to="signed")
    client = client_for(office.clerk)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("api-inbox"), {"kind": "queue"})
    assert len(response.json()["results"]) == rows
