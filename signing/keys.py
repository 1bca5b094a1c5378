"""Where signing keys come from. The database never sees a private key or a passphrase.

`DocumentSigner` is the small interface the signing code needs. `KeyStore.for_user` / `for_organization` resolve
through the directory (`signing.models.SigningCredential`): the active row valid today picks the backend —
`Pkcs12Signer` (a file and its passphrase: development and small offices) or `signing.pkcs11.Pkcs11Signer` (a
token); `csc` and `external` rows raise `NeedsRemoteSigning` (the key is not here: the caller routes the step to
the remote or desktop flow, `signing.remote.remote_backend_for` says which). A person or organization with no row at all
signs with today's PKCS#12 file, laid out as below. Every credential-backed key passes
`signing.credentials.check_certificate` first (registered to that owner, active, valid today, not revoked); a
key file without a row is still asked its revocation status (`signing.revocation.check_revocation`).

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
from functools import cached_property
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


class NeedsRemoteSigning(DomainError):
    """The key is with a remote signing service (csc) or the signer's own tool (external): the server cannot sign
    here; the step must wait for the signature to come back. `details` name the backend and the credential."""

    code = "signing_remote"
    http_status = 409
    default_message = "Chứng thư số này ký từ xa hoặc bằng công cụ của người ký: cần chờ chữ ký gửi về."


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
        return self._loaded

    @cached_property
    def _loaded(self) -> signers.SimpleSigner:
        # Decrypted once per Pkcs12Signer (PBKDF2 is slow on purpose): the certificate check and the signature
        # that follows it use the same load. KeyStore makes a new Pkcs12Signer for each signing.
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

    @property
    def chain(self) -> list[asn1_x509.Certificate]:
        """The CA certificates the file carries (for path building at the revocation check)."""
        registry = self.pyhanko_signer().cert_registry
        return list(registry) if registry is not None else []


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

    def _checked_file(self, path: Path, *, whose: str) -> Pkcs12Signer:
        """A key file without a directory row: no owner check to make, but a revoked certificate still never signs."""
        from signing.revocation import check_revocation

        signer = self._load(path)
        check_revocation(signer.certificate, chain=signer.chain, whose=whose)
        return signer

    def for_user(self, user: Any) -> DocumentSigner:
        from signing.credentials import credential_to_sign_with

        credential = credential_to_sign_with(user=user)
        if credential is None:
            return self._checked_file(self.user_key_path(user), whose=f"«{user.full_name or user.display_name}»")
        return self._from_credential(credential, default_path=self.user_key_path(user), user=user)

    def for_organization(self, organization: Any) -> DocumentSigner:
        from signing.credentials import credential_to_sign_with

        credential = credential_to_sign_with(organization=organization)
        if credential is None:
            return self._checked_file(self.organization_key_path(organization), whose=f"cơ quan «{organization.name}»")
        return self._from_credential(
            credential, default_path=self.organization_key_path(organization), organization=organization
        )

    def _from_credential(
        self, credential: Any, *, default_path: Path, user: Any = None, organization: Any = None
    ) -> DocumentSigner:
        """The signer of a directory row, after the check at signing time (refusals are 4xx, nothing signed)."""
        from signing.credentials import check_certificate
        from signing.models import Backend

        owner = {"user": user} if user is not None else {"organization": organization}
        # Revocation is asked once per signature: here for a token (PKCS#11), after opening the file for PKCS#12
        # (with the chain the file carries), and for csc/external when the signature comes back (signing.remote).
        check_certificate(bytes(credential.certificate_der), **owner, revocation=credential.backend == Backend.PKCS11)
        if credential.backend in (Backend.CSC, Backend.EXTERNAL):
            raise NeedsRemoteSigning(details={"backend": credential.backend, "credential_id": credential.pk})
        if credential.backend == Backend.PKCS11:
            from signing.pkcs11 import Pkcs11Signer

            return Pkcs11Signer.from_settings(credential.settings_json, bytes(credential.certificate_der))
        configured = credential.settings_json.get("path")
        path = (self.base_dir / str(configured)).resolve() if configured else default_path
        if configured and not path.is_relative_to(self.base_dir.resolve()):
            raise KeyNotFound("Đường dẫn tệp khóa phải nằm trong thư mục khóa.")
        signer = self._load(path)
        # The file must hold the registered certificate: a file swapped for another person's is refused.
        check_certificate(signer.certificate, **owner, chain=signer.chain)
        return signer

    def trust_root_paths(self) -> list[Path]:
        configured = getattr(settings, "SIGNING_TRUST_ROOTS", None)
        if configured:
            return [Path(p) for p in configured]
        ca = self.base_dir / "ca.pem"
        return [ca] if ca.exists() else []
