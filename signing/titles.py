"""The title lines above the signature, known before the document is signed (for the draft's render)."""

from __future__ import annotations

from documents.models import Document
from organizations.selectors import title_lines_of


def title_lines(document: Document) -> list[str]:
    """Frozen lines once signed; otherwise computed as the sign step will compute them (the authority chain of
    the document's form, organizations.authority)."""
    if document.signer_title_lines:
        return list(document.signer_title_lines)
    return title_lines_of(
        signer=document.signer if document.signer_id else None,
        organization=document.organization,
        form=document.signature_form,
    )
