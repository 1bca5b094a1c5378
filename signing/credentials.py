"""The directory of signing credentials: register, deactivate, look up, and the check at signing time.

Every change is one transaction with its audit event. The table holds certificates and non-secret settings only;
a setting whose name suggests a secret (pin, passphrase, password…) is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.services import record_event
from documents.errors import PermissionDenied, ValidationFailed
from organizations.models import Membership, Organization
from signing.models import Backend, SigningCredential
from signing.revocation import check_revocation

# Names a non-secret setting may not have: a PIN or a passphrase belongs in the environment, never here.
SECRET_WORDS = ("pin", "pass", "secret", "private")
# Settings each backend needs (the other keys are free-form, e.g. a key id or the PIN's variable name).
REQUIRED_SETTINGS: dict[str, tuple[str, ...]] = {
    Backend.PKCS12: (),
    Backend.PKCS11: ("module", "token_label"),
    Backend.CSC: ("service_url", "credential_id"),
    Backend.EXTERNAL: (),
}
EXPIRY_WARNING_DAYS = 30
# Where an organization's key cannot be: the server must hold it (file or token) to seal at issue.
ORGANIZATION_REFUSED_BACKENDS = (Backend.CSC, Backend.EXTERNAL)

CertificateLike = bytes | x509.Certificate | asn1_x509.Certificate


def certificate_der(certificate: CertificateLike) -> bytes:
    if isinstance(certificate, x509.Certificate):
        return certificate.public_bytes(serialization.Encoding.DER)
    if isinstance(certificate, asn1_x509.Certificate):
        return certificate.dump()
    return bytes(certificate)


def parse_certificate(data: bytes) -> x509.Certificate:
    """DER or PEM; anything else is a Vietnamese refusal, not a 500."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except (ValueError, TypeError):
        raise ValidationFailed(
            "Không đọc được chứng thư số (cần tệp X.509 dạng DER hoặc PEM).", details={"field": "certificate"}
        ) from None


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def owner_name(*, user: Any = None, organization: Organization | None = None) -> str:
    return organization.name if organization is not None else (user.full_name or user.display_name)


def _local_date(when: dt.datetime) -> dt.date:
    return timezone.localtime(when).date()


def _check_owner(user: Any, organization: Organization | None) -> None:
    if (user is None) == (organization is None):
        raise ValidationFailed("Chứng thư số phải thuộc đúng một người hoặc một cơ quan.", details={"field": "user"})


