"""The printed type name and the purposes as written through the JSON API (issue 12)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.test_documents_api import Client, draft_payload
from tests.factories import Office

pytestmark = pytest.mark.django_db


def test_the_api_takes_the_printed_type_name_and_purposes_as_written(client_for: Client, office: Office) -> None:
    # given a draft posted with a printed type name and a purpose written "(để b/c)"
    payload = draft_payload(office) | {"type_title": "Kế hoạch liên tịch"}
    payload["recipients"][0]["purpose_text"] = "để b/c"
    client = client_for(office.drafter)

    # when it is posted
    response = client.post(reverse("documents-api:list"), payload, format="json")

    # then both are kept and shown
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["type_title"] == "KẾ HOẠCH LIÊN TỊCH"
    assert body["recipients"][0]["printed_line"] == "Sở GD&ĐT tỉnh Long An (để b/c)"
    # and a purpose written against the one chosen is a 400 in Vietnamese, nothing written
    payload["recipients"][0]["purpose_text"] = "để thực hiện"
    refused = client.post(reverse("documents-api:list"), payload, format="json")
    assert refused.status_code == 400
    assert "không khớp với mục đích đã chọn" in str(refused.json())
