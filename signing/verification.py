"""Verify a PDF anyone uploads: every signature, its certificate chain and time, and what changed after it.

The answer the clerk and the recipient need, as one verdict: issued and intact, signed but never issued,
changed after signing or after issue, or signed with a certificate this system does not trust.
No network by default: validation uses the configured trust roots (files or folders, `load_trust_roots`),
the certificates and revocation data the PDF itself carries (its DSS, added at archiving) and
allow_fetching=False. The signing time shown is the RFC 3161 timestamp's when the signature has one.
A certificate that expired since is still valid when a trusted timestamp proves the signature older than the
expiry and the PDF carries the revocation data of that time (an archive copy, PAdES B-LT/B-LTA).
A file that cannot be read at all is not a verdict but `UnreadablePdf` (400).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import DEFAULT_WEAK_HASH_ALGOS, DisallowWeakAlgorithmsPolicy

from documents.dates import VIETNAM
from documents.errors import ValidationFailed
from signing.keys import KeyStore
from signing.rendering import FILLABLE_FIELDS, LEGACY_FILLABLE_FIELDS, ORGANIZATION_FIELD
from signing.timestamps import signature_timestamp_time

logger = logging.getLogger(__name__)

# After the signer, these levels leave the signed content as it was (nothing, archival data, form fill).
_ACCEPTABLE_LEVELS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
# After the organization's signature nothing but archival data may be added: the number and date are final.
_ACCEPTABLE_AFTER_ISSUE = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
_LEVEL_LABELS = {
    "NONE": "không thay đổi",
    "LTA_UPDATES": "chỉ bổ sung dữ liệu lưu trữ dài hạn",
    "FORM_FILLING": "chỉ điền biểu mẫu (số, ngày)",
    "ANNOTATIONS": "thêm chú thích",
    "OTHER": "thay đổi nội dung",
}


class Verdict(StrEnum):
    """What the document is, as far as its signatures prove it; the API gives the code."""

    ISSUED = "issued"
    SIGNED_NOT_ISSUED = "signed_not_issued"
    CHANGED_AFTER_ISSUE = "changed_after_issue"
    CHANGED_AFTER_SIGNING = "changed_after_signing"
    REVOKED = "revoked"
    INVALID = "invalid"
    UNTRUSTED = "untrusted"
    UNSIGNED = "unsigned"


VERDICT_MESSAGES = {
    Verdict.ISSUED: gettext_lazy("Văn bản đã ban hành, nguyên vẹn."),
    Verdict.SIGNED_NOT_ISSUED: gettext_lazy(
        "Văn bản đã ký nhưng chưa được phát hành (chưa có chữ ký của cơ quan, chưa có số và ngày)."
    ),
    Verdict.CHANGED_AFTER_ISSUE: gettext_lazy("Văn bản đã bị thay đổi sau khi ban hành — không hợp lệ."),
    Verdict.CHANGED_AFTER_SIGNING: gettext_lazy("Văn bản đã bị thay đổi sau khi ký — không hợp lệ."),
    Verdict.REVOKED: gettext_lazy("Chứng thư số của người ký đã bị thu hồi — chữ ký không hợp lệ."),
    Verdict.INVALID: gettext_lazy(
        "Chữ ký số không hợp lệ: chứng thư hết hạn hoặc chưa có hiệu lực khi ký, hoặc thuật toán không được chấp nhận."
    ),
    Verdict.UNTRUSTED: gettext_lazy(
        "Văn bản được ký bằng chứng thư số mà hệ thống không tin cậy — không xác thực được người ký."
    ),
    Verdict.UNSIGNED: gettext_lazy("Tệp không có chữ ký số nào."),
}


class UnreadablePdf(ValidationFailed):
    """The uploaded bytes are not a PDF the parsers can read: the caller answers 400, never 500."""

    code = "unreadable_pdf"
    default_message = "Không đọc được tệp PDF (tệp hỏng hoặc không phải PDF)."


# The parts of a certificate's name, in the reader's language (asn1crypto's human_friendly is English only).
NAME_PART_LABELS = {
    "common_name": gettext_lazy("Tên"),
    "organization_name": gettext_lazy("Tổ chức"),
    "organizational_unit_name": gettext_lazy("Đơn vị"),
    "locality_name": gettext_lazy("Địa phương"),
    "state_or_province_name": gettext_lazy("Tỉnh, thành phố"),
    "country_name": gettext_lazy("Quốc gia"),
    "email_address": gettext_lazy("Thư điện tử"),
    "serial_number": gettext_lazy("Mã định danh"),
    "title": gettext_lazy("Chức danh"),
}


def name_parts(name: asn1_x509.Name) -> list[tuple[str, str]]:
    """(label, value) of each part of a certificate's subject or issuer, labels translated when shown."""
    parts = []
    for key, value in name.native.items():
        label = NAME_PART_LABELS.get(key, key.replace("_", " "))
        parts.append((label, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    return parts


@dataclass
class CertificateInfo:
    subject: str
    issuer: str
    serial: str
    valid_from: dt.datetime
    valid_until: dt.datetime
    # For the page (templates/signing/verify.html): Chủ thể / Nhà cung cấp part by part, labels in the UI's language.
    subject_parts: list[tuple[str, str]] = field(default_factory=list)
    issuer_parts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SignatureReport:
    field_name: str
    signer_name: str
    signer_organization: str
    signing_time: dt.datetime | None
    intact: bool
    valid: bool
    trusted: bool
    certifying: bool
    modification_level: str | None
    docmdp_ok: bool | None
    changed_fields: list[str]
    chain: list[CertificateInfo]
    problems: list[str] = field(default_factory=list)
    tampered: bool = False  # a problem with the content, as opposed to trust in the certificate
    revoked: bool = False  # the certificate (or a CA above it) was revoked before the signature's time
    rejected: bool = False  # intact, but refused: expired or not yet valid certificate, a weak algorithm
    # "timestamp": signing_time is an RFC 3161 timestamp's; "signer": the time the signer's computer claimed.
    signing_time_source: str | None = None
    timestamp_authority: str = ""
    # Trusted at the time a timestamp proves (the certificate expired since): validated from the archived data.
    validated_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def status(self) -> str:
        """valid, untrusted (intact, unknown root or no revocation data), invalid (broken or refused), revoked."""
        if self.tampered or self.rejected:
            return "invalid"
        if self.revoked:
            return "revoked"
        return "untrusted" if not self.trusted else "valid"

    @property
    def is_organization(self) -> bool:
        return self.field_name == ORGANIZATION_FIELD and not self.certifying


@dataclass
class TimestampReport:
    """A document timestamp (an archive revision, PAdES B-LTA): its time and its authority."""

    time: dt.datetime | None
    authority: str
    intact: bool
    trusted: bool


@dataclass
class VerificationReport:
    signatures: list[SignatureReport]
    problems: list[str]
    timestamps: list[TimestampReport] = field(default_factory=list)
    has_validation_data: bool = False  # the PDF carries a DSS (certificates, OCSP, CRLs)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.signatures) and all(s.ok for s in self.signatures)

    @property
    def verdict(self) -> Verdict:
        if not self.signatures:
            return Verdict.UNSIGNED
        issued = any(s.is_organization for s in self.signatures)
        if any(s.tampered for s in self.signatures):
            return Verdict.CHANGED_AFTER_ISSUE if issued else Verdict.CHANGED_AFTER_SIGNING
        if any(s.rejected for s in self.signatures):
            return Verdict.INVALID
        if any(s.revoked for s in self.signatures):
            return Verdict.REVOKED
        if self.problems or not all(s.trusted for s in self.signatures):
            return Verdict.UNTRUSTED
        return Verdict.ISSUED if issued else Verdict.SIGNED_NOT_ISSUED

    @property
    def verdict_message(self) -> str:
        return str(VERDICT_MESSAGES[self.verdict])

    @property
    def summary(self) -> str:
        reasons = [*self.problems, *(p for s in self.signatures for p in s.problems)]
        return " ".join([self.verdict_message, *(r for r in reasons if r != self.verdict_message)])

    def as_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict.value,
            "verdict_message": self.verdict_message,
            "ok": self.ok,
            "summary": self.summary,
            "problems": self.problems,
            "has_validation_data": self.has_validation_data,
            "document_timestamps": [
                {"time": t.time.isoformat() if t.time else None, "authority": t.authority, "trusted": t.trusted}
                for t in self.timestamps
            ],
            "signatures": [
                {
                    "field": s.field_name,
                    "signer": s.signer_name,
                    "organization": s.signer_organization,
                    "signing_time": s.signing_time.isoformat() if s.signing_time else None,
                    "signing_time_source": s.signing_time_source,
                    "timestamp_authority": s.timestamp_authority,
                    "status": s.status,
                    "revoked": s.revoked,
                    "intact": s.intact,
                    "valid": s.valid,
                    "trusted": s.trusted,
                    "certifying": s.certifying,
                    "modification_level": s.modification_level,
                    "changed_fields": s.changed_fields,
                    "ok": s.ok,
                    "problems": s.problems,
                    "chain": [
                        {
                            "subject": c.subject,
                            "issuer": c.issuer,
                            "serial": c.serial,
                            "valid_from": c.valid_from.isoformat(),
                            "valid_until": c.valid_until.isoformat(),
                        }
                        for c in s.chain
                    ],
                }
                for s in self.signatures
            ],
        }


_CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def certificate_files(entries: Iterable[str | Path]) -> list[Path]:
    """The files named, and every certificate file (*.pem, *.crt, *.cer, *.der) in the folders named."""
    files: list[Path] = []
    for entry in entries:
        path = Path(entry)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _CERTIFICATE_SUFFIXES)
        else:
            files.append(path)
    return files