def _check_settings(backend: str, settings_json: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(settings_json, dict):
        raise ValidationFailed("Thiết lập phải là một đối tượng JSON.", details={"field": "settings_json"})
    for key in settings_json:
        lowered = str(key).lower()
        # "pin_env" names the environment variable; its value is a name, not the PIN.
        if lowered != "pin_env" and any(word in lowered for word in SECRET_WORDS):
            raise ValidationFailed(
                f"Không lưu bí mật ({key}) trong cơ sở dữ liệu: mã PIN và mật khẩu đặt trong biến môi trường.",
                details={"field": "settings_json"},
            )
    missing = [name for name in REQUIRED_SETTINGS.get(backend, ()) if not settings_json.get(name)]
    if backend == Backend.PKCS11 and not (settings_json.get("key_label") or settings_json.get("key_id")):
        missing.append("key_label")
    if missing:
        raise ValidationFailed(
            f"Thiếu thiết lập cho nơi giữ khóa {backend}: {', '.join(missing)}.", details={"field": "settings_json"}
        )
    return settings_json


def _audit_organization_id(*, user: Any, organization: Organization | None) -> int:
    if organization is not None:
        return organization.pk
    membership = Membership.objects.filter(user=user, is_active=True).order_by("pk").first()
    if membership is None:
        raise ValidationFailed("Người này chưa có chức vụ ở cơ quan nào.", details={"field": "user"})
    return membership.organization_id


@transaction.atomic
def credential_register(
    *,
    actor: Any,
    backend: str,
    certificate_der: bytes,
    user: Any = None,
    organization: Organization | None = None,
    settings_json: dict[str, Any] | None = None,
    label: str = "",
) -> SigningCredential:
    """Register a certificate a person or an organization signs with. Administrators only; `actor=None` is the
    system itself (manage.py issue_demo_certificates). The certificate's CN must be the person's full name or
    the organization's name."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Chỉ quản trị mới được đăng ký chứng thư số.")
    _check_owner(user, organization)
    if backend not in Backend.values:
        raise ValidationFailed(f"Nơi giữ khóa không hợp lệ: {backend}.", details={"field": "backend"})
    if organization is not None and backend in ORGANIZATION_REFUSED_BACKENDS:
        # The organization's signature is applied by the server when the clerk issues (signing.services.prepare_issue
        # → KeyStore.for_organization): there is no waiting flow for it, so such a row could only fail at issue (409).
        raise ValidationFailed(
            "Chữ ký số của cơ quan do hệ thống áp khi văn thư phát hành văn bản: chỉ đăng ký tệp khóa PKCS#12 hoặc "
            "thiết bị ký PKCS#11 (token, HSM) cho cơ quan, không dùng dịch vụ ký số từ xa hay công cụ ký số cá nhân.",
            details={"field": "backend", "reason": "organization_backend_not_supported"},
        )
    settings_json = _check_settings(backend, dict(settings_json or {}))
    certificate = parse_certificate(certificate_der)
    expected = owner_name(user=user, organization=organization)
    common_name = _common_name(certificate)
    if _fold(common_name) != _fold(expected[:64]):
        raise ValidationFailed(
            f"Tên trên chứng thư số ({common_name or 'trống'}) không khớp với "
            f"{'cơ quan' if organization is not None else 'người ký'} «{expected}».",
            details={"field": "certificate"},
        )
    der = certificate.public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest()
    if SigningCredential.objects.filter(sha256=digest).exists():
        raise ValidationFailed("Chứng thư số này đã được đăng ký.", details={"field": "certificate"})
    credential = SigningCredential.objects.create(
        user=user,
        organization=organization,
        backend=backend,
        label=label[:100],
        certificate_der=der,
        subject=certificate.subject.rfc4514_string()[:500],
        common_name=common_name[:255],
        issuer=certificate.issuer.rfc4514_string()[:500],
        serial=format(certificate.serial_number, "x"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        sha256=digest,
        settings_json=settings_json,
    )
    record_event(
        organization_id=_audit_organization_id(user=user, organization=organization),
        actor=actor,
        action="signing_credential.register",
        obj=credential,
        details={
            "owner": f"user:{user.pk}" if user is not None else f"organization:{organization.pk}",
            "backend": backend,
            "serial": credential.serial,
            "sha256": digest,
            "not_after": credential.not_after.isoformat(),
        },
    )
    return credential


@transaction.atomic
def credential_deactivate(*, actor: Any, credential: SigningCredential) -> SigningCredential:
    """Stop signing with a certificate (lost token, revoked, replaced). The row stays for the record."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Chỉ quản trị mới được ngừng dùng chứng thư số.")
    credential = SigningCredential.objects.select_for_update().get(pk=credential.pk)
    if not credential.is_active:
        return credential
    credential.is_active = False
    credential.deactivated_at = timezone.now()
    credential.save(update_fields=["is_active", "deactivated_at"])
    record_event(
        organization_id=_audit_organization_id(user=credential.user, organization=credential.organization),
        actor=actor,
        action="signing_credential.deactivate",
        obj=credential,
        details={"serial": credential.serial, "sha256": credential.sha256},
    )
    return credential


# --- selectors -----------------------------------------------------------------------------------------------


def _valid_on(queryset: QuerySet[SigningCredential], on: dt.date | None) -> QuerySet[SigningCredential]:
    day = on or timezone.localdate()
    # Whole local days: a certificate valid at any moment of that day counts (the precise check is check_certificate).
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return queryset.filter(is_active=True, not_before__lt=end, not_after__gte=start).order_by("-not_after", "-pk")


def active_credential_for_user(user: Any, *, on: dt.date | None = None) -> SigningCredential | None:
    return _valid_on(SigningCredential.objects.filter(user=user), on).first()


def active_credential_for_organization(
    organization: Organization, *, on: dt.date | None = None
) -> SigningCredential | None:
    return _valid_on(SigningCredential.objects.filter(organization=organization), on).first()


