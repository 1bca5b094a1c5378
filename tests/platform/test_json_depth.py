"""JSON nested deeper than JSON_MAX_DEPTH is a 400 in the API's error shape, never a RecursionError (500)."""

from __future__ import annotations

import io

import pytest
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from config.parsers import BoundedJSONParser, nesting_depth
from tests.factories import Office

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000


def test_a_deeply_nested_body_to_a_real_endpoint_is_a_400(office: Office) -> None:
    client = APIClient()
    client.force_login(office.drafter)

    response = client.post("/api/documents/", data=DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"code": "parse_error", "message": "Dữ liệu gửi lên không đọc được.", "details": {}}


def test_a_deeply_nested_body_from_an_anonymous_client_is_refused_without_a_500() -> None:
    response = APIClient().post("/api/documents/", data=DEEP, content_type="application/json")

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_ordinary_nesting_still_parses() -> None:
    body = b'{"recipients": [{"display_name": "S\\u1edf [GD] {\\"x\\"}", "tags": [[1, 2], {"a": [3]}]}]}'

    data = BoundedJSONParser().parse(io.BytesIO(body))

    assert data["recipients"][0]["tags"] == [[1, 2], {"a": [3]}]


def test_the_limit_is_exact(settings) -> None:
    settings.JSON_MAX_DEPTH = 32
    parser = BoundedJSONParser()

    deepest_allowed: list = []
    for _ in range(31):
        deepest_allowed = [deepest_allowed]

    assert parser.parse(io.BytesIO(("[" * 32 + "]" * 32).encode())) == deepest_allowed
    with pytest.raises(ParseError, match="lồng nhau quá 32 cấp"):
        parser.parse(io.BytesIO(("[" * 33 + "]" * 33).encode()))


def test_brackets_inside_strings_are_not_nesting() -> None:
    assert nesting_depth('{"a": "[[[[[[\\"[[[", "b": [1]}') == 2
