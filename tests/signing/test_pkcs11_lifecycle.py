"""The whole lifecycle with the signer's key on a real PKCS#11 token (softhsm2), the organization's in a PKCS#12
file or on the token too; the issued PDF validates for our verifier and for poppler's pdfsig as with files."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.models import ArtifactKind, Document, Status
from signing import services as signing_services
from signing.keys import KeyStore
from signing.models import Backend
from signing.pkcs11 import Pkcs11Signer, TokenKeyMismatch
from signing.rendering import ORGANIZATION_FIELD, SIGNER_FIELD
from signing.verification import Verdict, verify_pdf
from tests.factories import Office, advance, make_draft
from tests.signing.credentials_helpers import p12_certificate_der, register
from tests.signing.helpers import artifact, issued_document
from tests.signing.softhsm import SoftToken, softhsm_token_fixture  # noqa: F401 - registers softhsm_token
from tests.signing.test_field_lock import _pdfsig

pytestmark = pytest.mark.django_db


def _token_key_for(token: SoftToken, person_or_org: object, ca: object, **validity: object) -> tuple[bytes, dict]:
    name = getattr(person_or_org, "full_name", None) or person_or_org.name
    label = f"k-{type(person_or_org).__name__}-{person_or_org.pk}-{next(token._ids)}"
    return token.add_key(key_label=label, ca=ca, common_name=name, organization="Phòng GD&ĐT", **validity)


def _assert_issued_like_today(pdf: bytes, office: Office, trust_roots: list, tmp_path) -> None:
    report = verify_pdf(pdf, trust_roots=trust_roots)
    assert report.verdict == Verdict.ISSUED, report.summary
    signer, organization = report.signatures
    assert signer.signer_name == office.deputy.full_name
    assert signer.certifying
    assert signer.trusted
    assert signer.intact
    assert signer.modification_level == "FORM_FILLING"
    assert organization.signer_name == office.organization.name
    assert organization.trusted
    assert organization.intact
    assert organization.modification_level == "NONE"
    field = next(
        ref.get_object()
        for ref in PdfFileReader(io.BytesIO(pdf)).root["/AcroForm"]["/Fields"]
        if ref.get_object()["/T"] == ORGANIZATION_FIELD
    )
    assert field["/Lock"]["/P"] == 1  # the number and date fields locked by the organization's signature
    pdfsig = _pdfsig(pdf, tmp_path)
    assert "Signature is Valid." in pdfsig[SIGNER_FIELD]
    assert "Signature is Valid." in pdfsig[ORGANIZATION_FIELD]
    assert "- Total document signed" in pdfsig[ORGANIZATION_FIELD]


def test_signer_on_the_token_and_organization_in_a_file_issue_a_valid_pdf(
    office_keys,
    keystore,
    softhsm_token,
    test_ca,
    trust_roots,
    tmp_path,
    caplog,
):
    # given the deputy's key on the token and the organization's PKCS#12 file, both in the directory
    office = office_keys
    der, token_settings = _token_key_for(softhsm_token, office.deputy, test_ca)
    register(backend=Backend.PKCS11, der=der, user=office.deputy, settings_json=token_settings)
    org_file = keystore / f"organizations/org-{office.organization.pk}.p12"
    register(backend=Backend.PKCS12, der=p12_certificate_der(org_file), organization=office.organization)
    assert isinstance(KeyStore().for_user(office.deputy), Pkcs11Signer)

    # when the plan is signed, registered and issued, logging everything
    caplog.set_level(logging.DEBUG)
    document = issued_document(office)

    # then it is issued, the signer's signature is the token's, it validates as today, and no PIN was logged
    assert document.status == Status.ISSUED
    _assert_issued_like_today(artifact(document), office, trust_roots, tmp_path)
    assert softhsm_token.pin not in caplog.text
    assert all(softhsm_token.pin not in str(record.__dict__) for record in caplog.records)


def test_signer_and_organization_both_on_the_token(
    office_keys,
    softhsm_token,
    test_ca,
    trust_roots,
    tmp_path,
):
    # given both keys on the token
    office = office_keys
    der, token_settings = _token_key_for(softhsm_token, office.deputy, test_ca)
    register(backend=Backend.PKCS11, der=der, user=office.deputy, settings_json=token_settings)
    org_der, org_settings = _token_key_for(softhsm_token, office.organization, test_ca)
    register(backend=Backend.PKCS11, der=org_der, organization=office.organization, settings_json=org_settings)

    # when the plan goes through the flow's steps
    document = advance(make_draft(office, signer=office.deputy, signature_form="KT"), office, to="awaiting_signature")
    document = signing_services.sign_step(document=document, actor=office.deputy)
    from documents import services

    document = services.document_register(document=document, actor=office.clerk)
    document = signing_services.issue_step(document=document, actor=office.clerk)

    # then the issued PDF validates exactly as with files
    assert document.status == Status.ISSUED
    _assert_issued_like_today(artifact(document), office, trust_roots, tmp_path)


def _awaiting(office: Office) -> Document:
    return advance(make_draft(office, signer=office.deputy, signature_form="KT"), office, to="awaiting_signature")


def _unchanged(document: Document) -> None:
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert not document.artifacts.filter(kind=ArtifactKind.SIGNED).exists()


@pytest.mark.parametrize(
    ("validity", "reason"),
    [
        (
            {"not_before": dt.datetime(2020, 1, 1, tzinfo=dt.UTC), "not_after": dt.datetime(2021, 1, 1, tzinfo=dt.UTC)},
            "đã hết hạn",
        ),
        (
            {
                "not_before": dt.datetime.now(dt.UTC) + dt.timedelta(days=10),
                "not_after": dt.datetime.now(dt.UTC) + dt.timedelta(days=400),
            },
            "chưa có hiệu lực",
        ),
    ],
    ids=["expired", "not-yet-valid"],
)
def test_a_token_certificate_outside_its_validity_is_refused_and_nothing_changes(
    office_keys,
    softhsm_token,
    test_ca,
    validity,
    reason,
):
    # given the deputy's only directory row: a token key whose certificate is expired or not yet valid
    office = office_keys
    der, token_settings = _token_key_for(softhsm_token, office.deputy, test_ca, **validity)
    register(backend=Backend.PKCS11, der=der, user=office.deputy, settings_json=token_settings)
    document = _awaiting(office)

    # when the deputy signs, then a 400 with the reason (the key file is NOT used instead), nothing changed
    with pytest.raises(Exception) as caught:
        signing_services.sign_step(document=document, actor=office.deputy)
    assert caught.value.http_status == 400
    assert reason in caught.value.message
    _unchanged(document)


def test_a_token_label_pointing_at_another_persons_key_is_refused(office_keys, softhsm_token, test_ca):
    # given the deputy's row whose key label points at the head's key (and certificate) on the token
    office = office_keys
    der, _settings = _token_key_for(softhsm_token, office.deputy, test_ca)
    _head_der, head_settings = _token_key_for(softhsm_token, office.head, test_ca)
    register(backend=Backend.PKCS11, der=der, user=office.deputy, settings_json=head_settings)
    document = _awaiting(office)

    # when the deputy signs, then the token's certificate does not match the directory's: 409, nothing changed
    with pytest.raises(TokenKeyMismatch) as caught:
        signing_services.sign_step(document=document, actor=office.deputy)
    assert caught.value.http_status == 409
    _unchanged(document)


def test_a_wrong_pin_is_a_clear_refusal_without_the_pin(office_keys, softhsm_token, test_ca, monkeypatch):
    office = office_keys
    der, token_settings = _token_key_for(softhsm_token, office.deputy, test_ca)
    register(backend=Backend.PKCS11, der=der, user=office.deputy, settings_json=token_settings)
    monkeypatch.setenv(softhsm_token.pin_env, "sai-ma-pin-000")
    document = _awaiting(office)

    with pytest.raises(Exception) as caught:
        signing_services.sign_step(document=document, actor=office.deputy)
    assert caught.value.http_status == 409
    assert "sai-ma-pin-000" not in caught.value.message
    assert caught.value.__cause__ is None
    _unchanged(document)
