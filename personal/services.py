"""My settings: my absence and who takes my tasks, the signature forms I give, my signature image.

Each use case is one transaction with its audit event (audit.services.record_event), in the one shape of the
project's services: check → write → audit. The rules of who may be chosen are organizations.selectors', asked
by the page's forms and again here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from core.images import read_png
from documents.dates import vn_today
from documents.errors import NotFound, PermissionDenied, ValidationFailed
from organizations.models import Delegation, Membership, Organization, Role, SignatureForm, SignatureImage
from organizations.selectors import GIVABLE_FORMS, absence_delegates_for, has_role
from workflow.models import Absence

MAX_SIGNATURE_BYTES = 1024 * 1024
# A signature scanned or drawn: wide rather than tall, neither a speck nor a poster.
MIN_SIDE_PX, MAX_WIDTH_PX, MAX_HEIGHT_PX = 40, 3000, 1500


def _home_organization_id(user: Any) -> int:
    """The organization whose audit chain records a person's own settings: their first active post's."""
    membership = Membership.objects.filter(user=user, is_active=True).order_by("pk").first()
    if membership is None:
        raise PermissionDenied("Bạn chưa có chức vụ ở cơ quan nào.")
    return membership.organization_id


# --- absence -------------------------------------------------------------------------------------------------


@transaction.atomic
def absence_create(*, actor: Any, delegate: Any, start: dt.date, end: dt.date, note: str = "") -> Absence:
    """I shall be away from `start` to `end`; `delegate` takes the tasks that would come to me meanwhile
    (workflow.assignment.present_delegate)."""
    if end < start:
        raise ValidationFailed("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.", details={"field": "end"})
    if end < vn_today():
        raise ValidationFailed("Kỳ vắng mặt đã qua: chọn ngày từ hôm nay trở đi.", details={"field": "end"})
    if delegate is None or delegate.pk == actor.pk:
        raise ValidationFailed("Chọn một người khác xử lý thay bạn.", details={"field": "delegate"})
    if not absence_delegates_for(user=actor).filter(pk=delegate.pk).exists():
        raise ValidationFailed(
            "Người xử lý thay phải cùng cơ quan với bạn và có vai trò làm được các bước của bạn.",
            details={"field": "delegate"},
        )
    if Absence.objects.filter(user=actor, start__lte=end, end__gte=start).exists():
        raise ValidationFailed("Bạn đã có một kỳ vắng mặt trùng thời gian này.", details={"field": "start"})
    absence = Absence.objects.create(user=actor, delegate=delegate, start=start, end=end, note=note.strip()[:255])
    record_event(
        organization_id=_home_organization_id(actor),
        actor=actor,
        action="absence.create",
        obj=absence,
        details={"delegate": delegate.pk, "start": start.isoformat(), "end": end.isoformat()},
    )
    return absence


@transaction.atomic
def absence_cancel(*, actor: Any, absence_id: int) -> None:
    """I am not away after all: an absence not begun is removed; one under way ends yesterday."""
    absence = Absence.objects.select_for_update().filter(pk=absence_id, user=actor).first()
    if absence is None:
        raise NotFound("Không tìm thấy kỳ vắng mặt.")
    today = vn_today()
    if absence.end < today:
        raise ValidationFailed("Kỳ vắng mặt này đã kết thúc.")
    details = {"start": absence.start.isoformat(), "end": absence.end.isoformat()}
    if absence.start >= today:
        record_event(
            organization_id=_home_organization_id(actor),
            actor=actor,
            action="absence.cancel",
            obj=absence,
            details=details,
        )
        absence.delete()
        return
    absence.end = today - dt.timedelta(days=1)
    absence.save(update_fields=["end"])
    record_event(
        organization_id=_home_organization_id(actor),
        actor=actor,
        action="absence.end",
        obj=absence,
        details={**details, "ended": absence.end.isoformat()},
    )


# --- delegations of a signature form ---------------------------------------------------------------------------


@transaction.atomic
def delegation_give(
    *,
    actor: Any,
    organization: Organization,
    delegate: Any,
    form: str,
    valid_from: dt.date,
    valid_until: dt.date | None,
    document_types: list[Any] | None = None,
    note: str = "",
) -> Delegation:
    """A head gives a member of their organization KT., TL. or TUQ. for a period (and optionally some types)."""
    if not has_role(user=actor, organization_id=organization.pk, roles=(Role.HEAD,)):
        raise PermissionDenied("Chỉ người đứng đầu cơ quan được giao ký thay.")
    if form not in GIVABLE_FORMS:
        raise ValidationFailed("Chỉ giao được thể thức KT., TL. hoặc TUQ.", details={"field": "form"})
    if delegate is None or delegate.pk == actor.pk:
        raise ValidationFailed("Chọn một thành viên khác của cơ quan.", details={"field": "delegate"})
    roles = set(
        Membership.objects.filter(user=delegate, organization=organization, is_active=True).values_list(
            "role", flat=True
        )
    )
    if not roles:
        raise ValidationFailed("Người được giao phải là thành viên của cơ quan.", details={"field": "delegate"})
    if form == SignatureForm.KT and Role.DEPUTY not in roles:
        raise ValidationFailed("Ký thay (KT.) chỉ giao cho cấp phó.", details={"field": "form"})
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.", details={"field": "valid_until"})
    delegation = Delegation.objects.create(
        organization=organization,
        delegate=delegate,
        principal=actor,
        form=form,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note.strip()[:255],
    )
    if document_types:
        delegation.document_types.set(document_types)
    record_event(
        organization_id=organization.pk,
        actor=actor,
        action="delegation.give",
        obj=delegation,
        details={
            "delegate": delegate.pk,
            "form": form,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "document_types": sorted(t.pk for t in document_types or []),
        },
    )
    return delegation


@transaction.atomic
def delegation_end(*, actor: Any, delegation_id: int) -> Delegation:
    """The head takes a form back: it ends yesterday (kept, for the documents signed under it)."""
    delegation = Delegation.objects.select_for_update().filter(pk=delegation_id).first()
    if delegation is None or not has_role(user=actor, organization_id=delegation.organization_id, roles=(Role.HEAD,)):
        raise NotFound("Không tìm thấy việc giao ký này.")
    yesterday = vn_today() - dt.timedelta(days=1)
    if delegation.valid_until is not None and delegation.valid_until <= yesterday:
        raise ValidationFailed("Việc giao ký này đã hết hạn.")
    # One not begun yet ends before it begins: the constraint wants the end after the start, so it is removed.
    if delegation.valid_from > yesterday:
        record_event(
            organization_id=delegation.organization_id,
            actor=actor,
            action="delegation.cancel",
            obj=delegation,
            details={"form": delegation.form, "delegate": delegation.delegate_id},
        )
        delegation.delete()
        return delegation
    delegation.valid_until = yesterday
    delegation.save(update_fields=["valid_until"])
    record_event(
        organization_id=delegation.organization_id,
        actor=actor,
        action="delegation.end",
        obj=delegation,
        details={"form": delegation.form, "delegate": delegation.delegate_id, "valid_until": yesterday.isoformat()},
    )
    return delegation


# --- my signature image ----------------------------------------------------------------------------------------


def check_signature_png(data: bytes) -> tuple[int, int]:
    """(width, height) of a real PNG (core.images) of a signature's sane size, else ValidationFailed in words a
    person understands."""
    png = read_png(data, max_bytes=MAX_SIGNATURE_BYTES, what="Ảnh chữ ký")
    width, height = png.width, png.height
    if min(width, height) < MIN_SIDE_PX or width > MAX_WIDTH_PX or height > MAX_HEIGHT_PX:
        raise ValidationFailed(
            f"Kích thước ảnh {width}×{height} px không hợp lý: cạnh ngắn từ {MIN_SIDE_PX} px, "
            f"rộng tối đa {MAX_WIDTH_PX} px, cao tối đa {MAX_HEIGHT_PX} px.",
            details={"field": "image"},
        )
    return width, height


@transaction.atomic
def signature_image_upload(*, actor: Any, data: bytes) -> SignatureImage:
    """My signature image, checked by content; replaces the one I had."""
    width, height = check_signature_png(data)
    digest = hashlib.sha256(data).hexdigest()
    image, _created = SignatureImage.objects.update_or_create(
        user=actor,
        defaults={"png": data, "sha256": digest, "width": width, "height": height, "uploaded_at": timezone.now()},
    )
    record_event(
        organization_id=_home_organization_id(actor),
        actor=actor,
        action="signature_image.upload",
        obj=image,
        details={"sha256": digest, "width": width, "height": height},
    )
    return image
