"""Dossiers (hồ sơ): the year's list (danh mục hồ sơ) kept by the clerk, and the documents filed in them.

A document sits in as many dossiers as it belongs to, once each, without copies (DossierEntry). A closed
dossier takes no more documents and loses none. Each function is one transaction with its audit event.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from audit.services import record_event
from documents.dates import vn_now
from documents.errors import ValidationFailed
from documents.models import Document, Dossier, DossierEntry, RetentionPeriod, Status
from documents.services._common import _require
from organizations.models import Organization, Role, Unit
from organizations.selectors import has_role

# Who keeps the list of dossiers of an organization.
DOSSIER_KEEPERS = (Role.CLERK, Role.HEAD)
# What may be filed: a document that went out (or an arrival from outside, which arrives issued).
FILEABLE = (Status.ISSUED, Status.ARCHIVED, Status.RECALLED)
MAX_CODE = 40
MAX_TITLE = 255


def may_keep_dossiers(*, user: Any, organization_id: int) -> bool:
    return has_role(user=user, organization_id=organization_id, roles=DOSSIER_KEEPERS)


def _require_keeper(actor: Any, organization_id: int) -> None:
    _require(
        may_keep_dossiers(user=actor, organization_id=organization_id),
        "Chỉ văn thư hoặc người đứng đầu cơ quan được lập và quản lý hồ sơ.",
    )


def _clean(*, code: str, title: str, year: int) -> tuple[str, str]:
    code, title = (code or "").strip(), (title or "").strip()
    if not code:
        raise ValidationFailed("Hồ sơ cần có số và ký hiệu.", details={"field": "code"})
    if not title:
        raise ValidationFailed("Hồ sơ cần có tiêu đề.", details={"field": "title"})
    if len(code) > MAX_CODE:
        raise ValidationFailed(f"Số và ký hiệu hồ sơ dài quá {MAX_CODE} ký tự.", details={"field": "code"})
    if len(title) > MAX_TITLE:
        raise ValidationFailed(f"Tiêu đề hồ sơ dài quá {MAX_TITLE} ký tự.", details={"field": "title"})
    if not 1900 <= int(year) <= 9999:
        raise ValidationFailed("Năm của hồ sơ không hợp lệ.", details={"field": "year"})
    return code, title


def _check_unit(unit: Unit | None, organization_id: int) -> None:
    if unit is not None and unit.organization_id != organization_id:
        raise ValidationFailed("Đơn vị lập hồ sơ không thuộc cơ quan.", details={"field": "owner_unit"})


def _refuse_duplicate(*, organization_id: int, year: int, code: str, exclude_pk: int | None = None) -> None:
    same = Dossier.objects.filter(organization_id=organization_id, year=year, code=code)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationFailed(f"Hồ sơ số {code} năm {year} đã có trong danh mục.", details={"field": "code"})


@transaction.atomic
def dossier_open(
    *,
    actor: Any,
    organization: Organization,
    code: str,
    title: str,
    year: int,
    retention_years: int | None = None,
    retention_period: RetentionPeriod | None = None,
    owner_unit: Unit | None = None,
    note: str = "",
) -> Dossier:
    """The clerk (or the head) opens a hồ sơ of the year's list. The retention comes from the table's line when
    one is given, else from `retention_years` (None: permanent)."""
    _require_keeper(actor, organization.pk)
    code, title = _clean(code=code, title=title, year=year)
    _check_unit(owner_unit, organization.pk)
    _refuse_duplicate(organization_id=organization.pk, year=year, code=code)
    if retention_period is not None:
        retention_years = retention_period.years
    try:
        with transaction.atomic():  # a concurrent twin hits the unique constraint: the same message
            dossier = Dossier.objects.create(
                organization=organization,
                code=code,
                title=title,
                year=year,
                retention_period=retention_period,
                retention_years=retention_years,
                owner_unit=owner_unit,
                note=(note or "").strip()[:255],
            )
    except IntegrityError as exc:
        raise ValidationFailed(f"Hồ sơ số {code} năm {year} đã có trong danh mục.", details={"field": "code"}) from exc
    record_event(
        organization_id=organization.pk,
        actor=actor,
        action="dossier.open",
        obj=dossier,
        details={"code": dossier.code, "year": dossier.year, "retention": dossier.retention_label},
    )
    return dossier


def _lock(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


@transaction.atomic
def dossier_update(
    *,
    actor: Any,
    dossier: Dossier,
    code: str,
    title: str,
    retention_period: RetentionPeriod | None = None,
    retention_years: int | None = None,
    owner_unit: Unit | None = None,
    note: str = "",
) -> Dossier:
    """Corrects a dossier's particulars while it is open; its year stays."""
    dossier = _lock(dossier)
    _require_keeper(actor, dossier.organization_id)
    if dossier.is_closed:
        raise ValidationFailed("Hồ sơ đã kết thúc, không sửa được nữa.")
    code, title = _clean(code=code, title=title, year=dossier.year)
    _check_unit(owner_unit, dossier.organization_id)
    _refuse_duplicate(organization_id=dossier.organization_id, year=dossier.year, code=code, exclude_pk=dossier.pk)
    before = {"code": dossier.code, "title": dossier.title, "retention": dossier.retention_label}
    if retention_period is not None:
        retention_years = retention_period.years
    dossier.code, dossier.title, dossier.note = code, title, (note or "").strip()[:255]
    dossier.retention_period, dossier.retention_years = retention_period, retention_years
    dossier.owner_unit = owner_unit
    dossier.save(update_fields=["code", "title", "note", "retention_period", "retention_years", "owner_unit"])
    record_event(
        organization_id=dossier.organization_id,
        actor=actor,
        action="dossier.update",
        obj=dossier,
        details={"before": before, "code": dossier.code, "title": dossier.title, "retention": dossier.retention_label},
    )
    return dossier


