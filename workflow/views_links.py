"""Pages for links between documents: the cascade of implementing documents, drafting a plan or a report from an
accepted arrival, a correction or replacement, a reporting duty. Thin: documents.services decide, every document
is looked up through the one visibility rule, every delivery through `delivery_for_member` (404 otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from documents import selectors, services
from documents.errors import DomainError, NotFound, ValidationFailed
from documents.models import Delivery, DocumentType, Recurrence
from workflow.links import start_flow
from workflow.views import _error_page, _text_param, _visible_document

CASCADE_DEPTH = 3


def _delivery(user: Any, pk: int) -> Delivery:
    delivery = selectors.delivery_for_member(user=user, pk=pk)
    if delivery is None:
        raise NotFound("Không tìm thấy văn bản đến.")
    return delivery


def _doc_type(code: str | None, *, default: str) -> DocumentType:
    code = _text_param(code, max_length=40) or default
    doc_type = DocumentType.objects.filter(code=code).first()
    if doc_type is None:
        raise ValidationFailed("Loại văn bản không hợp lệ.", details={"field": "doc_type"})
    return doc_type


def _subject(request: HttpRequest) -> str | None:
    subject = (request.POST.get("subject") or "").strip()
    return subject or None


@login_required
@require_GET
def cascade(request: HttpRequest, pk: int) -> HttpResponse:
    """Văn bản triển khai: what each recipient did on the basis of this document, three levels down."""
    try:
        document = _visible_document(request.user, pk)
    except DomainError as error:
        return _error_page(request, error)
    tree = selectors.cascade_tree(document=document, user=request.user, depth=CASCADE_DEPTH)
    return render(request, "workflow/cascade.html", {"document": document, "tree": tree})


def _draft_from_arrival(request: HttpRequest, pk: int, *, service: Any, default_type: str, done: str) -> HttpResponse:
    """A draft of the user's organization started from an arrival, then its edit page."""
    try:
        delivery = _delivery(request.user, pk)
        document = start_flow(
            service,
            actor=request.user,
            delivery=delivery,
            doc_type=_doc_type(request.POST.get("doc_type"), default=default_type),
            subject=_subject(request),
        )
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, gettext(done))
    return redirect("workflow:edit", pk=document.pk)


@login_required
@require_POST
def implement(request: HttpRequest, pk: int) -> HttpResponse:
    """Soạn kế hoạch triển khai: a draft of the user's organization "Căn cứ" this arrival."""
    return _draft_from_arrival(
        request,
        pk,
        service=services.draft_on_basis_of,
        default_type="ke_hoach",
        done="Đã tạo dự thảo triển khai, căn cứ văn bản đến.",
    )


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Soạn báo cáo: a draft to the sender, answering this arrival."""
    return _draft_from_arrival(
        request,
        pk,
        service=services.draft_reply,
        default_type="bao_cao",
        done="Đã tạo dự thảo báo cáo gửi nơi ban hành.",
    )


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Soạn đính chính / Soạn văn bản thay thế."""
    try:
        document = _visible_document(request.user, pk)
        correction = start_flow(
            services.draft_correction, actor=request.user, document=document, kind=request.POST.get("kind", "")
        )
    except DomainError as error:
        return _error_page(request, error)
    kind = str(correction.get_replacement_kind_display()).lower()
    messages.success(request, gettext("Đã tạo dự thảo %(kind)s.") % {"kind": kind})
    return redirect("workflow:edit", pk=correction.pk)


@login_required
@require_POST
def add_duty(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafter adds a reporting duty to the recipients while the plan is a draft."""
    try:
        document = _visible_document(request.user, pk)
        try:
            due_date = dt.date.fromisoformat((request.POST.get("due_date") or "").strip())
        except ValueError as exc:
            raise ValidationFailed("Hạn báo cáo không hợp lệ (ngày/tháng/năm).", details={"field": "due_date"}) from exc
        services.reporting_duty_add(
            document=document,
            actor=request.user,
            description=request.POST.get("description", ""),
            due_date=due_date,
            recurrence=request.POST.get("recurrence") or Recurrence.ONCE,
        )
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, gettext("Đã thêm yêu cầu báo cáo."))
    return redirect("workflow:document", pk=document.pk)
