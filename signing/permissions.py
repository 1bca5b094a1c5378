"""Who may read a document's rendering, and where a person may draft (and so import) documents."""

from __future__ import annotations

from typing import Any

from documents.models import Document
from documents.permissions import can_view
from documents.services import DRAFTING_ROLES
from organizations.models import Membership


def can_view_document(*, user: Any, document: Document) -> bool:
    """The documents app's rule, so a list and this view never disagree."""
    return bool(getattr(user, "is_authenticated", False)) and can_view(user, document)


def drafting_organizations(*, user: Any) -> list[Any]:
    memberships = Membership.objects.filter(
        user=user, is_active=True, role__in=DRAFTING_ROLES
    ).select_related("organization")
    return sorted({m.organization for m in memberships}, key=lambda o: o.name)
