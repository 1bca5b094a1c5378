"""The content of a document as one canonical snapshot; its SHA-256 freezes the signed version."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from documents.models import Document


def content_snapshot(document: Document) -> dict[str, Any]:
    """Everything a signer vouches for: the text, its form and who it goes to."""
    return {
        "organization": document.organization_id,
        "doc_type": document.doc_type.code,
        # the type name as printed, left out when empty so older snapshots keep their shape
        **({"type_title": document.type_title} if document.type_title else {}),
        "subject": document.subject,
        "legal_bases": list(document.legal_bases),
        "body": document.body,
        "place_name": document.place_name,
        "drafting_unit": document.drafting_unit_id,
        "signer": document.signer_id,
        "signature_form": document.signature_form,
        "confidentiality": document.confidentiality,
        "urgency": document.urgency,
        "deadline": document.deadline.isoformat() if document.deadline else None,
        "filing_line": document.filing_line,
        "recipients": [
            {
                "display_name": r.display_name,
                "purpose": r.purpose,
                "organization": r.organization_id,
                "unit": r.unit_id,
                "person": r.person_id,
                # added with the directory picker; left out when empty so older snapshots keep their shape
                **({"group": r.group_id} if r.group_id else {}),
                **({"email": r.email} if r.email else {}),
                **({"organ_code": r.organ_code} if r.organ_code else {}),
                **({"purpose_text": r.purpose_text} if r.purpose_text else {}),
            }
            for r in document.recipients.order_by("position")
        ],
    }


def content_hash(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
