"""Pages of the registers (sổ văn bản đi, đến) and of the dossiers (hồ sơ). Who may read or keep what is asked
of records.selectors and documents.services.dossiers; nothing is decided here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.converters import MAX_ID
from documents import services
from documents.dates import vn_today
from documents.errors import DomainError, NotFound, PermissionDenied
from documents.models import Confidentiality, Document, DocumentType, Register
from documents.selectors import document_get_visible
from organizations.models import Organization, Unit
from records import exports, registers, selectors
from records.forms import DossierForm
from workflow.paging import CappedPaginator

PAGE_SIZE = 50
REGISTER_LABELS = {
    Register.REGULAR: Register.REGULAR.label,
    Register.SECRET: Register.SECRET.label,
    Register.INCOMING: Register.INCOMING.label,
    Register.INCOMING_SECRET: Register.INCOMING_SECRET.label,
}


def _error_page(request: HttpRequest, error: DomainError, *, back: str = "") -> HttpResponse:
    context = {"error": error, "back": back or reverse("records:dossiers")}
    return render(request, "workflow/error.html", context, status=error.http_status)


def _id(value: str | None) -> int | None:
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def _year(value: str | None) -> int:
    year = _id(value) or vn_today().year
    return year if 1900 <= year <= 9999 else vn_today().year


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _choose(organizations: list[Organization], chosen: int | None) -> Organization:
    return next((o for o in organizations if o.pk == chosen), organizations[0])


# --- registers -----------------------------------------------------------------------------------------------


def _register_query(request: HttpRequest, register: str) -> dict[str, Any]:
    """The organization, year and filters asked for, checked against what `register` offers; refuses a register
    the person may read nowhere (404: the secret one is not even named to them)."""
    if register not in selectors.REGISTERS:
        raise NotFound(_("Không có sổ này."))
    organizations = list(selectors.register_readable_organizations(user=request.user, register=register))
    if not organizations:
        raise NotFound(_("Bạn không giữ hoặc không được xem sổ này của cơ quan nào."))
    organization = _choose(organizations, _id(request.GET.get("organization")))
    statuses = dict(selectors.status_choices(register))
    filters = {
        "doc_type": _id(request.GET.get("doc_type")),
        "unit": _id(request.GET.get("unit")),
        "status": request.GET.get("status") if request.GET.get("status") in statuses else None,
        "confidentiality": (
            request.GET.get("confidentiality") if request.GET.get("confidentiality") in Confidentiality.values else None
        ),
    }
    return {
        "register": register,
        "organizations": organizations,
        "organization": organization,
        "year": _year(request.GET.get("year")),
        "filters": filters,
        "statuses": list(statuses.items()),
    }


def _register_rows(request: HttpRequest, query: dict[str, Any]) -> Any:
    read = selectors.outgoing_register if query["register"] in selectors.OUTGOING else selectors.incoming_rows
    return read(
        user=request.user,
        organization_id=query["organization"].pk,
        register=query["register"],
        year=query["year"],
        filters=query["filters"],
    )


def _query_string(query: dict[str, Any]) -> str:
    values = {"organization": query["organization"].pk, "year": query["year"]}
    values |= {k: v for k, v in query["filters"].items() if v}
    return urlencode(values)


@login_required
@require_GET
def register_page(request: HttpRequest, register: str = Register.REGULAR) -> HttpResponse:
    """One register of one organization for one year, filtered and paged, printable (print stylesheet)."""
    try:
        query = _register_query(request, register)
        rows = _register_rows(request, query)
    except DomainError as error:
        return _error_page(request, error, back=reverse("workflow:inbox"))
    # The year is counted no further than a page past the one asked for ("hơn 1.000 văn bản").
    asked = request.GET.get("page")
    page = CappedPaginator(rows, PAGE_SIZE, asked=asked).get_page(asked)
    organization = query["organization"]
    context = {
        **query,
        "page": page,
        "rows": registers.rows_of(register, page.object_list),
        "headings": registers.headings(register),
        "title": registers.TITLES[register],
        "label": REGISTER_LABELS[register],
        "tabs": [(r, REGISTER_LABELS[r]) for r in selectors.readable_registers(user=request.user)],
        "years": range(vn_today().year, vn_today().year - 6, -1),
        "doc_types": DocumentType.objects.order_by("name"),
        "units": Unit.objects.filter(organization_id=organization.pk).order_by("name"),
        "confidentialities": Confidentiality.choices,
        "query_string": _query_string(query),
        "is_outgoing": register in selectors.OUTGOING,
    }
    return render(request, "records/register.html", context)


def _sheet(request: HttpRequest, register: str) -> exports.RegisterSheet:
    query = _register_query(request, register)
    rows = _register_rows(request, query)
    return exports.RegisterSheet(
        organization=query["organization"],
        register=register,
        year=query["year"],
        rows=registers.rows_of(register, rows),
    )


def _file_name(sheet: exports.RegisterSheet, extension: str) -> str:
    return f"so-{sheet.register}-{sheet.organization.abbreviation or sheet.organization.pk}-{sheet.year}.{extension}"


@login_required
@require_GET
def register_xlsx(request: HttpRequest, register: str) -> HttpResponse:
    try:
        sheet = _sheet(request, register)
    except DomainError as error:
        return _error_page(request, error, back=reverse("workflow:inbox"))
    response = HttpResponse(exports.register_xlsx(sheet), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(sheet, "xlsx")}"'
    return response


@login_required
@require_GET
def register_pdf(request: HttpRequest, register: str) -> HttpResponse:
    try:
        sheet = _sheet(request, register)
    except DomainError as error:
        return _error_page(request, error, back=reverse("workflow:inbox"))
    response = HttpResponse(exports.register_pdf(sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_file_name(sheet, "pdf")}"'
    return response


# --- dossiers ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def dossiers(request: HttpRequest) -> HttpResponse:
    """Danh mục hồ sơ: the year's dossiers of one organization."""
    organizations = list(selectors.dossier_organizations(user=request.user))
    if not organizations:
        return _error_page(
            request, NotFound(_("Bạn không được xem danh mục hồ sơ của cơ quan nào.")), back=reverse("workflow:inbox")
        )
    organization = _choose(organizations, _id(request.GET.get("organization")))
    year = _year(request.GET.get("year"))
    rows = selectors.dossier_list(user=request.user, organization_id=organization.pk, year=year)
    context = {
        "organizations": organizations,
        "organization": organization,
        "year": year,
        "years": range(vn_today().year + 1, vn_today().year - 6, -1),
        "dossiers": rows,
        "may_keep": services.may_keep_dossiers(user=request.user, organization_id=organization.pk),
    }
    return render(request, "records/dossiers.html", context)


