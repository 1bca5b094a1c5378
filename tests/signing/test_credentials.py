"""The directory of signing credentials: registering (administrators, names that match, no secrets), the check at
signing time, what KeyStore resolves to, the admin and the personal page."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from documents.errors import PermissionDenied, ValidationFailed
from documents.models import ArtifactKind, Status
from signing import services as signing_services
from signing.ca import issue_key
from signing.credentials import (
    active_credential_for_organization,
    active_credential_for_user,
    check_certificate,
    credential_deactivate,
    credential_register,
    expiring_credentials,
)
from signing.keys import KeyStore, NeedsRemoteSigning, Pkcs12Signer
from signing.models import Backend, SigningCredential
from signing.remote import remote_backend_for
from signing.services import wants_digital_signature
from tests.factories import advance, make_draft
from tests.signing.conftest import write_key
from tests.signing.credentials_helpers import admin, p12_certificate_der, register

pytestmark = pytest.mark.django_db


def _der(ca, name: str, **validity) -> bytes:
    issued = issue_key(ca, common_name=name, organization="Phòng GD&ĐT", **validity)
    return issued.certificate.public_bytes(serialization.Encoding.DER)


def test_an_administrator_registers_a_certificate_with_its_fields_and_an_audit_event(office, test_ca):
    # when an administrator registers the head's certificate
    der = _der(test_ca, office.head.full_name)
    credential = register(backend=Backend.PKCS12, der=der, user=office.head)

    # then its fields are read from the certificate, and the organization's audit chain has the event
    assert credential.common_name == office.head.full_name
    assert int(credential.serial, 16) > 0
    assert credential.not_before < credential.not_after
    assert len(credential.sha256) == 64
    assert bytes(credential.certificate_der) == der
    assert active_credential_for_user(office.head) == credential
    event = AuditEvent.objects.get(action="signing_credential.register")
    assert event.organization_id == office.organization.pk
    assert event.details["serial"] == credential.serial


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"name": "Người Khác"}, ValidationFailed, "không khớp"),
        (
            {"settings_json": {"module": "/x.so", "token_label": "t", "key_label": "k", "pin": "1234"}},
            ValidationFailed,
            "Không lưu bí mật",
        ),
        ({"settings_json": {"module": "/x.so"}}, ValidationFailed, "Thiếu thiết lập"),
        ({"actor": "head"}, PermissionDenied, "Chỉ quản trị"),
        ({"der": b"not a certificate"}, ValidationFailed, "Không đọc được chứng thư số"),
    ],
    ids=["name-mismatch", "pin-in-settings", "missing-settings", "not-admin", "garbage"],
)
def test_registration_refusals_are_clear_and_change_nothing(office, test_ca, kwargs, error, words):
    der = kwargs.get("der") or _der(test_ca, kwargs.get("name", office.head.full_name))
    with pytest.raises(error, match=words):
        credential_register(
            actor=office.head if kwargs.get("actor") else admin(),
            user=office.head,
            backend=Backend.PKCS11,
            certificate_der=der,
            settings_json=kwargs.get("settings_json", {"module": "/m.so", "token_label": "t", "key_label": "k"}),
        )
    assert not SigningCredential.objects.exists()
    assert not AuditEvent.objects.filter(action="signing_credential.register").exists()


def test_the_check_at_signing_time(office, test_ca):
    # given the head's registered certificate, an expired one and the deputy's
    head = register(backend=Backend.PKCS12, der=_der(test_ca, office.head.full_name), user=office.head)
    old = register(
        backend=Backend.PKCS12,
        der=_der(
            test_ca,
            office.head.full_name,
            not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            not_after=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
        ),
        user=office.head,
    )
    deputy_der = _der(test_ca, office.deputy.full_name)
    register(backend=Backend.PKCS12, der=deputy_der, user=office.deputy)

    # then the head's passes today and on a date inside its validity, the others are refused with a reason
    assert check_certificate(bytes(head.certificate_der), user=office.head) == head
    with pytest.raises(PermissionDenied, match="không phải chứng thư đã đăng ký") as wrong:
        check_certificate(deputy_der, user=office.head)
    assert wrong.value.http_status == 403
    with pytest.raises(ValidationFailed, match="đã hết hạn"):
        check_certificate(bytes(old.certificate_der), user=office.head)
    assert check_certificate(bytes(old.certificate_der), user=office.head, on=dt.date(2021, 6, 1)) == old
    with pytest.raises(ValidationFailed, match="chưa có hiệu lực"):
        check_certificate(bytes(head.certificate_der), user=office.head, on=dt.date(2000, 1, 1))
    credential_deactivate(actor=admin(), credential=head)
    with pytest.raises(PermissionDenied, match="đã ngừng sử dụng"):
        check_certificate(bytes(head.certificate_der), user=office.head)
    assert active_credential_for_user(office.head) is None


def test_key_store_resolves_through_the_directory(office_keys, keystore, test_ca):
    office = office_keys
    # no row: today's key file (the fallback)
    assert remote_backend_for(office.head) is None
    assert isinstance(KeyStore().for_user(office.head), Pkcs12Signer)
    # a csc or external row: the key is not here, the caller must route the step
    register(
        backend=Backend.CSC,
        der=_der(test_ca, office.head.full_name),
        user=office.head,
        settings_json={"service_url": "https://csc.example", "credential_id": "c1"},
    )
    assert remote_backend_for(office.head).kind == "csc"
    with pytest.raises(NeedsRemoteSigning) as remote:
        KeyStore().for_user(office.head)
    assert (remote.value.code, remote.value.http_status) == ("signing_remote", 409)
    assert remote.value.details["backend"] == "csc"
    org_der = p12_certificate_der(keystore / f"organizations/org-{office.organization.pk}.p12")
    org = register(backend=Backend.PKCS12, der=org_der, organization=office.organization)
    assert active_credential_for_organization(office.organization) == org
    assert isinstance(KeyStore().for_organization(office.organization), Pkcs12Signer)


@pytest.mark.parametrize("backend", [Backend.CSC, Backend.EXTERNAL])
def test_an_organizations_remote_or_external_credential_is_refused_at_registration(office_keys, keystore, backend):
    # the clerk's issue step seals on the server: a key the server does not hold could only fail there (409)
    org_der = p12_certificate_der(keystore / f"organizations/org-{office_keys.organization.pk}.p12")
    with pytest.raises(ValidationFailed, match="chỉ đăng ký tệp khóa PKCS#12 hoặc thiết bị ký PKCS#11") as refused:
        register(
            backend=backend,
            der=org_der,
            organization=office_keys.organization,
            settings_json={"service_url": "https://csc.example", "credential_id": "c1"},
        )
    assert refused.value.details == {"field": "backend", "reason": "organization_backend_not_supported"}
    assert not SigningCredential.objects.exists()
    assert not AuditEvent.objects.filter(action="signing_credential.register").exists()


def test_a_key_file_swapped_for_another_persons_is_refused_and_nothing_changes(office_keys, keystore, test_ca):
    # given the deputy's row names the key file's certificate, then the file is replaced by another person's key
    office = office_keys
    path = keystore / f"users/{office.deputy.username}.p12"
    register(backend=Backend.PKCS12, der=p12_certificate_der(path), user=office.deputy)
    write_key(
        keystore, f"users/{office.deputy.username}.p12", common_name=office.head.full_name, organization="x", ca=test_ca
    )
    document = advance(make_draft(office, signer=office.deputy, signature_form="KT"), office, to="awaiting_signature")

    # when the deputy signs, then 403 and the document has not moved
    with pytest.raises(PermissionDenied, match="không phải chứng thư đã đăng ký"):
        signing_services.sign_step(document=document, actor=office.deputy)
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert not document.artifacts.filter(kind=ArtifactKind.SIGNED).exists()


def test_a_deactivated_certificate_is_refused_not_replaced_by_the_file(office_keys, keystore):
    # given the deputy's key file registered, then deactivated (a lost token, a revoked certificate)
    office = office_keys
    path = keystore / f"users/{office.deputy.username}.p12"
    credential = register(backend=Backend.PKCS12, der=p12_certificate_der(path), user=office.deputy)
    credential_deactivate(actor=admin(), credential=credential)
    document = advance(make_draft(office, signer=office.deputy, signature_form="KT"), office, to="awaiting_signature")

    # when the deputy signs, then 403 (the file beside it is not used instead) and nothing changed
    with pytest.raises(PermissionDenied, match="đã ngừng sử dụng"):
        signing_services.sign_step(document=document, actor=office.deputy)
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert AuditEvent.objects.filter(action="signing_credential.deactivate").count() == 1


def test_an_active_credential_of_any_backend_asks_for_a_digital_signature(office, keystore, test_ca):
    assert not wants_digital_signature(actor=office.drafter)
    register(backend=Backend.EXTERNAL, der=_der(test_ca, office.drafter.full_name), user=office.drafter)
    assert wants_digital_signature(actor=office.drafter)


def test_expiring_credentials_lists_those_within_the_window(office, test_ca):
    now = dt.datetime.now(dt.UTC)
    soon = register(
        backend=Backend.PKCS12,
        user=office.head,
        der=_der(test_ca, office.head.full_name, not_after=now + dt.timedelta(days=10)),
    )
    register(backend=Backend.PKCS12, user=office.deputy, der=_der(test_ca, office.deputy.full_name))
    assert list(expiring_credentials(within_days=30)) == [soon]


def test_the_admin_registers_a_matching_certificate_and_refuses_a_mismatch(client, office, test_ca):
    client.force_login(admin())
    url = reverse("admin:signing_signingcredential_add")

    def post(name: str) -> object:
        upload = SimpleUploadedFile("cert.cer", _der(test_ca, name))
        return client.post(
            url,
            {"user": office.head.pk, "backend": "pkcs12", "label": "", "settings_json": "{}", "certificate": upload},
        )

    refused = post("Nguyễn Văn Sai Tên")
    assert refused.status_code == 200
    assert "không khớp" in refused.content.decode()
    assert not SigningCredential.objects.exists()
    accepted = post(office.head.full_name)
    assert accepted.status_code == 302
    assert SigningCredential.objects.get().user == office.head


def test_the_personal_page_lists_my_certificates_with_an_expiry_warning(client, office, test_ca):
    now = dt.datetime.now(dt.UTC)
    credential = register(
        backend=Backend.PKCS12,
        user=office.head,
        der=_der(test_ca, office.head.full_name, not_after=now + dt.timedelta(days=12)),
    )
    client.force_login(office.head)
    page = client.get(reverse("personal:me")).content.decode()
    assert "Chứng thư số" in page
    assert credential.serial in page
    assert "Tệp PKCS#12 trên máy chủ" in page
    assert "sắp hết hạn" in page
    client.force_login(office.deputy)
    assert credential.serial not in client.get(reverse("personal:me")).content.decode()
