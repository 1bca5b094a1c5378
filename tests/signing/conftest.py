"""A throwaway CA for the whole session, and key files for the people of a test office."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from signing.ca import CertificateAuthority, issue_key, make_ca, pkcs12_bytes, write_private_file
from tests.factories import Office

PASSPHRASE = b"mat-khau-thu-nghiem"


@pytest.fixture(scope="session")
def test_ca() -> CertificateAuthority:
    return make_ca("CA thử nghiệm của bộ kiểm thử")


@pytest.fixture(scope="session")
def other_ca() -> CertificateAuthority:
    """A CA nobody trusts: signatures it vouches for are intact but not trusted."""
    return make_ca("CA lạ")


@pytest.fixture
def keystore(tmp_path: Path, settings, test_ca: CertificateAuthority) -> Path:
    """settings.KEYSTORE_DIR in a temporary directory, with the test CA as the trust root."""
    settings.KEYSTORE_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""
    settings.KEYSTORE_DIR.mkdir()
    (settings.KEYSTORE_DIR / "ca.pem").write_bytes(test_ca.certificate_pem)
    return settings.KEYSTORE_DIR


def as_trust_root(ca: CertificateAuthority) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(ca.certificate.public_bytes(serialization.Encoding.DER))


@pytest.fixture
def trust_roots(test_ca: CertificateAuthority) -> list[asn1_x509.Certificate]:
    return [as_trust_root(test_ca)]


def write_key(directory: Path, relative: str, *, common_name: str, organization: str, ca: CertificateAuthority) -> Path:
    path = directory / relative
    issued = issue_key(ca, common_name=common_name, organization=organization)
    write_private_file(path, pkcs12_bytes(issued, ca, passphrase=PASSPHRASE, label=common_name))
    write_private_file(path.with_name(path.name + ".pass"), PASSPHRASE)
    return path


@pytest.fixture
def office_keys(keystore: Path, office: Office, test_ca: CertificateAuthority) -> Office:
    """Key files for the head, the deputy and the organization, as issue_demo_certificates lays them out."""
    org_name = office.organization.name
    for person in (office.head, office.deputy):
        write_key(
            keystore, f"users/{person.username}.p12", common_name=person.full_name, organization=org_name, ca=test_ca
        )
    write_key(
        keystore,
        f"organizations/org-{office.organization.pk}.p12",
        common_name=org_name,
        organization=org_name,
        ca=test_ca,
    )
    return office


@pytest.fixture
def seed_text() -> Callable[[str], str]:
    from django.conf import settings

    seeds = Path(settings.BASE_DIR).parent / "shared" / "seeds"

    def read(prefix: str) -> str:
        if not seeds.is_dir():
            pytest.skip("the seed plans (../shared/seeds) are not here")
        return next(seeds.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")

    return read
