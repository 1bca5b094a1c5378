"""The OpenAPI schema of the API generates and validates without a warning; Swagger UI is served."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path) -> None:
    # fails (SchemaGenerationError) on any warning or on an invalid OpenAPI document
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )
    text = (tmp_path / "schema.yaml").read_text()
    assert "/api/documents/{id}/approve/" in text
    assert "/api/inbox/" in text
    assert "/api/notifications/" in text
    assert "/api/signing/verify/" in text


def test_schema_and_docs_views_answer() -> None:
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert client.get(reverse("api-schema")).status_code == 200
    assert client.get(reverse("api-docs")).status_code == 200


def test_fields_the_api_may_answer_null_are_nullable_in_the_schema() -> None:
    # given the generated schema
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]

    # then every field the views can answer null says so
    nullable = {
        ("DocumentDetailOutput", "dossier"),
        ("DocumentDetailOutput", "drafting_unit"),
        ("DocumentDetailOutput", "version"),
        ("DocumentDetailOutput", "content_hash"),
        ("DocumentDetailOutput", "signed_content_hash"),
        ("DocumentOutput", "drafting_unit"),
        ("InboxDocument", "drafting_unit"),
        ("MembershipListOutput", "unit"),
    }
    assert {(name, field) for name, field in nullable if components[name]["properties"][field].get("nullable")} == (
        nullable
    )


def test_path_ids_are_bounded_integers_in_the_schema() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    (parameter,) = schema["paths"]["/api/documents/{id}/"]["get"]["parameters"]
    assert (parameter["schema"]["type"], parameter["schema"]["maximum"]) == ("integer", 2**63 - 1)


def test_a_draft_type_is_one_of_the_catalogue_codes_in_the_schema() -> None:
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    field = components["DocumentCreateInput"]["properties"]["doc_type"]
    enum = components[field["$ref"].rsplit("/", 1)[-1]]["enum"] if "$ref" in field else field["enum"]
    assert "ke_hoach" in enum
