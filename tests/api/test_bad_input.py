"""Bad input gets a 4xx naming the field and writes nothing: NUL bytes, over-long values, huge ids.

Run on SQLite and PostgreSQL: PostgreSQL refuses NUL in text and jsonb, SQLite refuses integers above 2⁶³−1;
either used to be a 500.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from documents import limits
from documents.models import Document, Recipient, Version
from organizations.models import User
from tests.factories import Office, start_draft

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]
HUGE = 2**64  # above 2⁶³−1, the largest id a database column holds
NUL = "Kế hoạch\x00"


def draft_payload(office: Office, **changes: object) -> dict:
    payload = {
        "organization": office.organization.pk,
        "doc_type": "ke_hoach",
        "subject": "Kế hoạch tổ chức Hội thi giáo viên dạy giỏi cấp huyện",
        "body": "I. MỤC ĐÍCH, YÊU CẦU",
        "legal_bases": ["Căn cứ Thông tư số 22/2019/TT-BGDĐT;"],
        "signer": office.head.pk,
        "recipients": [{"display_name": "Sở GD&ĐT tỉnh Long An", "purpose": "report"}],
    }
    return {**payload, **changes}


def nothing_written() -> bool:
    return not (Document.objects.exists() or Recipient.objects.exists() or AuditEvent.objects.exists())


BAD_DRAFTS = {
    "nul-subject": ("subject", {"subject": NUL}),
    "nul-body": ("body", {"body": NUL}),
    "nul-legal-basis": ("legal_bases", {"legal_bases": ["Căn cứ", NUL]}),
    "nul-recipient": ("recipients", {"recipients": [{"display_name": NUL}]}),
    "nul-place": ("place_name", {"place_name": NUL}),
    "nul-filing": ("filing_line", {"filing_line": NUL}),
    "long-subject": ("subject", {"subject": "x" * (limits.SUBJECT_MAX + 1)}),
    "long-body": ("body", {"body": "x" * (limits.BODY_MAX + 1)}),
    "long-legal-basis": ("legal_bases", {"legal_bases": ["x" * (limits.LEGAL_BASIS_MAX + 1)]}),
    "many-legal-bases": ("legal_bases", {"legal_bases": ["Căn cứ"] * (limits.LEGAL_BASES_MAX + 1)}),
    "long-recipient": ("recipients", {"recipients": [{"display_name": "x" * (limits.RECIPIENT_MAX + 1)}]}),
    "many-recipients": ("recipients", {"recipients": [{"display_name": "Sở"}] * (limits.RECIPIENTS_MAX + 1)}),
    "long-place": ("place_name", {"place_name": "x" * (limits.PLACE_NAME_MAX + 1)}),
    "long-filing": ("filing_line", {"filing_line": "x" * (limits.FILING_LINE_MAX + 1)}),
    "huge-signer": ("signer", {"signer": HUGE}),
    "huge-organization": ("organization", {"organization": HUGE}),
    "huge-recipient-unit": ("recipients", {"recipients": [{"display_name": "Sở", "unit": HUGE}]}),
    "boolean-signer": ("signer", {"signer": True}),
}


@pytest.mark.parametrize(("field", "changes"), BAD_DRAFTS.values(), ids=BAD_DRAFTS.keys())
def test_a_bad_new_draft_is_a_400_naming_the_field_and_writes_nothing(
    client_for: Client, office: Office, field: str, changes: dict
) -> None:
    # when the drafter posts a draft with one bad value
    response = client_for(office.drafter).post(
        reverse("documents-api:list"), draft_payload(office, **changes), format="json"
    )
    # then it is refused field by field, in Vietnamese, and nothing is stored
    assert response.status_code == 400, response.content[:300]
    assert (response.json()["code"], list(response.json()["details"])) == ("validation_error", [field])
    assert nothing_written()


@pytest.mark.parametrize(
    "changes",
    [{"body": NUL}, {"legal_bases": [NUL]}, {"recipients": [{"display_name": "x" * 300}]}, {"drafting_unit": HUGE}],
    ids=["nul-body", "nul-legal-basis", "long-recipient", "huge-unit"],
)
def test_a_bad_edit_is_a_400_and_keeps_the_version(client_for: Client, office: Office, changes: dict) -> None:
    # given a draft at version 1
    document = start_draft(office)
    # when its drafter patches one bad value
    response = client_for(office.drafter).patch(
        reverse("documents-api:detail", args=[document.pk]), changes, format="json"
    )
    # then it is refused and the draft is unchanged
    assert response.status_code == 400, response.content[:300]
    assert Version.objects.filter(document=document).count() == 1


def test_the_service_refuses_what_the_serializer_would_let_through(office: Office) -> None:
    # given a value within each field's own bound, but a NUL the service must refuse for every input path
    from core.errors import ValidationFailed
    from documents import services
    from tests.factories import document_type

    # when a draft is created through the service directly (the importer's path)
    with pytest.raises(ValidationFailed) as refused:
        services.document_create(
            actor=office.drafter,
            organization=office.organization,
            doc_type=document_type(),
            subject="Kế hoạch",
            recipients=[{"display_name": "Sở\x00"}],
        )
    # then the refusal names the field, in Vietnamese, and nothing is written
    assert refused.value.details["field"] == "recipients"
    assert "NUL" in refused.value.message
    assert nothing_written()


def test_an_action_with_a_nul_comment_or_a_huge_dossier_is_a_400(client_for: Client, office: Office) -> None:
    document = start_draft(office)
    client = client_for(office.drafter)
    url = reverse("documents-api:submit", args=[document.pk])
    assert client.post(url, {"comment": NUL}, format="json").status_code == 400
    assert client.post(url, {"reviewer": HUGE}, format="json").status_code == 400
    archive = client.post(reverse("documents-api:archive", args=[document.pk]), {"dossier": HUGE}, format="json")
    assert archive.status_code == 400
    assert Document.objects.get(pk=document.pk).status == "draft"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/documents/{HUGE}/",
        f"/api/documents/{HUGE}/history/",
        f"/api/documents/{HUGE}/approve/",
        f"/api/documents/{2**63 - 1}/",
        f"/api/organizations/{HUGE}/",
        f"/documents/{HUGE}/",
        f"/documents/{HUGE}/pdf",
        f"/flow/documents/{HUGE}/",
        f"/flow/tasks/{HUGE}/",
    ],
)
def test_a_huge_id_in_a_path_is_a_404(client_for: Client, office: Office, path: str) -> None:
    client = client_for(office.drafter)
    client.force_login(office.drafter)  # the HTML pages need a session
    response = client.post(path, {}, format="json") if path.endswith("approve/") else client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("documents-api:list", {"organization": HUGE}),
        ("api-inbox", {"organization": HUGE}),
        ("organizations-api:list", {"parent": HUGE}),
        ("organizations-api:units", {"organization": HUGE}),
        ("organizations-api:memberships", {"unit": HUGE}),
        ("organizations-api:memberships", {"organization": str(HUGE)}),
    ],
)
def test_a_huge_id_in_a_query_is_a_400(client_for: Client, office: Office, url: str, query: dict) -> None:
    response = client_for(office.drafter).get(reverse(url), query)
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")


def test_huge_ids_in_a_list_body_are_a_400(client_for: Client, office: Office) -> None:
    client = client_for(office.drafter)
    bulk = client.post(reverse("documents-api:bulk-approve"), {"ids": [1, HUGE]}, format="json")
    read = client.post(reverse("notifications-api:mark-read"), {"ids": [HUGE]}, format="json")
    grant = client.post(reverse("documents-api:grants", args=[start_draft(office).pk]), {"user": HUGE}, format="json")
    assert [bulk.status_code, read.status_code, grant.status_code] == [400, 400, 400]
