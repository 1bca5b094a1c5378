"""The five shapes of the seed plans, all the way through the JSON API as the people who do it.

000: KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG (a Phòng GD&ĐT); 001: TRƯỞNG PHÒNG signs directly;
002: a school, HIỆU TRƯỞNG, reporting to its Phòng (b/c); 003: a Sở, GIÁM ĐỐC; 004: a draft signed KT.
and left before numbering ("Số:      /KH-PGDĐT").
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from documents.models import Document
from organizations.models import SignatureForm, User
from tests.factories import DossierFactory, Office, TokenFactory, make_office

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> APIClient:
    """A client with a real session login (the browser's way)."""
    client = APIClient()
    # The request lets django-axes (login throttling) see who and where from, as the login page does.
    assert client.login(request=HttpRequest(), username=user.username, password="matkhau-123")
    return client


def with_token(user: User) -> APIClient:
    """A client with an API token (a mobile app's way)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=user).key}")
    return client


def act(client: APIClient, document_id: int, action: str, **data: Any) -> dict:
    response = client.post(reverse(f"documents-api:{action}", args=[document_id]), data, format="json")
    assert response.status_code == 200, (action, response.json())
    return response.json()


def draft(client: APIClient, office: Office, *, signer: User, signature_form: str, **extra: Any) -> int:
    payload = {
        "organization": office.organization.pk,
        "doc_type": "ke_hoach",
        "subject": "Kế hoạch truyền thông giáo dục năm học 2026-2027",
        "body": "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\n- Thông tin kịp thời về các nhiệm vụ trọng tâm.",
        "legal_bases": ["Căn cứ Kế hoạch số 491/KH-SGDĐT của Sở Giáo dục và Đào tạo;"],
        "signer": signer.pk,
        "signature_form": signature_form,
        "recipients": [
            {"display_name": "Sở GD&ĐT (b/c)", "purpose": "report"},
            {"display_name": "Các trường trực thuộc", "purpose": "execute"},
        ],
        **extra,
    }
    response = client.post(reverse("documents-api:list"), payload, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def to_archive(office: Office, document_id: int, *, clients: dict[str, APIClient]) -> dict:
    act(clients["drafter"], document_id, "submit", reviewer=office.deputy.pk)
    act(clients["deputy"], document_id, "approve", comment="Đồng ý trình ký.")
    act(clients["signer"], document_id, "sign")
    registered = act(clients["clerk"], document_id, "register")
    act(clients["clerk"], document_id, "issue")
    dossier = DossierFactory(organization=office.organization)
    act(clients["clerk"], document_id, "archive", dossier=dossier.pk)
    return registered


def test_seed_001_head_signs_directly_truong_phong() -> None:
    # given a Phòng GD&ĐT whose head signs
    office = make_office(name="Phòng Giáo dục và Đào tạo huyện Thủ Thừa", abbreviation="PGDĐT")
    clients = {
        "drafter": signed_in(office.drafter),
        "deputy": signed_in(office.deputy),
        "signer": signed_in(office.head),
        "clerk": signed_in(office.clerk),
    }
    # when the draft goes all the way through the API
    document_id = draft(clients["drafter"], office, signer=office.head, signature_form=SignatureForm.DIRECT)
    registered = to_archive(office, document_id, clients=clients)
    # then it carries the head's title alone, its number, and every step in the log
    document = Document.objects.get(pk=document_id)
    assert (document.status, document.code) == ("archived", "01/KH-PGDĐT")
    assert document.signer_title_lines == ["TRƯỞNG PHÒNG"]
    assert registered["number"] == 1
    assert AuditEvent.objects.filter(object_id=str(document_id), object_type="documents.document").count() == 7


def test_seed_000_deputy_signs_kt_truong_phong() -> None:
    office = make_office(name="Phòng Giáo dục và Đào tạo huyện Cần Giuộc", abbreviation="PGDĐT")
    clients = {
        "drafter": signed_in(office.drafter),
        "deputy": signed_in(office.deputy),
        "signer": signed_in(office.deputy),
        "clerk": signed_in(office.clerk),
    }
    document_id = draft(
        clients["drafter"], office, signer=office.deputy, signature_form=SignatureForm.KT, filing_line="VT, TH, T/Ph."
    )
    to_archive(office, document_id, clients=clients)
    document = Document.objects.get(pk=document_id)
    assert document.signer_title_lines == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    assert (document.code, document.filing_line) == ("01/KH-PGDĐT", "VT, TH, T/Ph.")


def test_seed_002_school_principal_reports_to_its_phong() -> None:
    # given a school whose plan is addressed to its Phòng "(b/c)"
    phong = make_office(name="Phòng Giáo dục và Đào tạo huyện Tân Hồng", abbreviation="PGDĐT")
    school = make_office(name="Trường THCS Nguyễn Du", abbreviation="THCSND", head_title="HIỆU TRƯỞNG")
    clients = {
        "drafter": signed_in(school.drafter),
        "deputy": signed_in(school.deputy),
        "signer": signed_in(school.head),
        "clerk": signed_in(school.clerk),
    }
    recipients = [{"display_name": "PGDĐT", "purpose": "report", "organization": phong.organization.pk}]
    document_id = draft(
        clients["drafter"], school, signer=school.head, signature_form=SignatureForm.DIRECT, recipients=recipients
    )
    phong_clerk = signed_in(phong.clerk)
    assert phong_clerk.get(reverse("documents-api:detail", args=[document_id])).status_code == 404
    # when it is issued
    to_archive(school, document_id, clients=clients)
    # then the principal's title stands alone and the Phòng's clerk finds it among what arrived
    document = Document.objects.get(pk=document_id)
    assert (document.signer_title_lines, document.code) == (["HIỆU TRƯỞNG"], "01/KH-THCSND")
    arrived = phong_clerk.get(reverse("documents-api:list")).json()["results"]
    assert [row["id"] for row in arrived] == [document_id]


def test_seed_003_so_director_signs_giam_doc_with_a_token() -> None:
    office = make_office(
        name="Sở Giáo dục và Đào tạo tỉnh Bến Tre", abbreviation="SGDĐT", head_title="GIÁM ĐỐC", place_name="Bến Tre"
    )
    clients = {
        "drafter": with_token(office.drafter),
        "deputy": with_token(office.deputy),
        "signer": with_token(office.head),
        "clerk": with_token(office.clerk),
    }
    document_id = draft(
        clients["drafter"], office, signer=office.head, signature_form=SignatureForm.DIRECT, filing_line="VT, KHTC."
    )
    to_archive(office, document_id, clients=clients)
    document = Document.objects.get(pk=document_id)
    assert (document.signer_title_lines, document.code) == (["GIÁM ĐỐC"], "01/KH-SGDĐT")
    assert document.place_name == "Bến Tre"


def test_seed_004_draft_signed_kt_and_left_before_numbering() -> None:
    # given a Phòng in Phong Thổ and a plan signed KT. by the deputy
    office = make_office(name="Phòng Giáo dục và Đào tạo huyện Phong Thổ", abbreviation="PGDĐT", place_name="Phong Thổ")
    drafter, deputy, clerk = signed_in(office.drafter), signed_in(office.deputy), signed_in(office.clerk)
    document_id = draft(drafter, office, signer=office.deputy, signature_form=SignatureForm.KT)
    act(drafter, document_id, "submit")
    act(deputy, document_id, "approve")
    signed = act(deputy, document_id, "sign")
    # then it has no number or date yet, and waits in the clerk's queue
    assert (signed["status"], signed["number"], signed["code"], signed["issue_date"]) == ("signed", None, "", None)
    assert signed["signer_title_lines"] == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    queue = clerk.get(reverse("api-inbox"), {"kind": "queue"}).json()["results"]
    assert [(row["document"]["id"], row["step"]) for row in queue] == [(document_id, "register")]
