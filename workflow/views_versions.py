"""A document's versions and the difference between two of them; its attachments: add, download, remove; a comment
on approve or return with a file.

Thin: who may read is the one visibility rule (documents.selectors, through views._visible_document); who may
attach or remove is decided by documents.services.attachments; the step's action by workflow.actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from documents.attachments import CONTENT_TYPES, max_file_bytes, megabytes
from documents.diff import diff_versions
from documents.errors import DomainError, IntegrityFailed, NotFound, ValidationFailed
from documents.models import Attachment, AttachmentCopy, AttachmentKind, Document, Status
from documents.permissions import can_edit
from documents.services.attachments import STEP_OF_STATE, attachment_add, attachment_remove
from documents.services.review import step_holder_id
from organizations.models import Unit, User
from signing.verification import UnreadablePdf, verify_pdf
from workflow import actions
from workflow.views import _error_page, _id_param, _visible_document

STEP_ACTIONS = ("approve", "return")


def versions_context(user: Any, document: Document) -> dict[str, Any]:
    """What the document page shows of versions and attachments (_versions.html, _attachments.html); four
    queries whatever the number of versions and files (the files' bytes are not loaded)."""
    versions = list(document.versions.select_related("created_by").order_by("-number"))
    _describe(document, versions)
    attachments = list(
        Attachment.objects.filter(document=document)
        .select_related("uploaded_by", "version")
        .defer("version__content")
        .order_by("created_at")
    )
    holds_step = document.status in STEP_OF_STATE and step_holder_id(document) == getattr(user, "pk", None)
    _describe_copies(document, attachments)
    return {
        "versions": versions,
        "attachments": attachments,
        "can_attach": can_edit(user, document),
        "can_comment_with_file": holds_step,
        "attachment_max": megabytes(max_file_bytes()),
    }


# Once issued, the draft's PDFs have the clerk's signed copies (documents.AttachmentCopy); the rest travel as they are.
ISSUED_STATES = (Status.ISSUED, Status.ARCHIVED, Status.RECALLED)


def _describe_copies(document: Document, attachments: list[Attachment]) -> None:
    """Each draft file of an issued document: `issued_copy` (its signed copy, with the verdict of the one verifier,
    signing.verification) or None, and `travels_unsigned` for what is not a PDF. One query, and only after issue."""
    draft_files = [a for a in attachments if not a.step]
    if document.status not in ISSUED_STATES or not draft_files:
        return
    copies = {c.attachment_id: c for c in AttachmentCopy.objects.filter(attachment__in=draft_files)}
    for attachment in draft_files:
        attachment.travels_unsigned = attachment.kind != AttachmentKind.PDF
        copy = copies.get(attachment.pk)
        attachment.issued_copy = copy
        if copy is not None:
            try:
                report = verify_pdf(copy.read())
                copy.verdict, copy.verdict_message = str(report.verdict), report.verdict_message
            except (UnreadablePdf, IntegrityFailed) as error:  # a tampered copy is said here, never a broken page
                copy.verdict, copy.verdict_message = "unreadable", error.message


# The fields an edit changed, as the audit event of the edit recorded them (drafting.document_update_draft).
FIELD_LABELS = {
    "subject": gettext_noop("trích yếu"),
    "body": gettext_noop("nội dung"),
    "legal_bases": gettext_noop("căn cứ"),
    "recipients": gettext_noop("nơi nhận"),
    "signer": gettext_noop("người ký"),
    "signature_form": gettext_noop("thể thức ký"),
    "doc_type": gettext_noop("loại văn bản"),
    "urgency": gettext_noop("độ khẩn"),
    "confidentiality": gettext_noop("độ mật"),
    "deadline": gettext_noop("hạn xử lý"),
}


def _describe(document: Document, versions: list[Any]) -> None:
    """Each version's note: "Tạo dự thảo" for the first, else the fields its edit changed (one query)."""
    edits = AuditEvent.objects.filter(
        object_type=document._meta.label_lower, object_id=str(document.pk), action="document.edit"
    ).values_list("details", flat=True)
    changed = {d.get("content_hash"): d.get("fields") or [] for d in edits if isinstance(d, dict)}
    for version in versions:
        fields = changed.get(version.content_hash, [])
        version.fields_changed = [label for name, label in FIELD_LABELS.items() if name in fields]


@login_required
@require_GET
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        document = _visible_document(request.user, pk)
    except DomainError as error:
        return _error_page(request, error)
    return render(request, "workflow/versions.html", {"document": document, **versions_context(request.user, document)})


def _named(version_ids: set[int], unit_ids: set[int]) -> Any:
    people = dict(User.objects.filter(pk__in=version_ids).values_list("pk", "full_name"))
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))

    def display(name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if name == "signer":
            return people.get(value) or str(value)
        if name == "drafting_unit":
            return units.get(value) or str(value)
        return str(value)

    return display


@login_required
@require_GET
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    """?a=<number>&b=<number>: what changed from version a to version b (default: the one before the last, the
    last)."""
    try:
        document = _visible_document(request.user, pk)
        numbers = list(document.versions.order_by("number").values_list("number", flat=True))
        if not numbers:
            raise NotFound("Văn bản chưa có phiên bản nào.")
        wanted_new = _id_param(request.GET.get("b")) or numbers[-1]
        wanted_old = _id_param(request.GET.get("a")) or (numbers[-2] if len(numbers) > 1 else numbers[-1])
        found = {v.number: v for v in document.versions.filter(number__in=(wanted_old, wanted_new))}
        if wanted_old not in found or wanted_new not in found:
            raise NotFound("Không có phiên bản đã chọn.")
    except DomainError as error:
        return _error_page(request, error)
    old, new = found[wanted_old], found[wanted_new]
    snapshots = (old.content, new.content)
    signers = {s.get("signer") for s in snapshots if isinstance(s.get("signer"), int)}
    units = {s.get("drafting_unit") for s in snapshots if isinstance(s.get("drafting_unit"), int)}
    fields = diff_versions(old.content, new.content, display=_named(signers, units))
    context = {"document": document, "old": old, "new": new, "numbers": numbers, "fields": fields}
    return render(request, "workflow/diff.html", context)


def _upload(request: HttpRequest) -> tuple[str, bytes]:
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed("Hãy chọn tệp cần đính kèm.", details={"field": "file"})
    if upload.size > max_file_bytes():  # refused before reading it into memory
        raise ValidationFailed(
            f"Tệp quá lớn (tối đa {megabytes(max_file_bytes())} một tệp).", details={"field": "file"}
        )
    return upload.name or "", upload.read()


def _form_again(request: HttpRequest, document: Document, error: DomainError, **typed: Any) -> HttpResponse:
    """The form again with the message and what the person typed (the file itself cannot be kept by a browser)."""
    if error.http_status not in (400, 409):
        return _error_page(request, error)
    context = {"document": document, "error": error, **typed, **versions_context(request.user, document)}
    return render(request, "workflow/attachment_form.html", context, status=error.http_status)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A file on the draft (its drafter, while it is a draft)."""
    try:
        document = _visible_document(request.user, pk)
    except DomainError as error:
        return _error_page(request, error)
    note = request.POST.get("comment", "")
    try:
        file_name, data = _upload(request)
        attachment = attachment_add(document=document, actor=request.user, file_name=file_name, data=data, comment=note)
    except DomainError as error:
        return _form_again(request, document, error, comment=note, mode="draft")
    messages.success(request, f"Đã đính kèm tệp {attachment.file_name}.")
    return redirect(reverse("workflow:document", args=[pk]) + "#attachments")


@login_required
@require_POST
def step_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or return with a comment and a file (optional here): the file and the action in one transaction
    (a refused action leaves no file behind, a refused file no action)."""
    try:
        document = _visible_document(request.user, pk)
    except DomainError as error:
        return _error_page(request, error)
    action = request.POST.get("action", "")
    comment = request.POST.get("comment", "")
    try:
        if action not in STEP_ACTIONS:
            raise ValidationFailed("Chọn duyệt hoặc trả lại.", details={"field": "action"})
        if action == "return" and not comment.strip():
            raise ValidationFailed("Trả lại văn bản phải ghi rõ ý kiến.", details={"field": "comment"})
        upload = _upload(request) if request.FILES.get("file") is not None else None
        with transaction.atomic():
            if upload is not None:
                attachment_add(
                    document=document,
                    actor=request.user,
                    file_name=upload[0],
                    data=upload[1],
                    on_step=True,
                    comment=comment,
                )
            document = actions.perform(document=document, actor=request.user, action=action, comment=comment)
    except DomainError as error:
        return _form_again(request, document, error, comment=comment, action=action, mode="step")
    messages.success(request, f"Đã thực hiện: {document.get_status_display()} — {document.subject[:80]}")
    return redirect("workflow:document", pk=pk)


def _attachment_of(request: HttpRequest, pk: int, attachment_pk: int) -> Attachment:
    document = _visible_document(request.user, pk)
    attachment = Attachment.objects.filter(pk=attachment_pk, document=document).first()
    if attachment is None:
        raise NotFound("Không tìm thấy tệp đính kèm.")
    return attachment


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """The file as stored, for whoever may read the document; always as a download (never shown in our origin)."""
    try:
        attachment = _attachment_of(request, pk, attachment_pk)
        data = attachment.read()
    except DomainError as error:  # IntegrityFailed included: the clear message, never the bytes
        return _error_page(request, error)
    response = HttpResponse(data, content_type=CONTENT_TYPES[attachment.kind])
    # RFC 6266 / 5987: an ASCII fallback and the UTF-8 name ("Kế hoạch.pdf") for every browser.
    response["Content-Disposition"] = content_disposition_header(True, attachment.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-SHA256"] = attachment.sha256
    return response


@login_required
@require_GET
def attachment_signed_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """The clerk's signed copy of a draft's PDF (made at issue), for whoever may read the document: same visibility
    and headers as the file itself."""
    try:
        attachment = _attachment_of(request, pk, attachment_pk)
        copy = AttachmentCopy.objects.filter(attachment=attachment).first()
        if copy is None:
            raise NotFound("Tệp đính kèm này không có bản đã ký số.")
        pdf = copy.read()
    except DomainError as error:  # IntegrityFailed included: the clear message, never the bytes
        return _error_page(request, error)
    stem = attachment.file_name.rsplit(".", 1)[0]
    response = HttpResponse(pdf, content_type=CONTENT_TYPES[AttachmentKind.PDF])
    response["Content-Disposition"] = content_disposition_header(True, f"{stem} (bản ký số).pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-SHA256"] = copy.sha256
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    try:
        attachment = _attachment_of(request, pk, attachment_pk)
        attachment_remove(attachment=attachment, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, f"Đã gỡ tệp {attachment.file_name}.")
    return redirect(reverse("workflow:document", args=[pk]) + "#attachments")
