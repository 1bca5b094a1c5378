"""Take a test office's document through signing and issuing, for real."""

from __future__ import annotations

from typing import Any

from documents import services
from documents.models import ArtifactKind, Document
from organizations.models import SignatureForm
from signing import services as signing_services
from tests.factories import Office, advance, make_draft


def signed_document(office: Office, *, deputy: bool = True, **fields: Any) -> Document:
    """A plan signed "KT." by the deputy (or directly by the head), its signer's PDF stored."""
    signer = office.deputy if deputy else office.head
    form = SignatureForm.KT if deputy else SignatureForm.DIRECT
    document = advance(
        make_draft(office, signer=signer, signature_form=form, **fields), office, to="awaiting_signature"
    )
    return signing_services.sign_document(document=document, actor=signer)


def issued_document(office: Office, **fields: Any) -> Document:
    document = signed_document(office, **fields)
    document = services.document_register(document=document, actor=office.clerk)
    return signing_services.issue_document(document=document, actor=office.clerk)


def artifact(document: Document, kind: str = ArtifactKind.ISSUED) -> bytes:
    return document.artifacts.get(kind=kind).read()