def _form_error(form: DossierForm, error: DomainError) -> None:
    field = (getattr(error, "details", None) or {}).get("field")
    form.add_error(field if field in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_new(request: HttpRequest) -> HttpResponse:
    """Opens a dossier; `next` brings the clerk back where she came from (the archive step)."""
    organizations = list(selectors.dossier_keeping_organizations(user=request.user))
    if not organizations:
        return _error_page(
            request,
            PermissionDenied(_("Chỉ văn thư hoặc người đứng đầu cơ quan được lập và quản lý hồ sơ.")),
            back=reverse("records:dossiers"),
        )
    back = _next_url(request, reverse("records:dossiers"))
    if request.method == "GET":
        chosen = _choose(organizations, _id(request.GET.get("organization")))
        form = DossierForm(organizations=organizations, initial={"organization": chosen.pk, "year": vn_today().year})
        return render(request, "records/dossier_form.html", {"form": form, "next": back})
    form = DossierForm(request.POST, organizations=organizations)
    if form.is_valid():
        data = form.cleaned_data
        try:
            dossier = services.dossier_open(
                actor=request.user,
                organization=data["organization"],
                code=data["code"],
                title=data["title"],
                year=data["year"],
                retention_period=data["retention_period"],
                retention_years=data["retention_years"],
                owner_unit=data["owner_unit"],
                note=data["note"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Đã lập hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect(back if request.POST.get("next") else reverse("records:dossier", args=[dossier.pk]))
    return render(request, "records/dossier_form.html", {"form": form, "next": back}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dossier = selectors.dossier_get(user=request.user, pk=pk)
    except DomainError as error:
        return _error_page(request, error)
    organizations = [dossier.organization]
    initial = {
        "organization": dossier.organization_id,
        "year": dossier.year,
        "code": dossier.code,
        "title": dossier.title,
        "retention_period": dossier.retention_period_id,
        "retention_years": dossier.retention_years,
        "owner_unit": dossier.owner_unit_id,
        "note": dossier.note,
    }
    if request.method == "GET":
        form = DossierForm(organizations=organizations, initial=initial, editing=True)
        return render(request, "records/dossier_form.html", {"form": form, "dossier": dossier})
    form = DossierForm(request.POST, organizations=organizations, initial=initial, editing=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.dossier_update(
                actor=request.user,
                dossier=dossier,
                code=data["code"],
                title=data["title"],
                retention_period=data["retention_period"],
                retention_years=data["retention_years"],
                owner_unit=data["owner_unit"],
                note=data["note"],
            )
        except DomainError as error:
            if error.http_status == 403:
                return _error_page(request, error, back=reverse("records:dossier", args=[pk]))
            _form_error(form, error)
        else:
            messages.success(request, _("Đã lưu hồ sơ %(code)s.") % {"code": data["code"]})
            return redirect("records:dossier", pk=pk)
    return render(request, "records/dossier_form.html", {"form": form, "dossier": dossier}, status=400)


@login_required
@require_GET
def dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A dossier's table of contents; its keeper adds and removes documents and closes it here."""
    try:
        dossier = selectors.dossier_get(user=request.user, pk=pk)
    except DomainError as error:
        return _error_page(request, error)
    may_keep = services.may_keep_dossiers(user=request.user, organization_id=dossier.organization_id)
    search = request.GET.get("q", "")[:100]
    candidates = (
        list(selectors.fileable_documents(user=request.user, dossier=dossier, query=search)[:20])
        if may_keep and not dossier.is_closed
        else []
    )
    context = {
        "dossier": dossier,
        "entries": selectors.dossier_entries(dossier=dossier, user=request.user),
        "may_keep": may_keep,
        "candidates": candidates,
        "q": search,
    }
    return render(request, "records/dossier.html", context)


def _document_for(request: HttpRequest) -> Document:
    document = document_get_visible(user=request.user, pk=_id(request.POST.get("document")) or 0)
    if document is None:
        raise NotFound(_("Không tìm thấy văn bản."))
    return document


@login_required
@require_POST
def dossier_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """close, add (a document), remove (a document): each one service call."""
    back = _next_url(request, reverse("records:dossier", args=[pk]))
    try:
        dossier = selectors.dossier_get(user=request.user, pk=pk)
        if action == "close":
            services.dossier_close(actor=request.user, dossier=dossier)
            messages.success(request, _("Đã kết thúc hồ sơ %(code)s.") % {"code": dossier.code})
        elif action == "add":
            document = _document_for(request)
            services.dossier_add_document(actor=request.user, dossier=dossier, document=document)
            messages.success(request, _("Đã đưa văn bản vào hồ sơ %(code)s.") % {"code": dossier.code})
        elif action == "remove":
            document = _document_for(request)
            services.dossier_remove_document(actor=request.user, dossier=dossier, document=document)
            messages.success(request, _("Đã bỏ văn bản khỏi hồ sơ %(code)s.") % {"code": dossier.code})
        else:
            raise NotFound(_("Không có thao tác này."))
    except DomainError as error:
        if error.http_status == 400:  # shown beside the table, the page as it was
            messages.error(request, error.message)
            return redirect(back)
        return _error_page(request, error, back=back)
    return redirect(back)


@login_required
@require_GET
def dossier_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier as one PDF: its table of contents, then each document it holds that the reader may read."""
    try:
        dossier = selectors.dossier_get(user=request.user, pk=pk)
        entries = [e for e in selectors.dossier_entries(dossier=dossier, user=request.user) if e.readable]
        pdf, _toc_pages = exports.dossier_pdf(dossier=dossier, entries=entries)
    except DomainError as error:
        return _error_page(request, error)
    response = HttpResponse(pdf, content_type="application/pdf")
    code = "".join(c if c.isascii() and c.isalnum() else "-" for c in dossier.code)
    response["Content-Disposition"] = f'attachment; filename="ho-so-{code}-{dossier.year}.pdf"'
    return response


@login_required
@require_http_methods(["GET"])
def document_dossiers(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossiers one document sits in, and the open ones of its year it may join (from the document page)."""
    document = document_get_visible(user=request.user, pk=pk)
    if document is None:
        return _error_page(request, NotFound(_("Không tìm thấy văn bản.")), back=reverse("workflow:inbox"))
    may_keep = services.may_keep_dossiers(user=request.user, organization_id=document.organization_id)
    entries = list(selectors.document_dossiers(document=document))
    inside = {e.dossier_id for e in entries}
    year = (document.issue_date or vn_today()).year
    others = (
        [d for d in selectors.open_dossiers(organization_id=document.organization_id, year=year) if d.pk not in inside]
        if may_keep
        else []
    )
    context = {"document": document, "entries": entries, "others": others, "may_keep": may_keep, "year": year}
    return render(request, "records/document_dossiers.html", context)
