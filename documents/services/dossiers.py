"""Dossiers (hồ sơ): the clerk opens one from the year's list."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import record_event
from documents.errors import ValidationFailed
from documents.models import Dossier
from documents.services._common import _require
from organizations.models import Organization, Role, Unit
from organizations.selectors import has_role


@transaction.atomic
def dossier_open(
    *,
    actor: Any,
    organization: Organization,
    code: str,
    title: str,
    year: int,
    retention_years: int | None,
    owner_unit: Unit | None = None,
) -> Dossier:
    """The clerk opens a hồ sơ from the year's list; `retention_years=None` means permanent."""
    _require(
        has_role(user=actor, organization_id=organization.pk, roles=(Role.CLERK, Role.HEAD)),
        "Chỉ văn thư hoặc người đứng đầu được mở hồ sơ.",
    )
    if not code.strip() or not title.strip():
        raise ValidationFailed("Hồ sơ cần có số, ký hiệu và tiêu đề.")
    if Dossier.objects.filter(organization=organization, year=year, code=code.strip()).exists():
        raise ValidationFailed(f"Hồ sơ {code} năm {year} đã có.", details={"field": "code"})
    dossier = Dossier.objects.create(
        organization=organization,
        code=code.strip(),
        title=title.strip(),
        year=year,
        retention_years=retention_years,
        owner_unit=owner_unit,
    )
    record_event(
        organization_id=organization.pk,
        actor=actor,
        action="dossier.open",
        obj=dossier,
        details={"code": dossier.code, "retention": dossier.retention_label},
    )
    return dossier