def _load_certificates(files: Iterable[Path]) -> list[asn1_x509.Certificate]:
    # A PEM file may hold several certificates (a bundle); a broken file is a configuration error (500).
    return list(load_certs_from_pemder([str(p) for p in files]))


def load_trust_roots(paths: Iterable[Path] | None = None) -> list[asn1_x509.Certificate]:
    """settings.SIGNING_TRUST_ROOTS (files and folders), else KEYSTORE_DIR/ca.pem; or the `paths` given."""
    if paths is None:
        configured = getattr(settings, "SIGNING_TRUST_ROOTS", None)
        paths = certificate_files(configured) if configured else KeyStore().trust_root_paths()
    return _load_certificates(paths)


def load_intermediates() -> list[asn1_x509.Certificate]:
    """settings.SIGNING_TRUST_INTERMEDIATES (files and folders): CAs between a root and the signers."""
    return _load_certificates(certificate_files(getattr(settings, "SIGNING_TRUST_INTERMEDIATES", None) or []))


def sha1_allowed_before() -> dt.datetime | None:
    """settings.SIGNING_ALLOW_SHA1_BEFORE as an aware datetime (midnight, Vietnam's time), or None: never."""
    value = getattr(settings, "SIGNING_ALLOW_SHA1_BEFORE", None)
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=VIETNAM)
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return dt.datetime.combine(day, dt.time.min, tzinfo=VIETNAM)


