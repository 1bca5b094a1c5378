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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.converters import MAX_ID
from documents.dates import vn_today
from documents.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from documents.models import Delivery, Document, Register
from documents.selectors import (
    delivery_get_for_receiver,
    delivery_history,
    incoming_register,
    receiving_box,
    register_organizations,
    visible_documents,
)
from receiving import actions, uploads
from receiving.context_processors import counts_for
from receiving.forms import ArrivalForm, UploadForm, initial_values
from receiving.intake import possible_duplicates, read_upload, receiving_organizations, register_arrival
from workflow.deadlines import deadline_state, with_deadlines
from workflow.desk import error_message, fragment, wants_fragment
from workflow.paging import CappedPaginator

PAGE_SIZE = 25
INCOMING_PAGE_SIZE = 50  # the incoming register, a page as the records register prints it
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
    if wants_fragment(request):  # an action sent in place (workflow/static/workflow/desk.js): beside the form
        return fragment(request, error_message(error), ok=False, status=error.http_status)
    return render(
        request,
        "workflow/error.html",
        {"error": error, "message": error_message(error), "back": back or reverse("receiving:arrivals")},
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


def signature_checks_shown(document: Document) -> list[dict[str, Any]]:
    """The signature checks of the arrival's PDFs (signing.arrivals), with the signing times as datetimes."""
    shown = []
    for check in document.signature_checks.order_by("pk"):
        signers = [
            signer | {"signed_at": dt.datetime.fromisoformat(time) if (time := signer.get("signing_time")) else None}
            for signer in check.signers
        ]
        shown.append({"check": check, "signers": signers})
    return shown


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
    rows = with_deadlines(receiving_box(user=request.user, box=box), box=box)  # soonest deadline first
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for delivery in page.object_list:
        delivery.deadline_state = deadline_state(due_at=delivery.due_at, remind_at=delivery.remind_at, now=now)
    counts = counts_for(request)
    context = {
        "boxes": [(code, label, counts[code]) for code, label in BOXES],
        "box": box,
        "page": page,
        "can_receive": receiving_organizations(request.user).exists(),
    }
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
        "signature_checks": signature_checks_shown(document),
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
    done = _(DONE_MESSAGES[action])
    gone = delivery_get_for_receiver(user=request.user, pk=pk) is None  # given back (15): nothing left to show
    if wants_fragment(request):
        answer = fragment(request, done, ok=True)
        if gone:
            messages.success(request, done)
            answer["X-Location"] = reverse("receiving:arrivals")  # desk.js goes there
        return answer
    messages.success(request, done)
    return redirect("receiving:arrivals" if gone else back)


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
    # The year is counted no further than a page past the one asked for ("hơn 1.000 văn bản").
    asked = request.GET.get("page")
    page = CappedPaginator(rows, INCOMING_PAGE_SIZE, asked=asked).get_page(asked)
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


# --- "Vào sổ văn bản đến từ tệp / văn bản giấy" (receiving.intake) ------------------------------------------


def _receiving_organizations(request: HttpRequest) -> list[Any]:
    organizations = list(receiving_organizations(request.user))
    if not organizations:
        raise PermissionDenied("Chỉ văn thư của cơ quan mới vào sổ văn bản đến.")
    return organizations


def _complete_page(request: HttpRequest, form: ArrivalForm, *, status: int = 200, **context: Any) -> HttpResponse:
    return render(request, "receiving/receive.html", {"form": form, "step": "complete", **context}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    """Step 1: the file (or none, for paper typed in by hand); its particulars read and shown to complete."""
    try:
        organizations = _receiving_organizations(request)
    except DomainError as error:
        return _error_page(request, error)
    if request.method == "GET":
        if request.GET.get("manual"):
            form = ArrivalForm(organizations=organizations, initial={"receiver": organizations[0].pk})
            return _complete_page(request, form)
        upload_form = UploadForm(organizations=organizations, initial={"receiver": organizations[0].pk})
        return render(request, "receiving/receive.html", {"upload_form": upload_form, "step": "upload"})
    upload_form = UploadForm(request.POST, request.FILES, organizations=organizations)
    error = ""
    if upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        data, file_name = upload.read(), upload.name or ""
        try:
            intake = read_upload(data, file_name=file_name)
        except DomainError as exc:
            error = exc.message
        else:
            receiver = upload_form.cleaned_data["receiver"]
            token = uploads.keep(data, file_name=file_name, user=request.user)
            initial = initial_values(intake.values) | {"receiver": receiver.pk, "upload": token}
            form = ArrivalForm(initial=initial, organizations=organizations, unread=tuple(intake.unread))
            duplicates = possible_duplicates(
                receiver=receiver, code=intake.values["code"], issue_date=intake.values["issue_date"]
            )
            return _complete_page(request, form, intake=intake, duplicates=list(duplicates))
    context = {"upload_form": upload_form, "step": "upload", "error": error}
    return render(request, "receiving/receive.html", context, status=400)


@login_required
@require_POST
def receive_register(request: HttpRequest) -> HttpResponse:
    """Step 2: the completed particulars → registered with the next incoming number, in one transaction."""
    try:
        organizations = _receiving_organizations(request)
    except DomainError as error:
        return _error_page(request, error)
    unread = tuple(name for name in request.POST.getlist("unread") if name.isidentifier())
    form = ArrivalForm(request.POST, organizations=organizations, unread=unread)
    if not form.is_valid():
        return _complete_page(request, form, status=400)
    token = form.cleaned_data["upload"]
    pdf, body, file_name = None, "", ""
    try:
        if token:
            kept = uploads.load(token, user=request.user)
            intake = read_upload(kept.data, file_name=kept.file_name)
            pdf, body, file_name = (kept.data if intake.kind == "pdf" else None), intake.body, kept.file_name
        delivery = register_arrival(
            receiver=form.cleaned_data["receiver"],
            clerk=request.user,
            values=form.cleaned_data,
            pdf=pdf,
            file_name=file_name,
            body=body,
        )
    except DomainError as error:
        form.add_error(None, error_message(error))
        return _complete_page(request, form, status=error.http_status)
    if token:
        uploads.discard(token, user=request.user)
    incoming = delivery.incoming
    messages.success(
        request, _("Đã vào sổ văn bản đến số %(number)s/%(year)s.") % {"number": incoming.number, "year": incoming.year}
    )
    return redirect("receiving:arrival", pk=delivery.pk)
