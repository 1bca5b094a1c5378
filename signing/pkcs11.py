"""Keys on PKCS#11 tokens and HSMs (Ban Cơ yếu USB tokens, an HSM, softhsm2 in the tests).

`Pkcs11Signer` is the `DocumentSigner` of a directory row with backend `pkcs11`. The certificate is the
directory's; the token holds the key. A session is opened for each signature and closed right after it: nothing
stays logged in between two signings. The PIN is read from the environment at that moment (the variable named by
`settings_json["pin_env"]`, else `SIGNING_PKCS11_PIN`) and never stored, logged or shown in a repr.

`provision_key` makes a key ON a token and stores the certificate the CA issued for it beside it: the demo
command and the tests use it (a real office's token comes with its key and certificate from the CA).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.conf import settings

from signing.keys import KeyNotFound

DEFAULT_PIN_ENV = "SIGNING_PKCS11_PIN"


class TokenUnavailable(KeyNotFound):
    """The token is absent, locked or refuses the PIN: a clear 409, no PKCS#11 detail (nor PIN) in the message."""

    code = "signing_token_unavailable"
    default_message = "Không mở được thiết bị ký số (USB token): kiểm tra thiết bị đã cắm và mã PIN."


class TokenKeyMismatch(KeyNotFound):
    """The token's certificate under that label is not the one registered in the directory."""

    code = "signing_token_mismatch"
    default_message = "Khóa trên thiết bị ký số không khớp chứng thư số đã đăng ký."


def pin_from_environment(settings_json: dict[str, Any]) -> str:
    """The PIN for a token: the environment variable the row names, else SIGNING_PKCS11_PIN (setting or env)."""
    variable = str(settings_json.get("pin_env") or DEFAULT_PIN_ENV)
    pin = os.environ.get(variable) or (getattr(settings, DEFAULT_PIN_ENV, "") if variable == DEFAULT_PIN_ENV else "")
    if not pin:
        raise TokenUnavailable(f"Chưa cấu hình mã PIN của thiết bị ký số (biến môi trường {variable}).")
    return str(pin)


def _open_session(module: str, token_label: str, pin: str | None, *, rw: bool = False) -> Any:
    import pkcs11
    from pkcs11.exceptions import PKCS11Error

    try:
        library = pkcs11.lib(module)
        token = library.get_token(token_label=token_label)
        return token.open(user_pin=pin, rw=rw) if pin is not None else token.open(rw=rw)
    except (PKCS11Error, RuntimeError, OSError) as exc:
        # Only the exception's class name: PKCS#11 messages may quote the call's arguments.
        raise TokenUnavailable(f"Không mở được thiết bị ký số «{token_label}» ({type(exc).__name__}).") from None