def algorithm_policy(signed_at: dt.datetime | None) -> DisallowWeakAlgorithmsPolicy:
    """pyHanko's weak-algorithm policy, with SHA-1 lifted for a signature made before the configured date
    (its timestamp's time, else the time it claims): old certificates and signatures, by explicit policy only."""
    cutoff = sha1_allowed_before()
    if cutoff is not None and signed_at is not None and signed_at < cutoff:
        return DisallowWeakAlgorithmsPolicy(weak_hash_algos=DEFAULT_WEAK_HASH_ALGOS - {"sha1"})
    return DisallowWeakAlgorithmsPolicy()


@dataclass(frozen=True)
class _Knowledge:
    """What validation may use besides the signature itself: roots, intermediates, the PDF's DSS."""

    roots: list[asn1_x509.Certificate]
    intermediates: list[asn1_x509.Certificate]
    dss: DocumentSecurityStore | None
    online: bool
    moment: dt.datetime | None

    def context(
        self,
        *,
        signed_at: dt.datetime | None,
        moment: dt.datetime | None = None,
        revocation_data: bool = True,
        **extra: object,
    ) -> ValidationContext:
        kwargs: dict[str, object] = {
            "trust_roots": self.roots,
            "other_certs": list(self.intermediates),
            "allow_fetching": self.online,
            "algorithm_usage_policy": algorithm_policy(signed_at),
            **extra,
        }
        at = moment or self.moment
        if at is not None:
            kwargs["moment"] = at
        if self.dss is not None and revocation_data:
            return self.dss.as_validation_context(kwargs)
        if self.dss is not None:  # its certificates only: its OCSP/CRL data may be stale at a later moment
            kwargs["other_certs"] = [*self.intermediates, *self.dss.load_certs()]
        return ValidationContext(**kwargs)


