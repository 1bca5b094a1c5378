"""Where a person may draft (and so import) documents. Who may read one is documents.selectors' rule."""

from __future__ import annotations

from typing import Any

from documents.services import DRAFTING_ROLES
from organizations.models import Membership


def drafting_organizations(*, user: Any) -> list[Any]:
    memberships = Membership.objects.filter(user=user, is_active=True, role__in=DRAFTING_ROLES).select_related(
        "organization"
    )
    return sorted({m.organization for m in memberships}, key=lambda o: o.name)


def check_sign(*, user: Any, document: Any) -> None:
    """Who may sign this document now: the signer named on it, while it awaits the signature (the sign step's task
    is theirs alone, workflow.assignment; documents.services.document_sign asks the same again under its lock).
    The sign page, its page images and signing.services.prepare_signature all ask this one rule."""
    from documents.errors import InvalidTransition, PermissionDenied
    from documents.models import Status

    if document.status != Status.AWAITING_SIGNATURE:
        raise InvalidTransition("Văn bản chưa ở bước chờ ký.", details={"status": document.status})
    if document.signer_id != getattr(user, "pk", None):
        raise PermissionDenied("Chỉ người ký được giao mới được ký văn bản.")
