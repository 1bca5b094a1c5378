"""manage.py issue_demo_certificates — a throwaway CA and PKCS#12 keys for the demo leaders and bodies.

Idempotent: the CA is made once; a key is (re)issued only when missing, expired, issued by another CA
or no longer matching the name it certifies. With --register (what `seed_demo` asks), each key's certificate is
also registered in the directory (signing.credentials), so /me/ lists it and signing checks it like any other.
Passphrases go to files beside the keys (mode 0600), or come from settings.SIGNING_KEY_PASSPHRASE; they are
never printed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from organizations.models import Membership, Organization, Role
from signing.ca import CertificateAuthority, issue_key, load_ca, make_ca, pkcs12_bytes, save_ca, write_private_file
from signing.keys import KeyStore


def _new_passphrase() -> bytes:
    configured = getattr(settings, "SIGNING_KEY_PASSPHRASE", "")
    return str(configured).encode("utf-8") if configured else secrets.token_urlsafe(24).encode("ascii")


def _read_passphrase(key_path: Path) -> bytes | None:
    configured = getattr(settings, "SIGNING_KEY_PASSPHRASE", "")
    if configured:
        return str(configured).encode("utf-8")
    pass_file = key_path.with_name(key_path.name + ".pass")
    return pass_file.read_bytes().strip() if pass_file.exists() else None


def _current_certificate(path: Path) -> x509.Certificate | None:
    passphrase = _read_passphrase(path)
    if not path.exists() or passphrase is None:
        return None
    try:
        _, certificate, _ = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase)
    except ValueError:
        return None
    return certificate


class Command(BaseCommand):
    help = "Tạo CA thử nghiệm và chứng thư số (PKCS#12) cho lãnh đạo và cơ quan trong dữ liệu mẫu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="cấp lại mọi chứng thư, kể cả còn dùng được")
        parser.add_argument(
            "--register", action="store_true", help="đăng ký chứng thư vào danh bạ (hiện ở trang cá nhân)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        store = KeyStore()
        ca = self._ca(store.base_dir)
        issued = kept = 0
        leaders = (
            Membership.objects.filter(is_active=True, role__in=(Role.HEAD, Role.DEPUTY))
            .select_related("user", "organization")
            .order_by("user_id", "id")
        )
        seen: set[int] = set()
        for membership in leaders:
            if membership.user_id in seen:
                continue
            seen.add(membership.user_id)
            user = membership.user
            done = self._ensure(
                store.user_key_path(user),
                ca,
                common_name=user.display_name,
                organization=membership.organization.name,
                force=options["force"],
            )
            issued, kept = issued + done, kept + (not done)
            if options["register"]:
                _register(store.user_key_path(user), user=user)
        for organization in Organization.objects.order_by("pk"):
            done = self._ensure(
                store.organization_key_path(organization),
                ca,
                common_name=organization.name,
                organization=organization.parent_line_name or organization.name,
                force=options["force"],
            )
            issued, kept = issued + done, kept + (not done)
            if options["register"]:
                _register(store.organization_key_path(organization), organization=organization)
        self.stdout.write(
            self.style.SUCCESS(f"Chứng thư số: cấp mới {issued}, giữ nguyên {kept}. Thư mục khóa: {store.base_dir}")
        )

    def _ca(self, directory: Path) -> CertificateAuthority:
        pass_file = directory / "ca.key.pass"
        if (directory / "ca.pem").exists() and (directory / "ca.key.pem").exists() and pass_file.exists():
            return load_ca(directory, passphrase=pass_file.read_bytes().strip())
        ca = make_ca("CA thử nghiệm — Văn bản đi")
        passphrase = secrets.token_urlsafe(24).encode("ascii")
        save_ca(ca, directory, passphrase=passphrase)
        write_private_file(pass_file, passphrase)
        self.stdout.write(f"Đã tạo CA thử nghiệm: {directory / 'ca.pem'}")
        return ca

    def _ensure(
        self, path: Path, ca: CertificateAuthority, *, common_name: str, organization: str, force: bool
    ) -> bool:
        """True when a key was (re)issued."""
        current = None if force else _current_certificate(path)
        if current is not None and _still_good(current, ca, common_name):
            return False
        passphrase = _new_passphrase()
        key = issue_key(ca, common_name=common_name, organization=organization)
        write_private_file(path, pkcs12_bytes(key, ca, passphrase=passphrase, label=common_name))
        if not getattr(settings, "SIGNING_KEY_PASSPHRASE", ""):
            write_private_file(path.with_name(path.name + ".pass"), passphrase)
        return True


def _still_good(certificate: x509.Certificate, ca: CertificateAuthority, common_name: str) -> bool:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    try:
        certificate.verify_directly_issued_by(ca.certificate)
    except (ValueError, TypeError, InvalidSignature):
        return False  # issued by an earlier demo CA
    return (
        certificate.not_valid_after_utc > dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
        and bool(names)
        and names[0].value == common_name[:64]
    )


def _register(path: Path, **owner: Any) -> None:
    """The key file's certificate as the owner's directory row (by the system: actor None), once; a reissued key
    gets its own row and the earlier one is deactivated, so the directory says which certificate signs."""
    from signing.credentials import credential_deactivate, credential_register
    from signing.models import Backend, SigningCredential

    certificate = _current_certificate(path)
    if certificate is None:
        return
    der = certificate.public_bytes(serialization.Encoding.DER)
    rows = SigningCredential.objects.filter(**owner, is_active=True)
    if rows.filter(sha256=hashlib.sha256(der).hexdigest()).exists():
        return
    for row in rows.filter(backend=Backend.PKCS12):
        credential_deactivate(actor=None, credential=row)
    credential_register(actor=None, backend=Backend.PKCS12, certificate_der=der, label="Tệp khóa thử nghiệm", **owner)
