"""Where signing keys come from. The database never sees a private key or a passphrase.

`DocumentSigner` is the small interface the signing code needs. `Pkcs12Signer` (a file and its
passphrase) serves development and small offices; a PKCS#11 token (pyHanko's `PKCS11Signer`) or a remote
signing service plugs in by implementing the same two members and being returned by a `KeyStore`.

Layout of settings.KEYSTORE_DIR (made by `manage.py issue_demo_certificates`):

    ca.pem                          trust root for verification (demo CA)
    ca.key.pem, ca.key.pass         the demo CA's encrypted key and its passphrase (re-issuing)
    users/<username>.p12            a person's key and certificate chain
    users/<username>.p12.pass       its passphrase (mode 0600)
    organizations/org-<pk>.p12      an organization's key (the clerk applies it)
    organizations/org-<pk>.p12.pass

Passphrases: when settings.SIGNING_KEY_PASSPHRASE is set (from the environment), every key file uses it
and no `.pass` files are written; otherwise each key has a random passphrase in the file beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.sign import signers

from documents.errors import DomainError


class KeyNotFound(DomainError):
    """No key for this person or organization: an administrator must issue one."""

    code = "signing_key_missing"
    http_status = 409
    default_message = "Chưa có khóa ký số; hãy đề nghị quản trị cấp chứng thư số."


class DocumentSigner(Protocol):
    """What the PAdES code needs from a key, wherever the key lives."""

    @property
    def certificate(self) -> asn1_x509.Certificate: ...

    def pyhanko_signer(self) -> signers.Signer: ...


@dataclass(frozen=True)
class Pkcs12Signer:
    """A PKCS#12 file and its passphrase. The passphrase is kept out of repr() and so out of logs."""

    path: Path
    passphrase: bytes = field(repr=False)

    def pyhanko_signer(self) -> signers.SimpleSigner:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise KeyNotFound(f"Không đọc được tệp khóa {self.path.name}.") from exc
        try:
            return signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=self.passphrase)
        except ValueError:
            # Wrong passphrase or a damaged file; the cause is not chained so nothing of it reaches a log.
            raise KeyNotFound(f"Không mở được tệp khóa {self.path.name}: sai mật khẩu hoặc tệp hỏng.") from None

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self.pyhanko_signer().signing_cert


def _passphrase_for(key_path: Path) -> bytes:
    configured = getattr(settings, "SIGNING_KEY_PASSPHRASE", "")
    if configured:
        return str(configured).encode("utf-8")
    pass_file = key_path.with_name(key_path.name + ".pass")
    try:
        return pass_file.read_bytes().strip()
    except FileNotFoundError:
        raise KeyNotFound(f"Thiếu tệp mật khẩu {pass_file.name}.") from None


class KeyStore:
    """Finds the signing key of a person or an organization under one directory."""

    def __init__(self, base_dir: Path | str | None = None) -> None:
        self.base_dir = Path(base_dir if base_dir is not None else settings.KEYSTORE_DIR)

    def user_key_path(self, user: Any) -> Path:
        return self.base_dir / "users" / f"{user.get_username()}.p12"

    def organization_key_path(self, organization: Any) -> Path:
        return self.base_dir / "organizations" / f"org-{organization.pk}.p12"

    def _load(self, path: Path) -> Pkcs12Signer:
        if not path.exists():
            raise KeyNotFound(f"Chưa có khóa ký số ({path.name}); hãy cấp chứng thư số trước.")
        return Pkcs12Signer(path=path, passphrase=_passphrase_for(path))

    def for_user(self, user: Any) -> DocumentSigner:
        return self._load(self.user_key_path(user))

    def for_organization(self, organization: Any) -> DocumentSigner:
        return self._load(self.organization_key_path(organization))

    def trust_root_paths(self) -> list[Path]:
        configured = getattr(settings, "SIGNING_TRUST_ROOTS", None)
        if configured:
            return [Path(p) for p in configured]
        ca = self.base_dir / "ca.pem"
        return [ca] if ca.exists() else []
