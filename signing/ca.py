"""A small certificate authority built with `cryptography`: demo keys and throwaway test CAs.

Not a production CA. Real offices get their certificates from a licensed provider (and usually keep
the key on a token); this exists so that development, the demo and the tests sign for real.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# P-256 keys: fast to make and to sign with, accepted by PAdES validators.
_CURVE = ec.SECP256R1()


@dataclass(frozen=True)
class CertificateAuthority:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class IssuedKey:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


def _name(common_name: str, organization: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(common_name: str = "CA thử nghiệm", *, years: int = 10) -> CertificateAuthority:
    key = ec.generate_private_key(_CURVE)
    now = dt.datetime.now(dt.UTC)
    name = _name(common_name, "Văn bản đi — demo")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(key=key, certificate=certificate)


def issue_certificate(
    ca: CertificateAuthority,
    public_key: ec.EllipticCurvePublicKey,
    *,
    common_name: str,
    organization: str = "",
    years: int = 2,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> x509.Certificate:
    """A signing certificate (non-repudiation, document signing) for a public key whose private half may
    live elsewhere (a PKCS#11 token). `not_before`/`not_after` override the default validity (tests)."""
    now = dt.datetime.now(dt.UTC)
    start = not_before or now - dt.timedelta(days=1)
    end = not_after or min(now + dt.timedelta(days=365 * years), ca.certificate.not_valid_after_utc)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(ca.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )


def issue_key(
    ca: CertificateAuthority,
    *,
    common_name: str,
    organization: str = "",
    years: int = 2,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> IssuedKey:
    """A new key and its signing certificate for a person or an organization."""
    key = ec.generate_private_key(_CURVE)
    certificate = issue_certificate(
        ca,
        key.public_key(),
        common_name=common_name,
        organization=organization,
        years=years,
        not_before=not_before,
        not_after=not_after,
    )
    return IssuedKey(key=key, certificate=certificate)


def pkcs12_bytes(issued: IssuedKey, ca: CertificateAuthority, *, passphrase: bytes, label: str) -> bytes:
    """The key, its certificate and the CA's, encrypted with the passphrase (AES-256, PBKDF2)."""
    return pkcs12.serialize_key_and_certificates(
        label.encode("utf-8"),
        issued.key,
        issued.certificate,
        [ca.certificate],
        serialization.BestAvailableEncryption(passphrase),
    )


def write_private_file(path: Path, data: bytes) -> None:
    """Written with mode 0600 from the start: a key file is never readable by others, even briefly."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def save_ca(ca: CertificateAuthority, directory: Path, *, passphrase: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.pem").write_bytes(ca.certificate_pem)
    key_pem = ca.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    write_private_file(directory / "ca.key.pem", key_pem)


def load_ca(directory: Path, *, passphrase: bytes) -> CertificateAuthority:
    certificate = x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes())
    key = serialization.load_pem_private_key((directory / "ca.key.pem").read_bytes(), password=passphrase)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("The demo CA key is not an EC key.")
    return CertificateAuthority(key=key, certificate=certificate)
