"""Recording the signature check of an arrival's PDF (the check itself is signing.arrivals.check_arrival_pdf).

Signing sits above documents: it computes the verdict and calls this service to store it, in the transaction
that receives the arrival (documents.services.outside's `on_arrival_pdf` hook) or right after an internal
document is issued. One row per document and PDF: the same PDF is never recorded twice. The domain event
`signature_checked` carries the verdict (nobody is notified of it today: `document_arrived` tells the clerks).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from audit.services import record_event
from documents.dates import vn_now
from documents.errors import ValidationFailed
from documents.events import DocumentEvent, publish_on_commit
from documents.models import ArrivalCheck, Document, SignatureVerdict


@transaction.atomic
def arrival_check_record(
    *,
    document: Document,
    pdf: bytes,
    verdict: str,
    reason: str,
    summary: str,
    signers: list[dict[str, Any]],
    organization_id: int,
    file_name: str = "",
    actor: Any = None,
) -> ArrivalCheck:
    """Store what the check found, with an audit event in `organization_id`'s chain (the receiver's for a
    document from outside, the issuer's for an internal one). A PDF already checked keeps its first row."""
    if verdict not in SignatureVerdict.values:
        raise ValidationFailed("Kết quả kiểm tra chữ ký số không hợp lệ.", details={"field": "verdict"})
    digest = hashlib.sha256(pdf).hexdigest()
    found = ArrivalCheck.objects.filter(document=document, sha256=digest).first()
    if found is not None:
        return found
    check = ArrivalCheck.objects.create(
        document=document,
        file_name=file_name[:255],
        sha256=digest,
        verdict=verdict,
        reason=reason[:255],
        summary=summary,
        signers=signers,
        checked_at=vn_now(),
    )
    record_event(
        organization_id=organization_id,
        actor=actor,
        action="document.signature_checked",
        obj=document,
        details={"sha256": digest, "verdict": verdict, "file_name": check.file_name, "signers": len(signers)},
    )
    publish_on_commit(
        DocumentEvent(
            name="signature_checked",
            document_id=document.pk,
            organization_id=organization_id,
            actor_id=getattr(actor, "pk", None),
            from_state="",
            to_state=verdict,
            data={"check": check.pk, "verdict": verdict},
        )
    )
    return check
