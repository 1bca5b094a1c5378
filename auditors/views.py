"""The auditor's desk (docs/auditors.md): documents in scope, a document's trail and its certificate, the
organization's log and the chain check, and the certificate's public check. Thin: selectors decide who reads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from auditors import selectors
from auditors.certificate import certificate_pdf, trail_summary
from auditors.chain import chain_status
from auditors.forms import DocumentFilters, LogFilters
from auditors.labels import ACTION_LABELS, BREAK_LABELS, action_label
from auditors.models import TrailCertificate
from auditors.services import trail_certificate_issue
from documents.errors import DomainError, PermissionDenied


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request,
        "workflow/error.html",
        {"error": error, "back": reverse("auditors:documents")},
        status=error.http_status,
    )


def _next_query(request: HttpRequest, before: int) -> str:
    query = request.GET.copy()
    query["before"] = str(before)
    return query.urlencode()


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    organizations = list(selectors.member_organizations(user=request.user))
    form = DocumentFilters(request.GET or None, organizations=organizations)
    rows: list = []
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        rows = selectors.scope_documents(user=request.user, filters=filters, before=filters.get("before"))
    more = len(rows) > selectors.PAGE_SIZE
    rows = rows[: selectors.PAGE_SIZE]
    context = {
        "form": form,
        "rows": rows,
        "next_query": _next_query(request, rows[-1].pk) if more else "",
        "first_page": not request.GET.get("before"),
    }
    return render(request, "auditors/documents.html", context, status=400 if form.errors else 200)


@login_required
def trail(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.document_trail(user=request.user, pk=pk)
    if found is None:
        raise Http404(_("Không tìm thấy văn bản."))
    for event in found.events:
        event.label = action_label(event.action)
        event.comment = event.details.get("comment") or event.details.get("reason") or ""
        event.version = event.details.get("version")
    try:
        signatures = selectors.trail_signatures(found)
    except DomainError as error:  # IntegrityFailed: the stored PDF was changed; the auditor is told, plainly
        return _error(request, error)
    return render(
        request, "auditors/trail.html", {"trail": found, "document": found.document, "signatures": signatures}
    )


@login_required
@require_POST
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.document_trail(user=request.user, pk=pk)
    if found is None:
        raise Http404(_("Không tìm thấy văn bản."))
    if not found.full:
        return _error(request, PermissionDenied(_("Chỉ thanh tra của cơ quan ban hành được xuất chứng nhận.")))
    try:
        issued = trail_certificate_issue(document=found.document, actor=request.user, summary=trail_summary(found))
        url = request.build_absolute_uri(reverse("auditors:verify", args=[issued.pk, issued.digest]))
        pdf = certificate_pdf(certificate=issued, verify_url=url)
    except DomainError as error:
        return _error(request, error)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{found.document.pk}-{str(issued.pk)[:8]}.pdf"'
    return response


def verify(request: HttpRequest, certificate_id: str, digest: str) -> HttpResponse:
    """Public: whoever holds the certificate's id and hash sees what it states, and nothing more."""
    issued = TrailCertificate.objects.filter(pk=certificate_id, digest=digest.lower()).first()
    if issued is None:
        raise Http404(_("Không tìm thấy chứng nhận với mã và mã băm này."))
    return render(request, "auditors/verify.html", {"certificate": issued, "s": issued.summary})


def _log_form(request: HttpRequest) -> tuple[LogFilters, list]:
    organizations = list(selectors.log_organizations(user=request.user))
    data = request.GET.copy()
    if organizations and not data.get("organization"):
        data["organization"] = str(organizations[0].pk)
    org_id = int(data["organization"]) if data.get("organization", "").isdigit() else None
    actors = list(selectors.log_actors(organization_id=org_id)) if org_id else []
    actions = [(code, label) for code, label in sorted(ACTION_LABELS.items())]
    return LogFilters(data, organizations=organizations, actors=actors, actions=actions), organizations


@login_required
def log(request: HttpRequest) -> HttpResponse:
    form, organizations = _log_form(request)
    if not organizations:
        return _error(request, PermissionDenied(_("Bạn không có quyền xem nhật ký của cơ quan nào.")))
    rows: list = []
    if form.is_valid():
        filters = form.cleaned_data
        rows = selectors.audit_log(
            organization_id=filters["organization"], filters=filters, before=filters.get("before")
        )
    more = len(rows) > selectors.PAGE_SIZE
    rows = rows[: selectors.PAGE_SIZE]
    for event in rows:
        event.label = action_label(event.action)
    context = {
        "form": form,
        "rows": rows,
        "next_query": _next_query(request, rows[-1].sequence) if more else "",
        "first_page": not request.GET.get("before"),
    }
    return render(request, "auditors/log.html", context, status=400 if form.errors else 200)


@login_required
def chain(request: HttpRequest) -> HttpResponse:
    organizations = list(selectors.log_organizations(user=request.user))
    if not organizations:
        return _error(request, PermissionDenied(_("Bạn không có quyền xem nhật ký của cơ quan nào.")))
    chosen = request.GET.get("organization", "")
    organization = next((o for o in organizations if str(o.pk) == chosen), organizations[0])
    status = chain_status(organization_id=organization.pk)
    chain_break = status.check.chain_break
    context = {
        "organizations": organizations,
        "organization": organization,
        "status": status,
        "chain_break": chain_break,
        "break_label": BREAK_LABELS.get(chain_break.code, chain_break.reason) if chain_break else "",
    }
    return render(request, "auditors/chain.html", context)