def _certificate_info(cert: asn1_x509.Certificate) -> CertificateInfo:
    validity = cert["tbs_certificate"]["validity"]
    return CertificateInfo(
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "x"),
        valid_from=validity["not_before"].native,
        valid_until=validity["not_after"].native,
        subject_parts=name_parts(cert.subject),
        issuer_parts=name_parts(cert.issuer),
    )


def _name_part(cert: asn1_x509.Certificate, part: str) -> str:
    return str(cert.subject.native.get(part, ""))


def _field_values(data: bytes) -> dict[str, str]:
    """Values of the non-signature form fields, read with pypdf (independent of pyHanko's reading)."""
    from pypdf import PdfReader

    fields = PdfReader(io.BytesIO(data), strict=False).get_fields() or {}
    return {name: str(f.get("/V", "")) for name, f in fields.items() if f.get("/FT") != "/Sig"}


def _changed_fields(data: bytes, signed_end: int) -> list[str]:
    before, after = _field_values(data[:signed_end]), _field_values(data)
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def verify_pdf(
    data: bytes,
    *,
    trust_roots: Sequence[asn1_x509.Certificate] | None = None,
    moment: dt.datetime | None = None,
    online: bool = False,
) -> VerificationReport:
    """The report on every signature of `data`; raises UnreadablePdf when the file cannot be parsed.

    `moment` validates as of another time (default now); `online` lets pyHanko fetch OCSP/CRL data (the
    archive step does, and tests do; the pages stay offline)."""
    roots = list(trust_roots) if trust_roots is not None else load_trust_roots()
    intermediates = load_intermediates()
    try:
        return _verify(data, roots, intermediates=intermediates, moment=moment, online=online)
    except RecursionError as exc:  # objects nested past Python's stack: a hostile or broken file
        raise _unreadable(exc) from exc
    except Exception as exc:
        # Anyone's bytes go through two third-party parsers (pyHanko, pypdf) whose failures are open-ended
        # (PdfError, KeyError, IndexError, AttributeError, struct/zlib errors…): each is the file's fault.
        raise _unreadable(exc) from exc


def _unreadable(exc: BaseException) -> UnreadablePdf:
    logger.info("Unreadable PDF uploaded for verification: %s", type(exc).__name__)
    return UnreadablePdf(_(UnreadablePdf.default_message), details={"reason": type(exc).__name__})


def _read_dss(reader: PdfFileReader) -> DocumentSecurityStore | None:
    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None


