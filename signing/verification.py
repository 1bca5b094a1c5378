"""Verify a PDF anyone uploads: every signature, its certificate chain and time, and what changed after it.

The answer the clerk and the recipient need, as one verdict: issued and intact, signed but never issued,
changed after signing or after issue, or signed with a certificate this system does not trust.
No network: validation uses the configured trust roots and allow_fetching=False.
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from documents.dates import VIETNAM
from documents.errors import ValidationFailed
from signing.keys import KeyStore
from signing.rendering import FILLABLE_FIELDS, LEGACY_FILLABLE_FIELDS, ORGANIZATION_FIELD

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
    UNTRUSTED = "untrusted"
    UNSIGNED = "unsigned"


VERDICT_MESSAGES = {
    Verdict.ISSUED: gettext_lazy("Văn bản đã ban hành, nguyên vẹn."),
    Verdict.SIGNED_NOT_ISSUED: gettext_lazy(
        "Văn bản đã ký nhưng chưa được phát hành (chưa có chữ ký của cơ quan, chưa có số và ngày)."
    ),
    Verdict.CHANGED_AFTER_ISSUE: gettext_lazy("Văn bản đã bị thay đổi sau khi ban hành — không hợp lệ."),
    Verdict.CHANGED_AFTER_SIGNING: gettext_lazy("Văn bản đã bị thay đổi sau khi ký — không hợp lệ."),
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

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def is_organization(self) -> bool:
        return self.field_name == ORGANIZATION_FIELD and not self.certifying


@dataclass
class VerificationReport:
    signatures: list[SignatureReport]
    problems: list[str]

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
            "signatures": [
                {
                    "field": s.field_name,
                    "signer": s.signer_name,
                    "organization": s.signer_organization,
                    "signing_time": s.signing_time.isoformat() if s.signing_time else None,
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


def load_trust_roots(paths: Iterable[Path] | None = None) -> list[asn1_x509.Certificate]:
    return [load_cert_from_pemder(str(p)) for p in (paths if paths is not None else KeyStore().trust_root_paths())]


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


def verify_pdf(data: bytes, *, trust_roots: Sequence[asn1_x509.Certificate] | None = None) -> VerificationReport:
    """The report on every signature of `data`; raises UnreadablePdf when the file cannot be parsed."""
    roots = list(trust_roots) if trust_roots is not None else load_trust_roots()
    try:
        return _verify(data, roots)
    except RecursionError as exc:  # objects nested past Python's stack: a hostile or broken file
        raise _unreadable(exc) from exc
    except Exception as exc:
        # Anyone's bytes go through two third-party parsers (pyHanko, pypdf) whose failures are open-ended
        # (PdfError, KeyError, IndexError, AttributeError, struct/zlib errors…): each is the file's fault.
        raise _unreadable(exc) from exc


def _unreadable(exc: BaseException) -> UnreadablePdf:
    logger.info("Unreadable PDF uploaded for verification: %s", type(exc).__name__)
    return UnreadablePdf(_(UnreadablePdf.default_message), details={"reason": type(exc).__name__})


def _verify(data: bytes, roots: list[asn1_x509.Certificate]) -> VerificationReport:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    embedded = list(reader.embedded_signatures)
    if not embedded:
        return VerificationReport(signatures=[], problems=[str(VERDICT_MESSAGES[Verdict.UNSIGNED])])
    no_roots = _("Hệ thống chưa cấu hình chứng thư gốc tin cậy; không thể xác thực người ký.")
    problems = [] if roots else [no_roots]
    return VerificationReport(signatures=[_verify_one(data, sig, roots) for sig in embedded], problems=problems)


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


def _verify_one(data: bytes, sig: EmbeddedPdfSignature, roots: list[asn1_x509.Certificate]) -> SignatureReport:
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
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(sig, context)
    except Exception as exc:  # a malformed signature must become a finding, not a server error
        logger.info("Signature %s could not be validated: %s", report.field_name, type(exc).__name__)
        report.problems.append(_("Không kiểm tra được chữ ký “%(field)s”: cấu trúc chữ ký hỏng.") % {"field": name})
        report.tampered = True
        return report
    report.intact, report.valid, report.trusted = status.intact, status.valid, status.trusted
    if status.signer_reported_dt is not None:
        report.signing_time = status.signer_reported_dt.astimezone(VIETNAM)
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
    if not status.intact:
        report.problems.append(
            _("Chữ ký của %(name)s không còn nguyên vẹn: nội dung đã bị sửa sau khi ký (mã băm không khớp).")
            % {"name": name}
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
    report.tampered = len(report.problems) > problems_before
    if status.intact and not status.trusted:
        report.problems.append(
            _("Chứng thư số của %(name)s không được một tổ chức cấp chứng thư tin cậy xác thực.") % {"name": name}
        )
    return report


def modification_label(level: str | None) -> str:
    return _LEVEL_LABELS.get(level or "", level or "—")
