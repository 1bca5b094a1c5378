"""The trail certificate: what it states (a summary of the trail), its PDF with a QR code, sealed by the
issuing organization's key exactly as issued documents are (signing.keys, signing.pades)."""

from __future__ import annotations

import base64
import io
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string

from auditors.labels import action_label
from auditors.models import TrailCertificate
from auditors.selectors import Trail, trail_signatures
from documents.dates import VIETNAM

MAX_CERTIFICATE_HTML_CHARS = 400_000


def _iso(value: Any) -> str | None:
    # Vietnam time, as the office reads it; the offset keeps it unambiguous.
    return value.astimezone(VIETNAM).isoformat(timespec="seconds") if value else None


def trail_summary(trail: Trail) -> dict[str, Any]:
    """What the certificate states, as plain JSON: every step, signature, hash and the chain position."""
    document = trail.document
    events = trail.events
    return {
        "document": {
            "id": document.pk,
            "organization": document.organization.name,
            "type": document.doc_type.name,
            "code": document.code,
            "subject": document.subject,
            "issue_date": document.issue_date.isoformat() if document.issue_date else None,
            "status": document.get_status_display(),
        },
        "steps": [
            {
                "sequence": e.sequence,
                "time": _iso(e.created_at),
                "actor": e.actor_name,
                "action": action_label(e.action),
                "comment": e.details.get("comment") or e.details.get("reason") or "",
                "version": e.details.get("version"),
                "hash": e.hash,
            }
            for e in events
        ],
        "versions": [{"number": v.number, "content_hash": v.content_hash} for v in trail.versions],
        "artifacts": [{"kind": a.get_kind_display(), "sha256": a.sha256} for a in trail.artifacts],
        "signatures": [
            {
                "signer": s["signer"],
                "organization": s["organization"],
                "certificate": s["certificate"],
                "issuer": s["issuer"],
                "serial": s["serial"],
                "time": _iso(s["time"]),
                "valid": s["ok"],
            }
            for s in trail_signatures(trail)
        ],
        "deliveries": [
            {
                "addressee": d.addressee_name,
                "status": d.get_status_display(),
                "sent_at": _iso(d.sent_at),
                "acknowledged_at": _iso(d.acknowledged_at),
            }
            for d in trail.deliveries
        ],
        "chain": {
            "organization_id": document.organization_id,
            "first_sequence": events[0].sequence if events else None,
            "last_sequence": events[-1].sequence if events else None,
            "last_hash": events[-1].hash if events else None,
            "head_sequence": trail.head.last_sequence if trail.head else 0,
            "head_hash": trail.head.last_hash if trail.head else None,
        },
    }


def qr_png_data_uri(url: str) -> str:
    """The QR code as a PNG, 4 px a module with the standard 4-module border (tests read it back)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=4, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def certificate_pdf(*, certificate: TrailCertificate, verify_url: str) -> bytes:
    """Lay the certificate out with WeasyPrint (bounded, in the child process signing uses), then seal it."""
    from signing import pades
    from signing.keys import KeyStore
    from signing.rendering import RenderTooLarge, _lay_out_in_child

    document = certificate.document
    html = render_to_string(
        "auditors/certificate_pdf.html",
        {
            "certificate": certificate,
            "s": certificate.summary,
            "verify_url": verify_url,
            "qr": qr_png_data_uri(verify_url),
        },
    )
    if len(html) > MAX_CERTIFICATE_HTML_CHARS:
        raise RenderTooLarge(details={"html_chars": len(html), "limit": MAX_CERTIFICATE_HTML_CHARS})
    pdf, _pages, _boxes = _lay_out_in_child(html, timeout=float(settings.SIGNING_RENDER_TIMEOUT))
    key = KeyStore().for_organization(document.organization)
    return pades.seal_pdf(
        pdf,
        key=key,
        organization_name=document.organization.name,
        reason="Chứng nhận quá trình xử lý văn bản",
    )