def _verify(
    data: bytes,
    roots: list[asn1_x509.Certificate],
    *,
    intermediates: list[asn1_x509.Certificate],
    moment: dt.datetime | None,
    online: bool,
) -> VerificationReport:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    embedded = list(reader.embedded_signatures)
    if not embedded:
        return VerificationReport(signatures=[], problems=[str(VERDICT_MESSAGES[Verdict.UNSIGNED])])
    no_roots = _("Hệ thống chưa cấu hình chứng thư gốc tin cậy; không thể xác thực người ký.")
    problems = [] if roots else [no_roots]
    dss = _read_dss(reader)
    knowledge = _Knowledge(roots=roots, intermediates=intermediates, dss=dss, online=online, moment=moment)
    signatures = [s for s in embedded if s.sig_object_type != "/DocTimeStamp"]
    stamps = [s for s in embedded if s.sig_object_type == "/DocTimeStamp"]
    report = VerificationReport(
        signatures=[_verify_one(data, sig, knowledge, stamps) for sig in signatures],
        problems=problems,
        timestamps=[_verify_timestamp(sig, knowledge) for sig in stamps],
        has_validation_data=dss is not None,
    )
    broken = [t for t in report.timestamps if not t.intact]
    if broken:
        report.problems.append(_("Dấu thời gian lưu trữ của văn bản không còn nguyên vẹn."))
    return report


def _verify_timestamp(sig: EmbeddedPdfSignature, knowledge: _Knowledge) -> TimestampReport:
    """A document timestamp: intact and trusted as of the moment asked (its TSA certificate still valid)."""
    authority = _name_part(sig.signer_cert, "common_name") or sig.signer_cert.subject.human_friendly
    try:
        status = validate_pdf_timestamp(sig, _proof_context(knowledge))
    except Exception as exc:
        logger.info("Document timestamp could not be validated: %s", type(exc).__name__)
        return TimestampReport(time=None, authority=authority, intact=False, trusted=False)
    return TimestampReport(
        time=status.timestamp.astimezone(VIETNAM), authority=authority, intact=status.intact, trusted=status.trusted
    )


def _proof_context(knowledge: _Knowledge) -> ValidationContext:
    """For a document timestamp, as of the moment asked: its TSA certificate must be valid then; the OCSP/CRL
    data archived with it describe an earlier time, so they are left out (fetched when online)."""
    return knowledge.context(signed_at=None, revocation_data=False)


def _proof_of_existence(
    sig: EmbeddedPdfSignature, status: object, knowledge: _Knowledge, stamps: list[EmbeddedPdfSignature]
) -> dt.datetime | None:
    """The earliest trusted time at which a timestamp proves this signature existed: its own signature
    timestamp, or a later document timestamp that covers it (checked as of the moment asked)."""
    times: list[dt.datetime] = []
    ts_status = getattr(status, "timestamp_validity", None)
    if ts_status is not None and ts_status.trusted:
        times.append(ts_status.timestamp)
    byte_range = [int(v) for v in sig.byte_range]
    signed_end = byte_range[2] + byte_range[3]
    for stamp in stamps:
        stamp_start = int(stamp.byte_range[0]) + int(stamp.byte_range[1])
        if stamp_start < signed_end:
            continue
        try:
            stamp_status = validate_pdf_timestamp(stamp, _proof_context(knowledge), skip_diff=True)
        except Exception:  # noqa: S112 - an unusable timestamp proves nothing; the others may
            continue
        if stamp_status.trusted:
            times.append(stamp_status.timestamp)
    return min(times) if times else None


def _is_certification(sig: EmbeddedPdfSignature) -> bool:
    """The catalog's /Perms /DocMDP names the certification signature; a DocMDP reference alone does not
    (the organization's signature carries one too, from its field's lock)."""
    perms = sig.reader.root.get("/Perms")
    if not isinstance(perms, generic.DictionaryObject) or "/DocMDP" not in perms:
        return False
    certification, value = perms.raw_get("/DocMDP"), sig.sig_field.raw_get("/V")
    if isinstance(certification, generic.IndirectObject) and isinstance(value, generic.IndirectObject):
        return certification.reference == value.reference
    return False


def _claimed_time(sig: EmbeddedPdfSignature) -> dt.datetime | None:
    """The signature's time before validation: its timestamp token's, else what the signer's computer said."""
    try:
        return signature_timestamp_time(sig.signer_info) or sig.self_reported_timestamp
    except Exception:  # a malformed attribute: no time, the validation below reports the damage
        return None