def credentials_of_user(user: Any) -> list[SigningCredential]:
    """The person's certificates for the personal page, newest first, each with `days_left` and `warning`."""
    credentials = list(SigningCredential.objects.filter(user=user).order_by("-is_active", "-not_after", "-pk"))
    today = timezone.localdate()
    for credential in credentials:
        credential.days_left = (_local_date(credential.not_after) - today).days
        credential.warning = credential.is_active and credential.days_left <= EXPIRY_WARNING_DAYS
    return credentials


def has_active_credential(user: Any) -> bool:
    return SigningCredential.objects.filter(user=user, is_active=True).exists()


def expiring_credentials(*, within_days: int = EXPIRY_WARNING_DAYS) -> QuerySet[SigningCredential]:
    """Active certificates that expire within `within_days` (or already have): the administrators' list."""
    limit = timezone.now() + dt.timedelta(days=within_days)
    return (
        SigningCredential.objects.filter(is_active=True, not_after__lte=limit)
        .select_related("user", "organization")
        .order_by("not_after")
    )


def credential_to_sign_with(*, user: Any = None, organization: Organization | None = None) -> SigningCredential | None:
    """The row KeyStore signs with: the active one valid today; else, when the owner has rows but none usable,
    the most recent one (check_certificate then says why it is refused); None when the owner has no row at all
    (the PKCS#12 file of today is the fallback)."""
    rows = SigningCredential.objects.filter(user=user) if user is not None else organization.signing_credentials.all()
    usable = _valid_on(rows, None).first()
    if usable is not None:
        return usable
    return rows.order_by("-is_active", "-not_after", "-pk").first()


# --- the check at signing time -------------------------------------------------------------------------------


def check_certificate(
    certificate: CertificateLike,
    *,
    user: Any = None,
    organization: Organization | None = None,
    on: dt.date | dt.datetime | None = None,
    chain: Iterable[asn1_x509.Certificate] = (),
    revocation: bool = True,
) -> SigningCredential:
    """The certificate must be one registered for that person (or organization), active, and valid on that date
    (a date: any moment of that local day; a datetime or None: that instant), and — when the check is for now
    (`on` None) — not revoked (`signing.revocation`: OCSP, else CRL; `chain` are the CA certificates the key
    carries). Otherwise a Vietnamese refusal (403 wrong owner, deactivated or revoked; 400 outside its validity;
    503 revocation status unknown under the "hard" policy) and the caller changes nothing.
    `revocation=False`: the caller asks it later, once, with the key's chain (KeyStore for a PKCS#12 file)."""
    _check_owner(user, organization)
    digest = hashlib.sha256(certificate_der(certificate)).hexdigest()
    rows = SigningCredential.objects.filter(sha256=digest)
    rows = rows.filter(organization=organization) if organization is not None else rows.filter(user=user)
    credential = rows.first()
    whose = f"cơ quan «{organization.name}»" if organization is not None else f"«{owner_name(user=user)}»"
    if credential is None:
        raise PermissionDenied(
            f"Chứng thư số này không phải chứng thư đã đăng ký của {whose}.",
            details={"reason": "certificate_not_registered", "sha256": digest},
        )
    if not credential.is_active:
        raise PermissionDenied(
            f"Chứng thư số số hiệu {credential.serial} của {whose} đã ngừng sử dụng.",
            details={"reason": "certificate_inactive", "serial": credential.serial},
        )
    if isinstance(on, dt.datetime) or on is None:
        moment = on or timezone.now()
        too_early, too_late = moment < credential.not_before, moment > credential.not_after
    else:
        too_early = on < _local_date(credential.not_before)
        too_late = on > _local_date(credential.not_after)
    if too_early:
        raise ValidationFailed(
            f"Chứng thư số số hiệu {credential.serial} chưa có hiệu lực "
            f"(từ {timezone.localtime(credential.not_before):%d/%m/%Y %H:%M}).",
            details={"reason": "certificate_not_yet_valid", "serial": credential.serial},
        )
    if too_late:
        raise ValidationFailed(
            f"Chứng thư số số hiệu {credential.serial} đã hết hạn "
            f"(ngày {timezone.localtime(credential.not_after):%d/%m/%Y}).",
            details={"reason": "certificate_expired", "serial": credential.serial},
        )
    if revocation and on is None:
        # A past date is a question about the record, not a signature now: OCSP answers for now only.
        check_revocation(certificate_der(certificate), chain=chain, whose=whose)
    return credential
