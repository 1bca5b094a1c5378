"""Key files: the PKCS#12 signer, the key store's layout, and the demo certificates command."""

from __future__ import annotations

import io
import stat

import pytest
from django.core.management import call_command

from signing.keys import KeyNotFound, KeyStore, Pkcs12Signer
from tests.factories import make_office
from tests.signing.conftest import PASSPHRASE, write_key


def test_pkcs12_signer_loads_the_key_and_hides_its_passphrase(keystore, test_ca):
    # given a key file and its passphrase
    path = write_key(keystore, "users/thu.p12", common_name="Nguyễn Thị Thu", organization="Phòng GD&ĐT", ca=test_ca)

    # when it is loaded as a signer
    signer = Pkcs12Signer(path=path, passphrase=PASSPHRASE)

    # then it yields the certificate, and neither repr nor str shows the passphrase
    assert signer.certificate.subject.native["common_name"] == "Nguyễn Thị Thu"
    assert PASSPHRASE.decode() not in repr(signer)
    assert PASSPHRASE.decode() not in str(signer)


def test_a_wrong_passphrase_is_refused_without_quoting_it(keystore, test_ca):
    # given a key file opened with the wrong passphrase
    path = write_key(keystore, "users/x.p12", common_name="X", organization="Y", ca=test_ca)
    signer = Pkcs12Signer(path=path, passphrase=b"sai-mat-khau")

    # when it is used, then it fails with a Vietnamese message that holds no secret
    with pytest.raises(KeyNotFound, match="sai mật khẩu") as caught:
        signer.pyhanko_signer()
    assert "sai-mat-khau" not in str(caught.value)
    assert caught.value.__cause__ is None


def test_key_store_finds_people_and_organizations_and_says_when_a_key_is_missing(office_keys, keystore):
    # given the office's keys in the store
    store = KeyStore()

    # when keys are looked up
    head_key = store.for_user(office_keys.head)
    org_key = store.for_organization(office_keys.organization)

    # then the right certificates come back, and a person without a key gets a clear refusal
    assert head_key.certificate.subject.native["common_name"] == office_keys.head.full_name
    assert org_key.certificate.subject.native["common_name"] == office_keys.organization.name
    with pytest.raises(KeyNotFound, match="Chưa có khóa ký số"):
        store.for_user(office_keys.drafter)
    assert store.trust_root_paths() == [keystore / "ca.pem"]


def test_issue_demo_certificates_covers_leaders_and_organizations_and_is_idempotent(keystore, db):
    # given two offices and an empty key store (no CA yet)
    (keystore / "ca.pem").unlink()
    first, second = make_office(), make_office()

    # when the command runs twice
    out1, out2 = io.StringIO(), io.StringIO()
    call_command("issue_demo_certificates", stdout=out1)
    ca_before = (keystore / "ca.pem").read_bytes()
    keys_before = {p: p.read_bytes() for p in keystore.rglob("*.p12")}
    call_command("issue_demo_certificates", stdout=out2)

    # then heads, deputies and organizations have keys (not drafters or clerks), private files are 0600,
    # and the second run changed nothing
    store = KeyStore()
    for office in (first, second):
        assert store.for_user(office.head).certificate.subject.native["common_name"] == office.head.full_name
        assert store.for_user(office.deputy).certificate is not None
        assert store.for_organization(office.organization).certificate is not None
        assert not store.user_key_path(office.drafter).exists()
        assert not store.user_key_path(office.clerk).exists()
    for path in keystore.rglob("*.p12*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "cấp mới 0" in out2.getvalue()
    assert (keystore / "ca.pem").read_bytes() == ca_before
    assert {p: p.read_bytes() for p in keystore.rglob("*.p12")} == keys_before
    assert "passphrase" not in out1.getvalue().lower()