def _uses_sha1(status: object) -> bool:
    return "sha1" in (str(getattr(status, "md_algorithm", "")) + str(getattr(status, "pkcs7_signature_mechanism", "")))


def _verify_one(
    data: bytes, sig: EmbeddedPdfSignature, knowledge: _Knowledge, stamps: list[EmbeddedPdfSignature]
) -> SignatureReport:
    cert = sig.signer_cert
    name = _name_part(cert, "common_name") or cert.subject.human_friendly
    certifying = _is_certification(sig)
    report = SignatureReport(
        field_name=str(sig.field_name),
        signer_name=name,
        signer_organization=_name_part(cert, "organization_name"),
        signing_time=None,
        intact=False,
        valid=False,
        trusted=False,
        certifying=certifying,
        modification_level=None,
        docmdp_ok=None,
        changed_fields=[],
        chain=[_certificate_info(cert)],
    )
    signed_at = _claimed_time(sig)
    try:
        status = validate_pdf_signature(sig, knowledge.context(signed_at=signed_at))
    except Exception as exc:  # a malformed signature must become a finding, not a server error
        logger.info("Signature %s could not be validated: %s", report.field_name, type(exc).__name__)
        report.problems.append(_("Không kiểm tra được chữ ký “%(field)s”: cấu trúc chữ ký hỏng.") % {"field": name})
        report.tampered = True
        return report
    if status.intact and status.valid and not status.trusted and not status.revoked:
        # Expired since? A trusted timestamp older than the expiry, and the revocation data of that time in the
        # PDF (its DSS, from archiving), prove the signature as of then: validate at that time, offline data only.
        proven = _proof_of_existence(sig, status, knowledge, stamps)
        if proven is not None and knowledge.dss is not None:
            historical = validate_pdf_signature(
                sig,
                knowledge.context(
                    signed_at=signed_at, moment=proven, retroactive_revinfo=True, revocation_mode="hard-fail"
                ),
                ts_validation_context=knowledge.context(signed_at=signed_at, moment=proven, retroactive_revinfo=True),
            )
            if historical.trusted:
                status, report.validated_at = historical, proven.astimezone(VIETNAM)
    report.intact, report.valid, report.trusted = status.intact, status.valid, status.trusted
    ts_status = status.timestamp_validity
    if ts_status is not None and ts_status.intact and ts_status.valid:
        report.signing_time = ts_status.timestamp.astimezone(VIETNAM)
        report.signing_time_source = "timestamp"
        tsa = ts_status.signing_cert
        report.timestamp_authority = _name_part(tsa, "common_name") or tsa.subject.human_friendly
        if not ts_status.trusted:
            report.problems.append(
                _("Dấu thời gian của chữ ký %(name)s do đơn vị cấp dấu thời gian không được tin cậy (%(tsa)s).")
                % {"name": name, "tsa": report.timestamp_authority}
            )
    elif status.signer_reported_dt is not None:
        report.signing_time = status.signer_reported_dt.astimezone(VIETNAM)
        report.signing_time_source = "signer"
    if status.validation_path is not None:
        report.chain = [_certificate_info(c) for c in reversed(list(status.validation_path))]
    level = status.modification_level
    report.modification_level = level.name if level is not None else None
    report.docmdp_ok = status.docmdp_ok
    byte_range = [int(v) for v in sig.byte_range]
    signed_end = byte_range[2] + byte_range[3]
    if signed_end < len(data):
        report.changed_fields = _changed_fields(data, signed_end)

    problems_before = len(report.problems)
    indic = getattr(getattr(status, "trust_problem_indic", None), "name", "") or ""
    weak = status.intact and _uses_sha1(status) and (not status.valid or indic.startswith("CRYPTO_CONSTRAINTS"))
    if not status.intact:
        report.problems.append(
            _("Chữ ký của %(name)s không còn nguyên vẹn: nội dung đã bị sửa sau khi ký (mã băm không khớp).")
            % {"name": name}
        )
    elif weak:
        report.rejected = True
        cutoff = sha1_allowed_before()
        report.problems.append(
            _("Chữ ký của %(name)s dùng thuật toán SHA-1, không còn an toàn; chính sách không chấp nhận SHA-1%(when)s.")
            % {"name": name, "when": _(" cho chữ ký từ ngày %(day)s") % {"day": f"{cutoff:%d/%m/%Y}"} if cutoff else ""}
        )
    elif not status.valid:
        report.problems.append(_("Chữ ký của %(name)s không hợp lệ về mặt mật mã.") % {"name": name})
    acceptable = _ACCEPTABLE_AFTER_ISSUE if report.is_organization else _ACCEPTABLE_LEVELS
    if status.intact and (level not in acceptable or status.docmdp_ok is False):
        label = _LEVEL_LABELS.get(report.modification_level or "", report.modification_level or "?")
        message = (
            _("Văn bản đã bị thay đổi sau chữ ký của cơ quan %(name)s, khi số và ngày đã khóa (mức: %(level)s).")
            if report.is_organization
            else _(
                "Văn bản đã bị thay đổi sau chữ ký của %(name)s, ngoài việc điền số và ngày (mức thay đổi: %(level)s)."
            )
        )
        report.problems.append(message % {"name": name, "level": label})
    # The organization's signature vouches for the number and date: after it, no field may change
    # (also for PDFs issued before the field lock existed, which pyHanko alone would pass).
    # After the signer's: the two line fields, or the four blanks of PDFs issued before the lines were fields.
    fillable = set(FILLABLE_FIELDS) | set(LEGACY_FILLABLE_FIELDS)
    unexpected = [f for f in report.changed_fields if report.is_organization or f not in fillable]
    if unexpected:
        report.problems.append(
            _("Sau chữ ký của %(name)s, các trường sau đã bị sửa: %(fields)s.")
            % {"name": name, "fields": ", ".join(unexpected)}
        )
    report.tampered = len(report.problems) > problems_before and not report.rejected
    if status.intact and not status.trusted and not weak:
        _trust_problem(report, status, name)
    return report