@cache
def _session_signer_class() -> type:
    """pyHanko's PKCS11Signer, opening its session only for the raw signature (defined lazily: importing
    pyhanko.sign.pkcs11 needs python-pkcs11, which a PKCS#12-only installation may lack)."""
    from pyhanko.sign.pkcs11 import PKCS11Signer

    class SessionPerSignature(PKCS11Signer):
        def __init__(self, *, open_session: Any, registered: asn1_x509.Certificate, **kwargs: Any) -> None:
            super().__init__(pkcs11_session=None, signing_cert=registered, **kwargs)
            self._open_session = open_session
            self._registered = registered

        @property
        def signing_cert(self) -> asn1_x509.Certificate:
            # The directory's certificate: no token access is needed to build the CMS structure around it.
            return self._registered

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
            if dry_run:
                return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
            return await asyncio.get_running_loop().run_in_executor(None, self._sign_in_session, data, digest_algorithm)

        def _sign_in_session(self, data: bytes, digest_algorithm: str) -> bytes:
            from pkcs11.exceptions import PKCS11Error

            session = self._open_session()
            try:
                self.pkcs11_session = session
                self._check_token_certificate()
                key = self._pull_signing_key_handle()
                spec = self._select_pkcs11_signing_params(digest_algorithm, sign_kwargs=self.sign_kwargs(data))
                payload = spec.pre_sign_transform(data) if spec.pre_sign_transform is not None else data
                signature = key.sign(payload, **spec.sign_kwargs)
                return spec.post_sign_transform(signature) if spec.post_sign_transform is not None else signature
            except PKCS11Error as exc:
                raise TokenUnavailable(f"Thiết bị ký số từ chối ký ({type(exc).__name__}).") from None
            finally:
                self.pkcs11_session = None
                session.close()

        def _check_token_certificate(self) -> None:
            """A token usually keeps the certificate beside its key: if it is there and differs from the
            directory's, the label points at someone else's key: refuse before signing."""
            from pkcs11 import Attribute, ObjectClass

            query: dict[Any, Any] = {Attribute.CLASS: ObjectClass.CERTIFICATE}
            if self.key_label is not None:
                query[Attribute.LABEL] = self.key_label
            if self.key_id is not None:
                query[Attribute.ID] = self.key_id
            found = [bytes(obj[Attribute.VALUE]) for obj in self.pkcs11_session.get_objects(query)]
            if found and self._registered.dump() not in found:
                raise TokenKeyMismatch()

    return SessionPerSignature


@dataclass(frozen=True)
class Pkcs11Signer:
    """A key on a PKCS#11 token and the certificate the directory registered for it."""

    module: str
    token_label: str
    certificate_der: bytes = field(repr=False)
    key_label: str | None = None
    key_id: bytes | None = None
    pin_env: str = DEFAULT_PIN_ENV
    # ECDSA: hash here, sign the digest on the token (CKM_ECDSA). Many tokens and softhsm2 offer no
    # hash-and-sign ECDSA mechanism; the digest is what the token would compute anyway.
    raw_mechanism: bool | None = None

    @classmethod
    def from_settings(cls, settings_json: dict[str, Any], certificate_der: bytes) -> Pkcs11Signer:
        key_id = settings_json.get("key_id")
        return cls(
            module=str(settings_json["module"]),
            token_label=str(settings_json["token_label"]),
            certificate_der=bytes(certificate_der),
            key_label=settings_json.get("key_label") or None,
            key_id=bytes.fromhex(key_id) if key_id else None,
            pin_env=str(settings_json.get("pin_env") or DEFAULT_PIN_ENV),
            raw_mechanism=settings_json.get("raw_mechanism"),
        )

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate_der)

    def pyhanko_signer(self) -> Any:
        pin = pin_from_environment({"pin_env": self.pin_env})
        module, token_label = self.module, self.token_label

        def open_session() -> Any:
            return _open_session(module, token_label, pin)

        certificate = self.certificate
        raw = self.raw_mechanism if self.raw_mechanism is not None else certificate.public_key.algorithm == "ec"
        return _session_signer_class()(
            open_session=open_session,
            registered=certificate,
            key_label=self.key_label,
            key_id=self.key_id,
            use_raw_mechanism=bool(raw),
        )


def provision_key(*, module: str, token_label: str, pin: str, key_label: str, key_id: bytes, issue: Any) -> bytes:
    """Generate an EC P-256 key pair on the token (the private key never leaves it), have `issue(public_key)`
    return its certificate (cryptography's x509.Certificate), store that certificate on the token under the same
    label and id, and return its DER."""
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

    session = _open_session(module, token_label, pin, rw=True)
    try:
        parameters = session.create_domain_parameters(
            KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
        )
        public, _private = parameters.generate_keypair(
            store=True,
            label=key_label,
            id=key_id,
            private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False},
        )
        public_key = serialization.load_der_public_key(encode_ec_public_key(public))
        certificate = issue(public_key)
        der = certificate.public_bytes(serialization.Encoding.DER)
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: key_label,
                Attribute.ID: key_id,
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.VALUE: der,
            }
        )
        return der
    finally:
        session.close()
