"""HTML views: the document in its legal layout, its PDF, verification of any PDF, plan import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from documents.dates import vn_today
from documents.errors import DomainError, IntegrityFailed, InvalidTransition
from documents.importer import PlanParseError, import_draft, parse_plan
from documents.models import ArtifactKind, Document, DocumentArtifact, DocumentType
from documents.selectors import document_get_visible
from organizations.selectors import eligible_signers, may_sign_with, signature_forms_for
from signing.credentials import active_credential_for_user
from signing.forms import ImportPlanForm, VerifyForm
from signing.permissions import check_sign, drafting_organizations
from signing.previews import page_images
from signing.rendering import document_context, render_pdf
from signing.titles import title_lines
from signing.verification import UnreadablePdf, modification_label, verify_pdf


def _viewable(request: HttpRequest, pk: int) -> Document:
    """The one visibility rule (documents.selectors): not visible is not found."""
    document = document_get_visible(user=request.user, pk=pk)
    if document is None:
        raise Http404(_("Không tìm thấy văn bản."))
    return document


@login_required
def document_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The document in its legal layout, inside the site's page (header kept); the same template prints the PDF."""
    document = _viewable(request, pk)
    context = document_context(document, filled=True, for_pdf=False) | {"layout": "base.html"}
    return render(request, "signing/document.html", context)


def _signable(request: HttpRequest, pk: int) -> tuple[Document, DomainError | None]:
    """The document (404 unless visible) and why the person may not sign it now (None: they may). The rule is
    signing.permissions.check_sign, the one signing.services asks before any key signs."""
    document = _viewable(request, pk)
    try:
        check_sign(user=request.user, document=document)
    except DomainError as exc:
        return document, exc
    return document, None


@login_required
@require_http_methods(["GET"])
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Signing with the document in view: its pages as the PDF prints them, the signature block as it will print,
    and the confirmation that posts to the sign action (workflow:act) with the version shown."""
    document, refused = _signable(request, pk)
    already_signed = isinstance(refused, InvalidTransition) and document.signer_id == request.user.pk
    if refused is not None and not already_signed:
        return render(
            request,
            "signing/confirm.html",
            {"document": document, "error": refused.message},
            status=refused.http_status,
        )
    context: dict[str, object] = {
        "document": document,
        "already_signed": already_signed,
        "title_lines": title_lines(document),
        "signer_name": document.signer.display_name if document.signer_id else "",
    }
    if not already_signed:
        try:
            context["pages"] = range(1, len(page_images(document)) + 1)
        except DomainError as exc:  # too long or too slow to lay out: said in words, never a 500
            context["render_error"] = exc.message
        # How this signer signs, said before the click: on the server, on their token, or elsewhere and waited for.
        context["credential"] = active_credential_for_user(request.user)
        context["holds_form"] = may_sign_with(
            user=request.user,
            organization=document.organization,
            form=document.signature_form,
            doc_type_id=document.doc_type_id,
            on=vn_today(),
        )
    return render(request, "signing/confirm.html", context)


@login_required
@require_http_methods(["GET"])
def confirm_page(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One page image of the sign page, for the signer only (the same rule as the page)."""
    document, refused = _signable(request, pk)
    if refused is not None:
        return HttpResponse(refused.message, status=refused.http_status, content_type="text/plain; charset=utf-8")
    try:
        pages = page_images(document)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.http_status, content_type="text/plain; charset=utf-8")
    if not 1 <= number <= len(pages):
        raise Http404(_("Không có trang này."))
    response = HttpResponse(pages[number - 1], content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_http_methods(["GET"])
def signature_forms(request: HttpRequest) -> JsonResponse:
    """The drafting page's signature forms for the signer chosen (organizations.selectors.signature_forms_for),
    asked again when the signer, the type or the organization changes. Only for a drafter of the organization,
    only about the people who may be named to sign there."""
    organizations = {str(o.pk): o for o in drafting_organizations(user=request.user)}
    organization = organizations.get(request.GET.get("organization", ""))
    signer_id = request.GET.get("signer", "")
    if organization is None or not signer_id.isdigit():
        return JsonResponse({"forms": [], "message": _("Chọn cơ quan và người ký để xem thể thức ký.")})
    signer = eligible_signers(organization_id=organization.pk, drafter_id=request.user.pk).filter(pk=signer_id).first()
    if signer is None:
        return JsonResponse({"forms": [], "message": _("Người này không thể được chọn làm người ký.")}, status=404)
    doc_type_id = request.GET.get("doc_type", "")
    doc_type = DocumentType.objects.filter(pk=doc_type_id).first() if doc_type_id.isdigit() else None
    held = signature_forms_for(
        signer=signer, organization=organization, doc_type_id=doc_type.pk if doc_type else None, on=vn_today()
    )
    message = "" if held else _("Người này chưa giữ thể thức ký nào vào hôm nay: chọn người ký khác.")
    return JsonResponse(
        {"forms": [{"value": h.form, "label": h.label, "reason": h.reason} for h in held], "message": message}
    )


@login_required
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The issued PDF once issued, the signer's PDF once signed, otherwise a fresh draft rendering."""
    document = _viewable(request, pk)
    artifacts = {a.kind: a for a in DocumentArtifact.objects.filter(document=document)}
    artifact = artifacts.get(ArtifactKind.ISSUED) or artifacts.get(ArtifactKind.SIGNED)
    try:
        pdf = artifact.read() if artifact else render_pdf(document, filled=True).pdf
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
        report = verify_pdf(artifact.read())
    except (UnreadablePdf, IntegrityFailed) as exc:  # a tampered stored copy: said on the page, not a 500
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
    # A refused file or plan is the client's error: the form again with the message and the choice kept (400).
    status = 400 if request.method == "POST" else 200
    return render(request, "signing/import.html", {"form": form, "error": error}, status=status)
