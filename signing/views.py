"""HTML views: the document in its legal layout, its PDF, verification of any PDF, plan import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from documents.errors import DomainError
from documents.importer import PlanParseError, import_draft, parse_plan
from documents.models import ArtifactKind, Document, DocumentArtifact
from documents.selectors import document_get_visible
from signing.forms import ImportPlanForm, VerifyForm
from signing.permissions import drafting_organizations
from signing.rendering import render_html, render_pdf
from signing.verification import UnreadablePdf, modification_label, verify_pdf


def _viewable(request: HttpRequest, pk: int) -> Document:
    """The one visibility rule (documents.selectors): not visible is not found."""
    document = document_get_visible(user=request.user, pk=pk)
    if document is None:
        raise Http404(_("Không tìm thấy văn bản."))
    return document


@login_required
def document_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = _viewable(request, pk)
    return HttpResponse(render_html(document, filled=True))


@login_required
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The issued PDF once issued, the signer's PDF once signed, otherwise a fresh draft rendering."""
    document = _viewable(request, pk)
    artifacts = {a.kind: a for a in DocumentArtifact.objects.filter(document=document)}
    artifact = artifacts.get(ArtifactKind.ISSUED) or artifacts.get(ArtifactKind.SIGNED)
    try:
        pdf = bytes(artifact.pdf) if artifact else render_pdf(document, filled=True).pdf
    except DomainError as exc:  # too long, or the renderer overran its time: say so, never a 500
        return HttpResponse(exc.message, status=exc.http_status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = (document.code or f"du-thao-{document.pk}").replace("/", "_")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


def _signature_rows(report: object | None) -> list[dict[str, object]]:
    return [
        {"report": s, "level_label": modification_label(s.modification_level)}
        for s in (report.signatures if report else [])  # type: ignore[attr-defined]
    ]


@login_required
def document_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The signature check of the PDF the system keeps (the issued one, else the signer's), for whoever may read the
    document: a recipient sees what it received is intact and by whom, without downloading and uploading it."""
    document = _viewable(request, pk)
    artifacts = {a.kind: a for a in DocumentArtifact.objects.filter(document=document)}
    artifact = artifacts.get(ArtifactKind.ISSUED) or artifacts.get(ArtifactKind.SIGNED)
    if artifact is None:
        raise Http404(_("Văn bản chưa có bản ký số."))
    report, error = None, ""
    try:
        report = verify_pdf(bytes(artifact.pdf))
    except UnreadablePdf as exc:
        error = exc.message
    context = {"checked": document, "report": report, "signatures": _signature_rows(report), "error": error}
    return render(request, "signing/verify.html", context)


@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    """Anyone may check a PDF: who signed, with which certificate, when, and whether it was changed."""
    report, error = None, ""
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = verify_pdf(form.cleaned_data["file"].read())
        except UnreadablePdf as exc:
            error = exc.message
    signatures = _signature_rows(report)
    refused = request.method == "POST" and report is None  # a bad upload is the client's error: 400
    return render(
        request,
        "signing/verify.html",
        {"form": form, "report": report, "signatures": signatures, "error": error},
        status=400 if refused else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    organizations = drafting_organizations(user=request.user)
    if not organizations:
        raise Http404(_("Bạn không soạn văn bản cho cơ quan nào."))
    form = ImportPlanForm(request.POST or None, request.FILES or None, organizations=organizations)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            plan = parse_plan(form.cleaned_data["file"])
            document, matches = import_draft(
                plan=plan, organization=form.cleaned_data["organization"], drafter=request.user
            )
        except PlanParseError as exc:
            error = str(exc)
        except DomainError as exc:
            error = exc.message
        else:
            # The result: the draft, and which "Nơi nhận" lines were found in the directory and which were not.
            return render(
                request,
                "signing/import.html",
                {
                    "form": ImportPlanForm(organizations=organizations),
                    "document": document,
                    "matches": matches,
                    "unresolved": sum(1 for match in matches if not match.resolved),
                },
            )
    return render(request, "signing/import.html", {"form": form, "error": error})
