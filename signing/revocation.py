"""Revocation at signing time: has the certificate about to sign been revoked by its CA, as of now?

Asked by `signing.credentials.check_certificate` (every key the server holds, PKCS#12 and PKCS#11), by
`signing.keys.KeyStore` for a key file without a directory row, and by `signing.remote.finish_and_verify` for a
signature that comes back from the person's tool or a CSC service.

How: pyhanko-certvalidator builds the path to a configured trust root (the same configuration verification
uses: `signing.verification.load_trust_roots` / `load_intermediates`) and, with fetching allowed and a
"check what the certificate declares" rule, asks the OCSP responder named in the certificate's AIA first and
falls back to the CRL of its distribution point only when OCSP gives no good answer. A certificate that names
neither is not checked (nobody could say it is revoked). Network work: call it outside any transaction or lock.

Answers:
- revoked (the certificate or a CA above it) → `CertificateRevoked` (403, reason `certificate_revoked`), never
  cached;
- good → cached for `SIGNING_REVOCATION_CACHE_SECONDS` per certificate (its SHA-256), so a signer signing twenty
  documents asks once;
- unknown (responder unreachable or too slow, an answer that cannot be validated, no path to a trusted root) →
  `SIGNING_REVOCATION_POLICY`: "soft" signs and logs a warning, "hard" refuses with `RevocationUnavailable` (503).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from enum import StrEnum

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, RevokedError
from pyhanko_certvalidator.fetchers import OwnedFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.util import get_declared_revinfo

from documents.errors import DomainError, PermissionDenied

logger = logging.getLogger(__name__)

CACHE_PREFIX = "signing:revocation:good:"
DEFAULT_TIMEOUT = 5.0
DEFAULT_CACHE_SECONDS = 300

# RFC 5280 reason codes a person can read (asn1crypto's native names).
REASONS = {
    "key_compromise": "lộ khóa bí mật",
    "ca_compromise": "tổ chức cấp chứng thư bị lộ khóa",
    "affiliation_changed": "thay đổi đơn vị công tác",
    "superseded": "đã được thay thế",
    "cessation_of_operation": "ngừng sử dụng",
    "certificate_hold": "tạm dừng",
    "privilege_withdrawn": "bị rút quyền",
}


class Status(StrEnum):
    GOOD = "good"  # the responder (or the CRL) said so just now
    CACHED = "cached"  # it said so within the cache window
    NOT_DECLARED = "not_declared"  # the certificate names no OCSP responder and no CRL: nothing to ask
    UNKNOWN = "unknown"  # no usable answer; signed only under the "soft" policy


class CertificateRevoked(PermissionDenied):
    """The CA says the certificate (or one above it) is revoked: the signature is refused, nothing changes."""

    code = "certificate_revoked"
    default_message = "Chứng thư số đã bị thu hồi; không ký được."


class RevocationUnavailable(DomainError):
    """Policy "hard": the revocation status could not be learnt now; try again later (like a TSA that is down)."""

    code = "revocation_unavailable"
    http_status = 503
    default_message = "Không kiểm tra được tình trạng thu hồi của chứng thư số; chưa ký được, vui lòng thử lại sau."


def _setting(name: str, default: object) -> object:
    return getattr(settings, name, default)


def policy() -> str:
    value = str(_setting("SIGNING_REVOCATION_POLICY", "soft")).lower()
    return "hard" if value == "hard" else "soft"


def _serial(certificate: asn1_x509.Certificate) -> str:
    return format(certificate.serial_number, "x")  # as SigningCredential.serial stores it


def _cache_key(certificate: asn1_x509.Certificate) -> str:
    return CACHE_PREFIX + hashlib.sha256(certificate.dump()).hexdigest()


def declares_revocation(certificate: asn1_x509.Certificate) -> bool:
    has_crl, has_ocsp = get_declared_revinfo(certificate)
    return has_crl or has_ocsp


def _context() -> ValidationContext:
    # Imported here: verification imports keys, which calls back into credentials and so into this module.
    from signing.verification import load_intermediates, load_trust_roots

    timeout = float(_setting("SIGNING_REVOCATION_TIMEOUT", DEFAULT_TIMEOUT))  # type: ignore[arg-type]
    return ValidationContext(
        trust_roots=load_trust_roots(),
        other_certs=load_intermediates(),
        allow_fetching=True,
        # hard-fail = check what each certificate declares, and an unanswered check is a failure we can see
        # (soft-fail would pass it silently and "unknown" would look like "good").
        revocation_mode="hard-fail",
        fetcher_backend=OwnedFetcherBackend(AIOHttpFetcherBackend(per_request_timeout=timeout)),
    )


async def _validate(
    context: ValidationContext, certificate: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]
) -> None:
    try:
        await CertificateValidator(
            certificate, intermediate_certs=chain, validation_context=context
        ).async_validate_path()
    finally:
        await context.aclose()  # the HTTP session belongs to this event loop


def _revoked(exc: RevokedError, certificate: asn1_x509.Certificate, whose: str) -> CertificateRevoked:
    when = exc.revocation_dt
    reason = getattr(exc.reason, "native", None) or ""
    ee = getattr(exc, "is_ee_cert", True)
    owner = f" của {whose}" if whose else ""
    why = f" (lý do: {REASONS[reason]})" if reason in REASONS else ""
    day = f"{timezone.localtime(when):%d/%m/%Y %H:%M}" if when else "?"
    if ee:
        message = f"Chứng thư số số hiệu {_serial(certificate)}{owner} đã bị thu hồi từ {day}{why}: không ký được."
    else:
        message = (
            f"Chứng thư số số hiệu {_serial(certificate)}{owner} không còn giá trị: chứng thư của tổ chức cấp nó "
            f"đã bị thu hồi từ {day}{why}. Không ký được."
        )
    return CertificateRevoked(
        message,
        details={
            "reason": "certificate_revoked",
            "serial": _serial(certificate),
            "revoked_at": when.isoformat() if when else None,
            "revocation_reason": reason,
            "ca_revoked": not ee,
        },
    )


def check_revocation(
    certificate: asn1_x509.Certificate | bytes,
    *,
    chain: Iterable[asn1_x509.Certificate] = (),
    whose: str = "",
) -> Status:
    """The certificate's revocation status now, or a refusal (`CertificateRevoked`; `RevocationUnavailable` when
    nobody answers and the policy is "hard"). `chain`: CA certificates the key carries (a PKCS#12 file, a CMS)."""
    if isinstance(certificate, bytes | bytearray | memoryview):
        certificate = asn1_x509.Certificate.load(bytes(certificate))
    if not declares_revocation(certificate):
        return Status.NOT_DECLARED
    key = _cache_key(certificate)
    if cache.get(key) == Status.GOOD.value:
        return Status.CACHED
    serial = _serial(certificate)
    started = dt.datetime.now(dt.UTC)
    context = _context()  # outside the try: an unreadable trust root is a configuration error (500), not "unknown"
    try:
        asyncio.run(_validate(context, certificate, [c for c in chain if c.dump() != certificate.dump()]))
    except RevokedError as exc:
        logger.warning("Certificate %s is revoked: signing refused", serial)
        raise _revoked(exc, certificate, whose) from None
    except Exception as exc:  # no path, no answer, a bad answer, a network error: the set is open
        return _unknown(certificate, whose, exc)
    logger.info(
        "Revocation status of certificate %s asked: good (%.0f ms)",
        serial,
        (dt.datetime.now(dt.UTC) - started).total_seconds() * 1000,
    )
    seconds = int(_setting("SIGNING_REVOCATION_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))  # type: ignore[call-overload]
    if seconds > 0:
        cache.set(key, Status.GOOD.value, seconds)
    return Status.GOOD


def _unknown(certificate: asn1_x509.Certificate, whose: str, exc: Exception) -> Status:
    serial = _serial(certificate)
    untrusted = isinstance(exc, PathBuildingError)
    # The exception's text is pyhanko's English (URLs, certificate names): logged, not shown.
    logger.warning(
        "Revocation status of certificate %s unknown (%s: %s); policy %s", serial, type(exc).__name__, exc, policy()
    )
    if policy() != "hard":
        return Status.UNKNOWN
    owner = f" của {whose}" if whose else ""
    if untrusted:
        message = (
            f"Không kiểm tra được tình trạng thu hồi của chứng thư số số hiệu {serial}{owner}: chứng thư không "
            "thuộc tổ chức cấp chứng thư được tin cậy. Chưa ký được."
        )
    else:
        message = (
            f"Không kiểm tra được tình trạng thu hồi của chứng thư số số hiệu {serial}{owner}: máy chủ OCSP/CRL "
            "của tổ chức cấp chứng thư không trả lời. Chưa ký được, vui lòng thử lại sau."
        )
    raise RevocationUnavailable(
        message,
        details={
            "reason": "revocation_unknown",
            "serial": serial,
            "cause": "untrusted_chain" if untrusted else "no_answer",
        },
    )
