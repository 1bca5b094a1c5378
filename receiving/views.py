"""Pages of the receiving side: "Văn bản đến" (five boxes), one delivery with the forms that apply, and the
incoming register (sổ văn bản đến). Thin: reading through documents.selectors (the one visibility rule),
every change through receiving.actions → documents.services; a refusal is a page with its message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from core.converters import MAX_ID
from documents.dates import vn_today
from documents.errors import DomainError, NotFound, ValidationFailed
from documents.models import Delivery, Register
from documents.selectors import (
    delivery_get_for_receiver,
    delivery_history,
    incoming_register,
    receiving_box,
    register_organizations,
    visible_documents,
)
from receiving import actions
from receiving.context_processors import counts_for

PAGE_SIZE = 25
BOXES = (
    ("arrivals", gettext_noop("Chờ tiếp nhận")),
    ("to_assign", gettext_noop("Chờ phân công")),
    ("handling", gettext_noop("Đang xử lý")),
    ("done", gettext_noop("Đã xong")),
    ("recall", gettext_noop("Đề nghị thu hồi")),
)
REGISTERS = ((Register.INCOMING, gettext_noop("Sổ văn bản đến")), (Register.INCOMING_SECRET, gettext_noop("Sổ mật")))
DONE_MESSAGES = {
    "accept": gettext_noop("Đã tiếp nhận và vào sổ văn bản đến."),
    "refuse": gettext_noop("Đã từ chối tiếp nhận; bên gửi đã được báo lý do."),
    "acknowledge": gettext_noop("Đã xác nhận đã nhận văn bản."),
    "forward": gettext_noop("Đã chuyển lãnh đạo cho ý kiến."),
    "assign": gettext_noop("Đã phân công xử lý."),
    "start": gettext_noop("Đã bắt đầu xử lý."),
    "finish": gettext_noop("Đã hoàn thành xử lý."),
    "recall-agree": gettext_noop("Đã đồng ý thu hồi: văn bản không còn trong danh sách của đơn vị."),
    "recall-refuse": gettext_noop("Đã từ chối thu hồi; bên gửi đã được báo lý do."),
}


def _error_page(request: HttpRequest, error: DomainError, *, back: str = "") -> HttpResponse:
    return render(
        request,
        "workflow/error.html",
        {"error": error, "back": back or reverse("receiving:arrivals")},
        status=error.http_status,
    )


def _id(value: str | None) -> int | None:
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()) if value and value.strip() else None
    except ValueError:
        raise ValidationFailed("Hạn xử lý không đúng định dạng ngày.", details={"field": "deadline"}) from None


def _delivery(request: HttpRequest, pk: int) -> Delivery:
    delivery = delivery_get_for_receiver(user=request.user, pk=pk)
    if delivery is None:
        raise NotFound("Không tìm thấy văn bản đến.")
    return delivery


@login_required
@require_GET
def arrivals(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box", "arrivals")
    if box not in dict(BOXES):
        box = "arrivals"
    page = Paginator(receiving_box(user=request.user, box=box), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = counts_for(request)
    context = {"boxes": [(code, label, counts[code]) for code, label in BOXES], "box": box, "page": page}
    return render(request, "receiving/arrivals.html", context)


@login_required
@require_GET
def arrival(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        delivery = _delivery(request, pk)
    except DomainError as error:
        return _error_page(request, error)
    document = delivery.document
    can = actions.available(delivery=delivery, user=request.user)
    incoming = getattr(delivery, "incoming", None)
    context = {
        "delivery": delivery,
        "document": document,
        "incoming": incoming,
        "supporting": list(incoming.supporting_units.all()) if incoming else [],
        "history": delivery_history(delivery=delivery),
        "can": can,
        "readable": visible_documents(user=request.user).filter(pk=document.pk).exists(),
        "replaces": visible_documents(user=request.user).filter(pk=document.replaces_id).first()
        if document.replaces_id
        else None,
        "replaced_by": visible_documents(user=request.user).filter(replaces_id=document.pk).order_by("-pk"),
        "leaders": actions.leaders_of(delivery) if "forward" in can else [],
        "units": actions.units_of(delivery) if "assign" in can else [],
        "people": actions.people_of(delivery) if "assign" in can else [],
        "today": vn_today(),
    }
    return render(request, "receiving/arrival.html", context)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    back = reverse("receiving:arrival", args=[pk])
    try:
        if action not in actions.ACTIONS:
            raise NotFound("Không có thao tác này.")
        delivery = _delivery(request, pk)
        params: dict[str, Any] = {
            "reason": request.POST.get("reason", ""),
            "directive": request.POST.get("directive", ""),
            "result": request.POST.get("result", ""),
        }
        if action == "forward":
            params["leader"] = actions.leaders_of(delivery).filter(pk=_id(request.POST.get("leader"))).first()
        if action == "assign":
            units = actions.units_of(delivery)
            unit_id, person_id = _id(request.POST.get("unit")), _id(request.POST.get("person"))
            params["unit"] = units.filter(pk=unit_id).first() if unit_id else None
            params["person"] = actions.people_of(delivery).filter(pk=person_id).first() if person_id else None
            if (unit_id and params["unit"] is None) or (person_id and params["person"] is None):
                raise ValidationFailed("Đơn vị hoặc người chủ trì không thuộc cơ quan nhận.", details={"field": "unit"})
            supporting = [i for i in map(_id, request.POST.getlist("supporting_units")) if i]
            params["supporting_units"] = list(units.filter(pk__in=supporting))
            params["deadline"] = _date(request.POST.get("deadline"))
        delivery = actions.perform(delivery=delivery, actor=request.user, action=action, **params)
    except DomainError as error:
        return _error_page(request, error, back=back)
    messages.success(request, DONE_MESSAGES[action])
    if delivery_get_for_receiver(user=request.user, pk=pk) is None:  # given back (15): nothing left to show
        return redirect("receiving:arrivals")
    return redirect(back)


@login_required
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    register = request.GET.get("register", Register.INCOMING)
    if register not in dict(REGISTERS):
        register = Register.INCOMING
    organizations = list(register_organizations(user=request.user, register=register))
    if not organizations:
        return _error_page(request, NotFound("Bạn không giữ sổ văn bản đến của cơ quan nào."))
    chosen = _id(request.GET.get("organization"))
    organization = next((o for o in organizations if o.pk == chosen), organizations[0])
    year = _id(request.GET.get("year")) or vn_today().year
    year = year if 1900 <= year <= 9999 else vn_today().year
    try:
        rows = incoming_register(user=request.user, organization_id=organization.pk, year=year, register=register)
    except DomainError as error:
        return _error_page(request, error)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "organizations": organizations,
        "organization": organization,
        "year": year,
        "years": range(vn_today().year, vn_today().year - 6, -1),
        "register": register,
        "registers": REGISTERS,
        "page": page,
    }
    return render(request, "receiving/incoming.html", context)