@transaction.atomic
def dossier_close(*, actor: Any, dossier: Dossier) -> Dossier:
    """Kết thúc hồ sơ: from now on it takes no more documents and loses none."""
    dossier = _lock(dossier)
    _require_keeper(actor, dossier.organization_id)
    if dossier.is_closed:
        raise ValidationFailed("Hồ sơ đã kết thúc trước đó.")
    dossier.is_closed, dossier.closed_at = True, vn_now()
    dossier.save(update_fields=["is_closed", "closed_at"])
    record_event(
        organization_id=dossier.organization_id,
        actor=actor,
        action="dossier.close",
        obj=dossier,
        to_state="closed",
        details={"code": dossier.code, "documents": dossier.entries.count()},
    )
    return dossier


def file_into(*, dossier: Dossier, document: Document, actor: Any) -> DossierEntry:
    """The entry at the end of the dossier's table of contents; the caller holds the dossier's row lock and its
    transaction (document_archive and dossier_add_document)."""
    if dossier.organization_id != document.organization_id:
        raise ValidationFailed("Hồ sơ không thuộc cơ quan ban hành.", details={"field": "dossier"})
    if dossier.is_closed:
        raise ValidationFailed("Hồ sơ đã kết thúc, không thể lưu thêm văn bản.", details={"field": "dossier"})
    if DossierEntry.objects.filter(dossier_id=dossier.pk, document_id=document.pk).exists():
        raise ValidationFailed("Văn bản đã có trong hồ sơ này.", details={"field": "dossier"})
    last = DossierEntry.objects.filter(dossier_id=dossier.pk).aggregate(last=Max("position"))["last"] or 0
    return DossierEntry.objects.create(
        dossier=dossier, document=document, position=last + 1, added_at=vn_now(), added_by=actor
    )


@transaction.atomic
def dossier_add_document(*, actor: Any, dossier: Dossier, document: Document) -> DossierEntry:
    """Files an issued document into one more open dossier of its organization (no copy: one more entry)."""
    dossier = _lock(dossier)
    _require_keeper(actor, dossier.organization_id)
    document = Document.objects.get(pk=document.pk)  # its state now, not the caller's copy
    if document.status not in FILEABLE:
        raise ValidationFailed("Chỉ văn bản đã phát hành mới được đưa vào hồ sơ.", details={"field": "document"})
    entry = file_into(dossier=dossier, document=document, actor=actor)
    record_event(
        organization_id=dossier.organization_id,
        actor=actor,
        action="dossier.add_document",
        obj=dossier,
        details={
            "code": dossier.code,
            "document_id": document.pk,
            "document": document.code,
            "position": entry.position,
        },
    )
    return entry


@transaction.atomic
def dossier_remove_document(*, actor: Any, dossier: Dossier, document: Document) -> None:
    """Takes a document out of an open dossier; the positions after it close up. The dossier it was archived
    into keeps it (that is the archive step's record)."""
    dossier = _lock(dossier)
    _require_keeper(actor, dossier.organization_id)
    if dossier.is_closed:
        raise ValidationFailed("Hồ sơ đã kết thúc, không bỏ văn bản ra được.")
    document = Document.objects.get(pk=document.pk)  # the dossier it was archived into, now
    if document.dossier_id == dossier.pk:
        raise ValidationFailed("Đây là hồ sơ văn bản được lưu khi kết thúc xử lý; không bỏ ra được.")
    entry = DossierEntry.objects.filter(dossier_id=dossier.pk, document_id=document.pk).first()
    if entry is None:
        raise ValidationFailed("Văn bản không có trong hồ sơ này.")
    entry.delete()
    # Close the gap in ascending order: each row moves into the place just freed, never onto a taken one.
    for later in DossierEntry.objects.filter(dossier_id=dossier.pk, position__gt=entry.position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    record_event(
        organization_id=dossier.organization_id,
        actor=actor,
        action="dossier.remove_document",
        obj=dossier,
        details={"code": dossier.code, "document_id": document.pk, "document": document.code},
    )
