"""Registering test certificates in the directory, as an administrator would."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from organizations.models import User
from signing.credentials import credential_register
from signing.models import SigningCredential
from tests.signing.conftest import PASSPHRASE


def admin() -> User:
    return User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("quan-tri", password="x")


def register(
    *, backend: str, der: bytes, user: Any = None, organization: Any = None, settings_json: dict | None = None
) -> SigningCredential:
    return credential_register(
        actor=admin(),
        user=user,
        organization=organization,
        backend=backend,
        certificate_der=der,
        settings_json=settings_json or {},
    )


def p12_certificate_der(path: Any) -> bytes:
    """The certificate inside a test key file (conftest.write_key)."""
    _, certificate, _ = pkcs12.load_key_and_certificates(path.read_bytes(), PASSPHRASE)
    return certificate.public_bytes(serialization.Encoding.DER)
