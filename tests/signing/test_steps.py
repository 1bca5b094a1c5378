"""The flow's Sign and Issue steps: digital signatures when keys exist; a clear refusal when required."""

from __future__ import annotations

import pytest

from documents import services
from documents.models import ArtifactKind, DocumentArtifact, Status
from signing.keys import KeyNotFound
from signing.services import issue_step, sign_step
from signing.verification import verify_pdf
from tests.factories import Office, advance, make_draft

pytestmark = pytest.mark.django_db


def test_with_keys_the_steps_sign_and_seal(office_keys: Office, trust_roots: list) -> None:
    office = office_keys
    document = advance(make_draft(office), office, to="awaiting_signature")

    document = sign_step(document=document, actor=office.head)
    document = services.document_register(document=document, actor=office.clerk)
    document = issue_step(document=document, actor=office.clerk)

    assert document.status == Status.ISSUED
    issued = DocumentArtifact.objects.get(document=document, kind=ArtifactKind.ISSUED)
    report = verify_pdf(issued.read(), trust_roots=trust_roots)
    assert report.ok, report.summary
    assert [s.signer_name for s in report.signatures] == [office.head.full_name, office.organization.name]


def test_without_a_key_the_signature_is_recorded_without_a_pdf(office: Office, keystore) -> None:
    document = advance(make_draft(office), office, to="awaiting_signature")
    document = sign_step(document=document, actor=office.head)
    document = services.document_register(document=document, actor=office.clerk)
    document = issue_step(document=document, actor=office.clerk)
    assert document.status == Status.ISSUED
    assert not DocumentArtifact.objects.filter(document=document).exists()


def test_when_digital_signatures_are_required_a_missing_key_is_a_clear_409(office: Office, keystore, settings) -> None:
    settings.REQUIRE_DIGITAL_SIGNATURE = True
    document = advance(make_draft(office), office, to="awaiting_signature")
    with pytest.raises(KeyNotFound) as caught:
        sign_step(document=document, actor=office.head)
    assert caught.value.http_status == 409
    assert "khóa ký số" in caught.value.message
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
