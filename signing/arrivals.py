"""The signature check of every arrival's PDF: valid, signed with a certificate we do not trust, changed after
signing (or a broken signature), or unsigned — the four answers the receiving clerk acts on (RULES.md: "signed by
a CA this system does not trust" is not "invalid": the two are shown apart).

`check_arrival_pdf(data)` reads the PDF with `signing.verification.verify_pdf` (offline, trust roots from
`SIGNING_TRUST_ROOTS`) and judges each signature:

* one of ours (fields `ChuKyNguoiKy` / `ChuKyCoQuan`): verification's own rule — after the signer only the number
  and date may be filled, after the organization's seal nothing may change;
* anyone else's: the signed bytes intact and the signature sound, DocMDP respected, and nothing after it but
  archival data or form filling (a later approval signature fills its field: that is form filling); anything
  else, annotations included (they can cover text), is a change after signing.

It is wired in two places (`SigningConfig.ready`): documents.services.outside calls `record_arrival_check` in the
transaction that receives a document from outside; `check_issued_document` runs after an internal document is
issued, on its issued PDF. The verdict is stored by `documents.services.arrival_checks.arrival_check_record`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext_lazy

from documents.events import DocumentEvent
from documents.models import ArtifactKind, Delivery, Document, DocumentArtifact, SignatureVerdict
from documents.services.arrival_checks import arrival_check_record
from signing.rendering import ORGANIZATION_FIELD, SIGNER_FIELD
from signing.verification import SignatureReport, UnreadablePdf, verify_pdf

logger = logging.getLogger(__name__)

# After someone else's signature: nothing, archival data (DSS, timestamps), or form filling and signing fields.
_ACCEPTED_AFTER_FOREIGN = (None, "NONE", "LTA_UPDATES", "FORM_FILLING")
_OUR_FIELDS = (SIGNER_FIELD, ORGANIZATION_FIELD)

# The one sentence a refusal (02) carries, per cause; the clerk may still edit it before sending.
REASONS = {
    "changed": gettext_lazy("Chữ ký số không hợp lệ: văn bản đã bị thay đổi sau khi ký."),
    "broken": gettext_lazy("Chữ ký số không hợp lệ: chữ ký bị hỏng, không kiểm tra được."),
    "unreadable": gettext_lazy("Chữ ký số không kiểm tra được: tệp PDF hỏng, không đọc được."),
    "untrusted": gettext_lazy(
        "Chữ ký số không xác thực được: chứng thư số của người ký không do tổ chức chứng thực được tin cậy cấp."
    ),
    "revoked": gettext_lazy("Chữ ký số không hợp lệ: chứng thư số của người ký đã bị thu hồi."),
    "refused": gettext_lazy(
        "Chữ ký số không hợp lệ: chứng thư hết hạn hoặc chưa có hiệu lực khi ký, hoặc thuật toán không được chấp nhận."
    ),
    "unsigned": gettext_lazy("Văn bản điện tử không có chữ ký số."),
    "valid": gettext_lazy("Chữ ký số hợp lệ."),
}


@dataclass(frozen=True)
class ArrivalCheckResult:
    """The verdict on one PDF, with the reason (one sentence) and who signed."""

    verdict: str  # a documents.models.SignatureVerdict value
    reason: str
    summary: str
    signers: list[dict[str, Any]] = field(default_factory=list)
    sha256: str = ""
    file_name: str = ""

    @property
    def label(self) -> str:
        return str(SignatureVerdict(self.verdict).label)


def _is_changed(signature: SignatureReport) -> bool:
    if signature.field_name in _OUR_FIELDS:
        return signature.tampered
    return (
        not signature.intact
        or not signature.valid
        or signature.docmdp_ok is False
        or signature.modification_level not in _ACCEPTED_AFTER_FOREIGN
    )


def _common_name(name: str) -> str:
    """The issuing CA by its common name ("CA X" out of "Common Name: CA X, Organization: …"), for the page."""
    match = re.search(r"Common Name: ([^,]+)", name)
    return match[1].strip() if match else name


def _signer(signature: SignatureReport) -> dict[str, Any]:
    return {
        "name": signature.signer_name,
        "organization": signature.signer_organization,
        "signing_time": signature.signing_time.isoformat() if signature.signing_time else None,
        "issuer": _common_name(signature.chain[0].issuer) if signature.chain else "",
        "intact": signature.intact,
        "trusted": signature.trusted,
        "modification_level": signature.modification_level,
    }


def _judge(data: bytes, trust_roots: Sequence[asn1_x509.Certificate] | None) -> tuple[str, str, str, list]:
    try:
        report = verify_pdf(data, trust_roots=trust_roots)
    except UnreadablePdf as exc:
        return SignatureVerdict.MODIFIED, str(REASONS["unreadable"]), exc.message, []
    signers = [_signer(s) for s in report.signatures]
    problems = [*report.problems, *(p for s in report.signatures for p in s.problems)]
    summary = " ".join(dict.fromkeys(problems))
    if not report.signatures:
        return SignatureVerdict.UNSIGNED, str(REASONS["unsigned"]), summary, signers
    changed = [s for s in report.signatures if _is_changed(s)]
    if changed:
        # the signed bytes are as they were but the signature itself does not verify: broken rather than changed
        broken = all(s.intact and not s.valid for s in changed)
        return SignatureVerdict.MODIFIED, str(REASONS["broken" if broken else "changed"]), summary, signers
    # Revoked, or refused (SHA-1 outside the policy, expired): invalid, not merely untrusted (RULES.md). MODIFIED is
    # the verdict of every invalid signature: RULES.md's exchange codes have one answer for all of them, 02 (refused,
    # with a reason), and none for "revoked" alone; the reason sentence says which. UNTRUSTED would be wrong: the
    # clerk may accept an untrusted signature after checking it by other means, never a revoked one. (A verdict of
    # its own would need a new SignatureVerdict value in documents.models and its label on the receiving pages.)
    if any(s.rejected for s in report.signatures):
        return SignatureVerdict.MODIFIED, str(REASONS["refused"]), summary, signers
    if any(s.revoked for s in report.signatures):
        return SignatureVerdict.MODIFIED, str(REASONS["revoked"]), summary, signers
    if report.problems or not all(s.trusted for s in report.signatures):
        return SignatureVerdict.UNTRUSTED, str(REASONS["untrusted"]), summary, signers
    return SignatureVerdict.VALID, str(REASONS["valid"]), summary, signers


# What the interfaces checked just before making the arrival (outside any transaction), so that the check in the
# receiving transaction does not verify again while the database is held (SQLite's write lock, row locks).
_RECENT_SECONDS = 600
_RECENT_MAX = 16
_recent: OrderedDict[str, tuple[float, ArrivalCheckResult]] = OrderedDict()
_recent_lock = threading.Lock()


def _remember(result: ArrivalCheckResult) -> None:
    with _recent_lock:
        _recent[result.sha256] = (time.monotonic(), result)
        _recent.move_to_end(result.sha256)
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)


def _recalled(digest: str) -> ArrivalCheckResult | None:
    with _recent_lock:
        entry = _recent.get(digest)
    if entry is None or time.monotonic() - entry[0] > _RECENT_SECONDS:
        return None
    return entry[1]


def check_arrival_pdf(
    data: bytes, *, file_name: str = "", trust_roots: Sequence[asn1_x509.Certificate] | None = None
) -> ArrivalCheckResult:
    """The verdict on an arrival's PDF. Never raises for the file's sake: a PDF that cannot be read is MODIFIED
    ("tệp hỏng"); only a broken trust-store configuration raises (it is the system's fault, not the sender's)."""
    verdict, reason, summary, signers = _judge(data, trust_roots)
    result = ArrivalCheckResult(
        verdict=verdict,
        reason=reason,
        summary=summary,
        signers=signers,
        sha256=hashlib.sha256(data).hexdigest(),
        file_name=file_name,
    )
    if trust_roots is None:  # only checks against the configured store may stand in for the one in the transaction
        _remember(result)
    return result


def checked_in_advance(data: bytes, *, file_name: str = "") -> ArrivalCheckResult:
    """The check an interface runs just before it makes an arrival, outside its transaction (or the one it ran a
    moment ago): the check inside the receiving transaction then reuses it instead of verifying under the lock."""
    recalled = _recalled(hashlib.sha256(data).hexdigest())
    if recalled is not None and recalled.file_name == file_name:
        return recalled
    return check_arrival_pdf(data, file_name=file_name)


def _store(document: Document, pdf: bytes, *, organization_id: int, actor: Any = None) -> None:
    digest = hashlib.sha256(pdf).hexdigest()
    if document.signature_checks.filter(sha256=digest).exists():
        return
    result = _recalled(digest) or check_arrival_pdf(pdf)
    arrival_check_record(
        document=document,
        pdf=pdf,
        verdict=result.verdict,
        reason=result.reason,
        summary=result.summary,
        signers=result.signers,
        organization_id=organization_id,
        file_name=result.file_name,
        actor=actor,
    )


def record_arrival_check(delivery: Delivery, pdf: bytes) -> None:
    """documents.services.outside's hook: check the arrival's PDF in the transaction that receives it."""
    _store(delivery.document, pdf, organization_id=delivery.organization_id or delivery.document.organization_id)


def check_issued_document(event: DocumentEvent) -> None:
    """After an internal document is issued (on commit): its issued PDF is what every addressee receives."""
    if event.name != "document_issued":
        return
    artifact = DocumentArtifact.objects.filter(document_id=event.document_id, kind=ArtifactKind.ISSUED).first()
    if artifact is None:  # issued without a PDF (no keys configured): nothing to check
        return
    document = Document.objects.get(pk=event.document_id)
    _store(document, artifact.read(), organization_id=document.organization_id)
