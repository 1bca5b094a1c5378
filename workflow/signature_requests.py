"""The flow's side of signatures that wait (signing.remote): start from the sign step, complete the step when a
verified signature comes back, cancel; and the endpoints a person's desktop tool talks to.

`GET /api/signing/requests/<token>/` says what to sign; `POST` the same address with the detached CMS (DER, PEM
or base64). The token authenticates (no session, no CSRF: no cookie is read), is single-use and expires. Nothing
is locked while the request waits: the step completes later through `actions.perform(action="sign",
signed_pdf=…, expected_version_id=…)`, which checks the version and the signer again under its own lock.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from documents.errors import DomainError, NotFound
from documents.models import Document
from signing import remote
from signing.models import SignatureRequest, SignatureRequestState
from workflow import actions

MAX_UPLOAD_BYTES = 64 * 1024  # a CMS signature with its chain is a few KiB


def sign_task_step(*, document: Document, actor: Any) -> str:
    """The open sign step the actor may take ("sign" or "sign_kt"); the flow's own rule (actions._task_for)."""
    process = actions.process_of(document)
    task = actions._task_for(process=process, document=document, actor=actor, action="sign")
    return task.flow_task.name


def start(*, document: Document, actor: Any) -> remote.StartedRequest:
    """The sign step of a person whose key is outside the server: prepare, then wait (no lock held)."""
    actions.require_visible(document=document, actor=actor)
    step = sign_task_step(document=document, actor=actor)
    return remote.start_signature(document=document, actor=actor, step=step)


def complete_step(request: SignatureRequest, signed_pdf: bytes) -> Document:
    """A verified signature came back: in one transaction the request is marked completed (refused if replayed
    or late) and the flow's sign step runs with that PDF. If the step is refused (the text changed, the signer
    lost the form), the request is closed as refused with that reason and nothing else changes."""
    try:
        with transaction.atomic():
            remote.request_complete(request=request, signed_pdf=signed_pdf)
            return actions.perform(
                document=request.document,
                actor=request.signer,
                action="sign",
                signed_pdf=signed_pdf,
                expected_version_id=request.version_id_prepared or None,
            )
    except (remote.RequestUsed, remote.RequestExpired, remote.RequestCancelled):
        raise
    except DomainError as error:
        remote.request_refuse(request=request, reason=error.message)
        raise


def cancel(*, request_id: int, actor: Any) -> SignatureRequest:
    request = SignatureRequest.objects.select_related("document").filter(pk=request_id).first()
    if request is None or request.signer_id != getattr(actor, "pk", None):
        raise NotFound("Không tìm thấy yêu cầu ký số.")
    return remote.request_cancel(request=request, actor=actor)


def waiting_by_document(*, user: Any, document_ids: list[int]) -> dict[int, SignatureRequest]:
    """The inbox's rows: the user's requests still waiting (deadline not passed), by document."""
    from django.utils import timezone

    rows = SignatureRequest.objects.filter(
        signer_id=getattr(user, "pk", None),
        document_id__in=document_ids,
        state=SignatureRequestState.WAITING,
        deadline__gt=timezone.now(),
    )
    return {row.document_id: row for row in rows}


def upload_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("workflow:signature-request", args=[token]))


# --- the desktop tool's endpoints ----------------------------------------------------------------------------


def _error(error: DomainError) -> JsonResponse:
    return JsonResponse(
        {"code": error.code, "message": error.message, "details": error.details or {}}, status=error.http_status
    )


def _what_to_sign(request: SignatureRequest) -> dict[str, Any]:
    document = request.document
    digest = bytes(request.document_digest)
    return {
        "state": request.effective_state,
        "document": {"id": document.pk, "title": document.subject, "number": document.code or ""},
        "deadline": request.deadline.isoformat(),
        "digest_algorithm": request.digest_algorithm,
        "document_digest": base64.b64encode(digest).decode("ascii"),
        "document_digest_hex": digest.hex(),
        "certificate": base64.b64encode(bytes(request.expected_certificate)).decode("ascii"),
        "signature_format": "CMS SignedData, detached, PAdES (ETSI.CAdES.detached): message-digest = document_digest",
        "max_signature_bytes": remote.MAX_CMS_BYTES,
    }


def _signature_from(request: HttpRequest) -> bytes:
    body = request.body
    if len(body) > MAX_UPLOAD_BYTES:
        raise remote.SignatureRefused("Chữ ký gửi về quá lớn.")
    if request.content_type == "application/json":
        try:
            value = json.loads(body or b"{}").get("signature", "")
        except (ValueError, AttributeError):
            raise remote.SignatureRefused("Nội dung gửi về không phải JSON hợp lệ.") from None
        body = str(value).encode("ascii", "ignore")
    return remote.decode_signature(body)


@csrf_exempt  # authenticated by the one-time token in the address, never by a cookie
@require_http_methods(["GET", "POST"])
def request_endpoint(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signature_request = remote.request_for_token(token)
        if request.method == "GET":
            remote.check_open(signature_request)
            return JsonResponse(_what_to_sign(signature_request))
        remote.check_open(signature_request)
        der = _signature_from(request)
        document = remote.receive_signature(signature_request, der)
    except remote.SignatureRefused as error:
        # an unreadable body is refused like a wrong signature: the token is spent (a no-op if already closed)
        remote.request_refuse(request=signature_request, reason=error.message)
        return _error(error)
    except DomainError as error:
        return _error(error)
    return JsonResponse({"state": SignatureRequestState.COMPLETED, "document_status": document.status})


@login_required
@require_POST
def cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    from django.contrib import messages

    from workflow.views import _error_page, _next_url

    try:
        signature_request = cancel(request_id=pk, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, gettext("Đã hủy yêu cầu ký số; bạn có thể ký lại."))
    return redirect(_next_url(request, default=reverse("workflow:document", args=[signature_request.document_id])))
