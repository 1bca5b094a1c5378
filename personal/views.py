"""My settings (/me/): my absence and who takes my tasks, the signature forms I hold and give, my signature image,
and the way to my notification preferences. Every change goes through personal.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from documents.errors import DomainError
from organizations.models import SignatureImage
from organizations.selectors import delegations_of, headed_organizations
from personal import services
from personal.forms import AbsenceForm, DelegationForm, SignatureImageForm
from personal.selectors import absences_of
from signing.credentials import EXPIRY_WARNING_DAYS, credentials_of_user


def _page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    organizations = headed_organizations(user=user)
    received, given = delegations_of(user=user)
    context = {
        "absence_form": forms.get("absence_form") or AbsenceForm(user=user),
        "delegation_form": (
            forms.get("delegation_form") or DelegationForm(organizations=organizations, user=user)
            if organizations
            else None
        ),
        "image_form": forms.get("image_form") or SignatureImageForm(),
        "absences": absences_of(user=user),
        "received": received,
        "given": given,
        "image": SignatureImage.objects.filter(user=user)
        .only("pk", "width", "height", "uploaded_at", "sha256")
        .first(),
        "credentials": credentials_of_user(user),
        "expiry_warning_days": EXPIRY_WARNING_DAYS,
    }
    return render(request, "personal/me.html", context, status=status)


def _refused(form: Any, error: DomainError) -> None:
    field = (error.details or {}).get("field")
    form.add_error(field if field in form.fields else None, error.message)


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def absence_add(request: HttpRequest) -> HttpResponse:
    form = AbsenceForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.absence_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã ghi kỳ vắng mặt."))
            return redirect("personal:me")
    return _page(request, status=400, absence_form=form)


@login_required
@require_POST
def absence_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.absence_cancel(actor=request.user, absence_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã hủy kỳ vắng mặt."))
    return redirect("personal:me")


@login_required
@require_POST
def delegation_add(request: HttpRequest) -> HttpResponse:
    organizations = headed_organizations(user=request.user)
    if not organizations:
        raise Http404(_("Bạn không đứng đầu cơ quan nào."))
    form = DelegationForm(request.POST, organizations=organizations, user=request.user)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["document_types"] = list(data["document_types"])
        try:
            services.delegation_give(actor=request.user, **data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã giao ký thay."))
            return redirect("personal:me")
    return _page(request, status=400, delegation_form=form)


@login_required
@require_POST
def delegation_end(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.delegation_end(actor=request.user, delegation_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã chấm dứt việc giao ký."))
    return redirect("personal:me")


@login_required
@require_POST
def signature_image_upload(request: HttpRequest) -> HttpResponse:
    form = SignatureImageForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        # One byte past the limit is enough to know it is too large, without reading a huge file.
        data = upload.read(services.MAX_SIGNATURE_BYTES + 1)
        try:
            services.signature_image_upload(actor=request.user, data=data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã lưu ảnh chữ ký."))
            return redirect("personal:me")
    return _page(request, status=400, image_form=form)


@login_required
@require_GET
def signature_image(request: HttpRequest) -> HttpResponse:
    """My own signature image, shown back on the page (nobody else's)."""
    image = SignatureImage.objects.filter(user=request.user).first()
    if image is None:
        raise Http404(_("Bạn chưa tải ảnh chữ ký."))
    response = HttpResponse(bytes(image.png), content_type="image/png")
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