def _trust_problem(report: SignatureReport, status: object, name: str) -> None:
    """Why an intact signature is not trusted: revoked, refused (expired, not yet valid), or unknown/unchecked."""
    indic = getattr(getattr(status, "trust_problem_indic", None), "name", "") or ""
    details = getattr(status, "revocation_details", None)
    if details is not None or indic.startswith("REVOKED"):
        report.revoked = True
        when = f" {details.revocation_date.astimezone(VIETNAM):%H:%M %d/%m/%Y}" if details is not None else ""
        message = (
            _("Chứng thư số của một tổ chức cấp chứng thư trong chuỗi của %(name)s đã bị thu hồi (từ%(when)s).")
            if details is not None and details.ca_revoked
            else _("Chứng thư số của %(name)s đã bị thu hồi (từ%(when)s) — chữ ký không hợp lệ.")
        )
        report.problems.append(message % {"name": name, "when": when or " —"})
    elif indic in ("EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        report.rejected = True
        report.problems.append(
            _(
                "Chứng thư số của %(name)s không có hiệu lực tại thời điểm kiểm tra (hết hạn hoặc chưa có hiệu lực),"
                " và văn bản không mang dấu thời gian cùng dữ liệu thu hồi chứng minh chữ ký có trước đó."
            )
            % {"name": name}
        )
    elif indic in ("REVOCATION_OUT_OF_BOUNDS_NO_POE", "TRY_LATER"):
        report.problems.append(_("Không xác minh được tình trạng thu hồi chứng thư số của %(name)s.") % {"name": name})
    else:
        report.problems.append(
            _("Chứng thư số của %(name)s không được một tổ chức cấp chứng thư tin cậy xác thực.") % {"name": name}
        )


def modification_label(level: str | None) -> str:
    return _LEVEL_LABELS.get(level or "", level or "—")
