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
