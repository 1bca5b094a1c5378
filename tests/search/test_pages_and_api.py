"""The search page, saved searches and GET /api/search/: the same selector, bad input answered in Vietnamese."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from search.models import SavedSearch
from tests.factories import make_draft
from tests.search.helpers import client_for

pytestmark = pytest.mark.django_db


def test_the_page_finds_highlights_and_links(office) -> None:
    draft = make_draft(office)
    response = client_for(office.drafter).get("/search/", {"q": "ke hoach truyen thong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/flow/documents/{draft.pk}/"' in html
    assert "<mark>Kế</mark> <mark>hoạch</mark> <mark>truyền</mark> <mark>thông</mark>" in html


def test_a_too_long_query_is_a_400_with_a_message_and_what_was_typed_kept(office) -> None:
    typed = "kế hoạch " * 30
    response = client_for(office.drafter).get("/search/", {"q": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Từ khóa quá dài: tối đa 200 ký tự" in html
    assert "kế hoạch kế hoạch" in html


def test_bad_dates_are_a_400_with_a_message(office) -> None:
    client = client_for(office.drafter)
    response = client.get("/search/", {"q": "x", "date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert response.status_code == 400
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()
    response = client.get("/search/", {"date_from": "hôm qua", "organization": "999999999", "status": "nope"})
    assert response.status_code == 400
    assert "Ngày không hợp lệ" in response.content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_the_page_costs_a_fixed_number_of_queries(office, count, django_assert_max_num_queries) -> None:
    # session, user, the header's counts, the form's two lists, saved searches, the dashboard link, the matching
    # keys (at most 1,001), the capped count, the rows
    for n in range(count):
        make_draft(office, subject=f"Kế hoạch truyền thông số {n}")
    client = client_for(office.drafter)
    client.get("/search/", {"q": "truyen thong"})
    with django_assert_max_num_queries(11):
        response = client.get("/search/", {"q": "truyen thong"})
    assert response.content.decode().count('class="result"') == count


def test_saved_searches_are_saved_listed_run_and_deleted_by_their_owner_only(office) -> None:
    client = client_for(office.drafter)
    response = client.post("/search/saved/", {"name": "Truyền thông", "query": "q=truyen+thong&evil=1&status=draft"})
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=office.drafter)
    assert saved.query == "q=truyen+thong&status=draft"  # only the search's own parameters are kept
    page = client.get("/search/").content.decode()
    assert '<a href="/search/?q=truyen+thong&amp;status=draft">Truyền thông</a>' in page
    # the same name replaces it
    client.post("/search/saved/", {"name": "Truyền thông", "query": "q=ke+hoach"})
    assert list(SavedSearch.objects.filter(user=office.drafter).values_list("query", flat=True)) == ["q=ke+hoach"]
    # nobody else sees or deletes it
    other = client_for(office.clerk)
    assert "Truyền thông" not in other.get("/search/").content.decode()
    response = other.post(f"/search/saved/{saved.pk}/delete/", follow=True)
    assert "Không tìm thấy tìm kiếm đã lưu này." in response.content.decode()
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    client.post(f"/search/saved/{saved.pk}/delete/")
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_a_saved_search_needs_a_name_and_a_condition(office) -> None:
    client = client_for(office.drafter)
    response = client.post("/search/saved/", {"name": "  ", "query": "q=x"}, follow=True)
    assert "Hãy đặt tên cho tìm kiếm." in response.content.decode()
    response = client.post("/search/saved/", {"name": "Rỗng", "query": "evil=1"}, follow=True)
    assert "Chưa có điều kiện tìm nào để lưu." in response.content.decode()
    assert not SavedSearch.objects.exists()


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_answers_the_same_as_the_page(office) -> None:
    draft = make_draft(office)
    response = api_for(office.drafter).get("/api/search/", {"q": "ke hoach truyen thong"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == draft.pk
    assert body["results"][0]["exact_code"] is False
    assert api_for(office.head).get("/api/search/", {"q": "ke hoach truyen thong"}).json()["count"] == 0


def test_the_api_refuses_bad_input_with_a_vietnamese_message(office) -> None:
    client = api_for(office.drafter)
    response = client.get("/api/search/", {"q": "a" * 201})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "Từ khóa quá dài" in str(response.json()["details"])
    response = client.get("/api/search/", {"organization": "99999999999999999999999"})
    assert response.status_code == 400
    assert APIClient().get("/api/search/", {"q": "x"}).status_code in (401, 403)
