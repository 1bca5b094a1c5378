"""Reads for my settings page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from documents.dates import vn_today
from workflow.models import Absence


def absences_of(*, user: Any) -> list[Absence]:
    """My absences not yet over, and those of people whose tasks come to me meanwhile. One query."""
    return list(
        Absence.objects.filter(Q(user=user) | Q(delegate=user), end__gte=vn_today())
        .select_related("user", "delegate")
        .order_by("start", "pk")
    )
