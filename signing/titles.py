"""The title lines above the signature, known before the document is signed (for the draft's render)."""

from __future__ import annotations

from documents.models import Document
from organizations.selectors import membership_of, signer_title_lines


def title_lines(document: Document) -> list[str]:
    """Frozen lines once signed; otherwise computed as the sign step will compute them."""
    if document.signer_title_lines:
        return list(document.signer_title_lines)
    post_title = ""
    if document.signer_id:
        membership = membership_of(user=document.signer, organization_id=document.organization_id)
        post_title = membership.post_title if membership else ""
    return signer_title_lines(
        organization=document.organization, form=document.signature_form, signer_post_title=post_title
    )
