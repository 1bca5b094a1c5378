"""The desk's one write: recording that a trail certificate was issued (one transaction with its audit event)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.hashing import canonical_json
from audit.services import record_event
from auditors.models import TrailCertificate
from documents.errors import PermissionDenied
from documents.models import Document
from documents.permissions import sees_full_history


def summary_digest(summary: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(summary).encode("utf-8")).hexdigest()


@transaction.atomic
def trail_certificate_issue(*, document: Document, actor: Any, summary: dict[str, Any]) -> TrailCertificate:
    """Keep what the certificate states and log its export on the issuing organization's chain."""
    if not sees_full_history(actor, document):
        raise PermissionDenied("Chỉ thanh tra của cơ quan ban hành được xuất chứng nhận quá trình xử lý.")
    certificate = TrailCertificate.objects.create(
        document=document, issued_by=actor, issued_at=timezone.now(), summary=summary, digest=summary_digest(summary)
    )
    record_event(
        organization_id=document.organization_id,
        actor=actor,
        action="document.trail_certificate",
        obj=document,
        details={"certificate": str(certificate.pk), "digest": certificate.digest},
    )
    return certificate
