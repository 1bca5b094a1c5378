"""Server-rendered pages: the inbox (four tabs, filters, one-click and bulk approval) and a document's flow page.

Thin: every change goes through workflow.actions (which calls documents.services). Domain errors become a page
with the Vietnamese message and the error's HTTP status (409 when someone else was faster).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from core.converters import MAX_ID
from documents.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from documents.models import DeliveryStatus, Document, DocumentType, Dossier, Status, Urgency
from documents.permissions import check_edit, may_cancel, may_recall, sees_deliveries
from documents.selectors import deliveries_of, document_get_visible, visible_documents
from documents.services import deliveries_remind, may_remind
from organizations.models import Membership, Organization, Unit, User
from signing.remote import remote_backend_for
from workflow import actions, assignment, signature_requests
from workflow.deadlines import deadline_state
from workflow.desk import error_message, fragment, wants_fragment
from workflow.forms import DraftForm, recipient_rows
from workflow.links import links_context
from workflow.models import DocumentTask
from workflow.paging import capped_count, keyset_page
from workflow.selectors import DEFAULT_ORDERING, KEYS, KINDS, inbox_rows

PAGE_SIZE = 25
# Labels are marked for makemessages here and translated where shown ({% translate %}).
TABS = (
    ("assigned", gettext_noop("Việc cần xử lý")),
    ("queue", gettext_noop("Việc chờ nhận")),
    ("submitted", gettext_noop("Văn bản tôi soạn")),
    ("done", gettext_noop("Đã xử lý")),
)
# The one-click action of each step, and its button label.
ONE_CLICK = {
    "draft": ("submit", gettext_noop("Trình duyệt")),
    "unit_review": ("approve", gettext_noop("Duyệt")),
    "review": ("approve", gettext_noop("Duyệt")),
    "sign": ("sign", gettext_noop("Ký")),
    "sign_kt": ("sign", gettext_noop("Ký thay")),
    "register": ("register", gettext_noop("Cấp số")),
    "issue": ("issue", gettext_noop("Phát hành")),
}
# In the inbox, the clerk's one step where nothing needs to be chosen: the number, then the sending (two audited
# steps, workflow.actions.perform_steps). The document page keeps the two apart.
INBOX_ONE_CLICK = {**ONE_CLICK, "register": ("register_issue", gettext_noop("Cấp số và phát hành"))}
# Steps of a role's queue that one click takes and does (workflow.actions.may_take assigns them on the way);
# the others (archive: a dossier to choose; a consultation: an opinion to write) are claimed first.
QUEUE_ONE_CLICK = ("register", "issue")
RETURNABLE = ("unit_review", "review", "sign", "sign_kt")
TASK_STATUS_LABELS = {
    "NEW": gettext_noop("Chờ nhận"),
    "ASSIGNED": gettext_noop("Đang xử lý"),
    "STARTED": gettext_noop("Đang xử lý"),
    "DONE": gettext_noop("Đã xong"),
    "CANCELED": gettext_noop("Đã hủy"),
    "ERROR": gettext_noop("Lỗi"),
}
BULK_ACTIONS = {
    "approve": ("unit_review", "review"),
    "sign": ("sign", "sign_kt"),
    "register_issue": ("register",),
    "issue": ("issue",),
}
BULK_LABELS = {
    "approve": gettext_noop("Duyệt các văn bản đã chọn"),
    "sign": gettext_noop("Ký các văn bản đã chọn"),
    "register_issue": gettext_noop("Cấp số và phát hành các văn bản đã chọn"),
    "issue": gettext_noop("Phát hành các văn bản đã chọn"),
}
# Legally binding or sent outside: the list being acted on is shown first and confirmed.
BULK_CONFIRM = ("sign", "register_issue", "issue")
# What a person sees after a step in place (and in the flash without JS), by action.
DONE_MESSAGES = {
    "submit": gettext_noop("Đã trình duyệt."),
    "approve": gettext_noop("Đã duyệt."),
    "return": gettext_noop("Đã trả lại cho người soạn thảo."),
    "sign": gettext_noop("Đã ký."),
    "register": gettext_noop("Đã cấp số."),
    "register_issue": gettext_noop("Đã cấp số và phát hành."),
    "issue": gettext_noop("Đã phát hành."),
    "archive": gettext_noop("Đã lưu hồ sơ."),
    "recall": gettext_noop("Đã thu hồi."),
    "cancel": gettext_noop("Đã hủy."),
    "consult": gettext_noop("Đã gửi ý kiến."),
}


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    if wants_fragment(request):  # beside the row; the rest of the page stays
        return fragment(request, error_message(error), ok=False, status=error.http_status)
    return render(
        request,
        "workflow/error.html",
        {
            "error": error,
            "message": error_message(error),
            "back": _next_url(request, default=reverse("workflow:inbox")),
        },
        status=error.http_status,
    )


def _done(request: HttpRequest, message: str, *, next_url: str) -> HttpResponse:
    """After a step: the message beside the row (fetch) or a flash and the page again (a plain form)."""
    if wants_fragment(request):
        return fragment(request, message, ok=True)
    messages.success(request, message)
    return redirect(next_url)


def _next_url(request: HttpRequest, *, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _id_param(value: str | None) -> int | None:
    """An id from a form or query string: ASCII digits within the database's bigint, else None (never a 500:
    "²".isdigit() is true but int("²") fails; 2⁶⁴ overflows SQLite)."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def _text_param(value: str | None, *, max_length: int = 50) -> str | None:
    """A short code from the query string; NUL bytes and over-long values are ignored, not sent to the database."""
    return value if value and "\x00" not in value and len(value) <= max_length else None


def _bool_param(value: str | None) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get((value or "").lower())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("workflow:inbox")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("tab", "assigned")
    if kind not in KINDS:
        kind = "assigned"
    filters: dict[str, Any] = {
        "urgency": request.GET.get("urgency") or None,
        "doc_type": _text_param(request.GET.get("type")),
        "organization": _id_param(request.GET.get("organization")),
        "overdue": _bool_param(request.GET.get("overdue")),
    }
    if filters["urgency"] not in (None, *Urgency.values):
        filters["urgency"] = None
    ordering = DEFAULT_ORDERING[kind]
    rows, counted = inbox_rows(user=request.user, kind=kind, ordering=ordering, **filters)
    # Keyset pages (workflow.paging): "Sau"/"Trước" carry a cursor; an old `?page=N` link still opens that page.
    page_number = _id_param(request.GET.get("page"))
    try:
        page = keyset_page(
            rows,
            ordering=ordering,
            key=KEYS[ordering],
            size=PAGE_SIZE,
            cursor=_text_param(request.GET.get("cursor"), max_length=1000),
            offset=(min(page_number, 100_000) - 1) * PAGE_SIZE if page_number else None,
            counted=counted,
        )
    except DomainError as error:  # a cursor that does not decode: the error page, 400
        return _error_page(request, error)
    now = timezone.now()
    for row in page.object_list:
        state = deadline_state(due_at=row.due_at, remind_at=row.remind_at, now=now)
        row.deadline_state = "" if kind == "done" else state
        takes_at_once = kind == "assigned" or (kind == "queue" and row.step in QUEUE_ONE_CLICK)
        row.one_click = INBOX_ONE_CLICK.get(row.step) if takes_at_once else None
        row.returnable = kind == "assigned" and row.step in RETURNABLE
        row.bulk_action = (
            next((a for a, steps in BULK_ACTIONS.items() if row.step in steps), None) if takes_at_once else None
        )
    # A signature waiting for the person's tool or a remote service shows as such, with its Cancel.
    signing_rows = [row.document_id for row in page.object_list if row.step in ("sign", "sign_kt")]
    waiting = (
        signature_requests.waiting_by_document(user=request.user, document_ids=signing_rows)
        if kind == "assigned" and signing_rows
        else {}
    )
    for row in page.object_list:
        row.signature_request = waiting.get(row.document_id) if row.step in ("sign", "sign_kt") else None
        if row.signature_request is not None:
            row.bulk_action = None
    # The bulk bar offers only what applies to this page's rows for this person (desk.js narrows it further
    # to the checked rows): a head with only signatures waiting is never offered "Duyệt".
    bulk_actions = [(a, BULK_LABELS[a]) for a in BULK_ACTIONS if any(r.bulk_action == a for r in page.object_list)]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    badges = {tab: capped_count(inbox_rows(user=request.user, kind=tab)[1]) for tab in ("assigned", "queue")}
    context = {
        "tabs": TABS,
        "kind": kind,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "urgencies": Urgency.choices,
        "doc_types": DocumentType.objects.order_by("name"),
        "organizations": Organization.objects.filter(
            pk__in=Membership.objects.filter(user=request.user, is_active=True).values("organization_id")
        ).order_by("name"),
        # the tabs' badges, counted up to the cap like the page ("hơn 1.000")
        "counts": {tab: badges[tab][0] for tab in badges},
        "counts_capped": [tab for tab in badges if not badges[tab][1]],
        "bulk": bool(bulk_actions),
        "bulk_actions": bulk_actions,
    }
    return render(request, "workflow/inbox.html", context)


def _visible_document(user: Any, pk: int) -> Document:
    """The one visibility rule (documents.selectors): a document the person may not read is a 404."""
    document = document_get_visible(user=user, pk=pk)
    if document is None:
        raise NotFound("Không tìm thấy văn bản.")
    return document


@login_required
def document_flow(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        document = _visible_document(request.user, pk)
    except DomainError as error:
        return _error_page(request, error)
    process = document.process if hasattr(document, "process") else None
    history: list[DocumentTask] = []
    open_tasks: list[DocumentTask] = []
    if process is not None:
        history = list(
            DocumentTask.objects.filter(process_id=process.pk, flow_task_type="HUMAN")
            .select_related("owner")
            .order_by("pk")
        )
        open_tasks = [task for task in history if task.status in actions.OPEN]
        units = Unit.objects.in_bulk({task.seed_object_id for task in history if task.step == "consult"})
        for task in history:
            task.unit = units.get(task.seed_object_id) if task.step == "consult" else None
            task.status_label = TASK_STATUS_LABELS.get(task.status, task.status)
    waiting = signature_requests.waiting_by_document(user=request.user, document_ids=[document.pk])
    for task in open_tasks:
        task.signature_request = waiting.get(document.pk) if task.step in ("sign", "sign_kt") else None
        task.mine = actions.may_take(task=task, actor=request.user, document=document)
        task.claimable = task.owner_id is None and task.mine
        task.one_click = ONE_CLICK.get(task.step)
        task.returnable = task.step in RETURNABLE
        where = {"step": task.step, "owner_id": task.owner_id, "unit_id": task.seed_object_id, "document": document}
        task.reassign_to = (
            list(assignment.reassign_candidates(**where))
            if assignment.may_reassign(actor=request.user, **where)
            else []
        )
    context = {
        "document": document,
        "process": process,
        "history": history,
        "open_tasks": open_tasks,
        "recipients": document.recipients.all(),
        # The archive step offers the open dossiers of the document's year (records: "Danh mục hồ sơ").
        "dossiers": Dossier.objects.filter(
            organization_id=document.organization_id,
            is_closed=False,
            year=document.issue_date.year if document.issue_date else timezone.localdate().year,
        ).order_by("code"),
        "consult_units": Unit.objects.filter(organization_id=document.organization_id)
        .exclude(pk=document.drafting_unit_id)
        .order_by("name"),
        "can_cancel": document.status in (Status.DRAFT, Status.IN_REVIEW) and may_cancel(request.user, document),
        "can_recall": document.status == Status.ISSUED and may_recall(request.user, document),
        **_sender_view(request.user, document),
    }
    context |= links_context(request.user, document)  # căn cứ, replies, corrections, reporting (_links.html)
    return render(request, "workflow/document.html", context)


SENT_STATES = (Status.ISSUED, Status.ARCHIVED, Status.RECALLED)
# "Đã tiếp nhận": accepted, and every handling step after it (04, 05, 06).
ACCEPTED_STATES = (DeliveryStatus.ACCEPTED, DeliveryStatus.ASSIGNED, DeliveryStatus.IN_PROGRESS, DeliveryStatus.DONE)


def _sender_view(user: Any, document: Document) -> dict[str, Any]:
    """The sender's table (templates/workflow/_deliveries.html): every addressee, the counts, the "Lưu" copies
    and the reminder button; for people of the issuing organization, once it was sent. A constant number of
    queries whatever the number of addressees."""
    if document.status not in SENT_STATES or not sees_deliveries(user, document):
        return {}
    deliveries = list(deliveries_of(document=document))
    counts = Counter(delivery.status for delivery in deliveries)
    waiting = counts[DeliveryStatus.ARRIVED]
    return {
        "deliveries": deliveries,
        "delivery_counts": {
            "accepted": sum(counts[status] for status in ACCEPTED_STATES),
            "waiting": waiting,
            "refused": counts[DeliveryStatus.REFUSED],
            "outside": counts[DeliveryStatus.QUEUED] + counts[DeliveryStatus.EMAILED] + counts[DeliveryStatus.SENT],
        },
        "filed_copies": list(document.filed_copies.select_related("unit")),
        "can_remind": bool(waiting) and document.status != Status.RECALLED and may_remind(user=user, document=document),
    }


@login_required
def deliveries_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The sender's table alone, which the document page fetches again every few seconds (data-live in base.html):
    the issuer watches acceptances, refusals and handling arrive without reloading."""
    try:
        document = _visible_document(request.user, pk)
    except DomainError as error:
        return _error_page(request, error)
    context = _sender_view(request.user, document)
    if not context:
        return HttpResponse(status=204)
    return render(request, "workflow/_deliveries.html", {"document": document, **context})


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Nhắc nơi chưa tiếp nhận": one click, every late addressee; at most once an hour each."""
    try:
        document = _visible_document(request.user, pk)
        reminded = deliveries_remind(document=document, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, gettext("Đã nhắc %(n)s nơi chưa tiếp nhận.") % {"n": len(reminded)})
    return redirect(reverse("workflow:document", args=[pk]) + "#deliveries")


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: approve, sign, return (comment required), register, issue, archive, submit, cancel, recall."""
    action = request.POST.get("action", "")
    comment = request.POST.get("comment", "")
    default_next = reverse("workflow:document", args=[pk])
    shown_version = _id_param(request.POST.get("confirm_version"))  # from the sign page (signing:confirm)
    try:
        document = _visible_document(request.user, pk)
        params: dict[str, Any] = {}
        if action == "sign" and shown_version and document.signed_version_id != shown_version:
            if not request.POST.get("confirmed"):
                raise ValidationFailed("Hãy đánh dấu “Tôi đã đọc và ký văn bản này” trước khi ký.")
            if document.current_version_id != shown_version:
                raise ValidationFailed("Văn bản vừa thay đổi sau khi bạn xem; vui lòng xem lại trước khi ký.")
        if action == "return" and not comment.strip():
            raise ValidationFailed("Trả lại văn bản phải ghi rõ ý kiến.", details={"field": "comment"})
        if action == "archive":
            dossier_pk = _id_param(request.POST.get("dossier"))
            params["dossier"] = (
                Dossier.objects.filter(pk=dossier_pk, organization_id=document.organization_id).first()
                if dossier_pk
                else None
            )
        if action in ("recall", "cancel"):
            params["reason"] = comment
        consult_units = [pk for pk in map(_id_param, request.POST.getlist("consult_units")) if pk]
        if consult_units and action in ("submit", "approve"):
            params["consult_units"] = consult_units
        if action == "sign" and remote_backend_for(request.user) is not None:
            return _start_waiting_signature(request, document)
        document = actions.perform(document=document, actor=request.user, action=action, comment=comment, **params)
    except actions.PartlyDone as error:  # numbered, not sent: say both
        done = gettext("Đã cấp số %(code)s nhưng chưa phát hành:") % {"code": error.document.code}
        return _error_page(request, type(error.error)(f"{done} {error_message(error.error)}"))
    except DomainError as error:
        if shown_version and Document.objects.filter(pk=pk, signer=request.user, signed_version=shown_version).exists():
            messages.info(request, "Văn bản đã được ký (lần bấm thứ hai không ký lại).")  # a double submit
            return redirect(default_next)
        return _error_page(request, error)
    message = gettext(DONE_MESSAGES.get(action, "Đã thực hiện."))
    if document.code and action in ("register", "register_issue"):
        message = f"{message} {gettext('Số')}: {document.code}"
    return _done(request, f"{message} — {document.subject[:80]}", next_url=_next_url(request, default=default_next))


def _start_waiting_signature(request: HttpRequest, document: Document) -> HttpResponse:
    """The sign step of a person whose key is outside the server: the request waits, and the page shows the
    one-time link for their tool (the token is shown here once; only its hash is kept). A CSC request is
    already on its way to the service (signing.tasks), and may even be done when the page is drawn."""
    started = signature_requests.start(document=document, actor=request.user)
    signature_request = started.request
    signature_request.refresh_from_db()
    if signature_request.state == "completed":
        return _done(request, gettext("Đã ký."), next_url=reverse("workflow:document", args=[document.pk]))
    if signature_request.state == "refused":
        raise ValidationFailed(signature_request.reason or "Chữ ký số bị từ chối.")
    return render(
        request,
        "workflow/signature_request.html",
        {
            "document": document,
            "signature_request": signature_request,
            "token": started.token if signature_request.backend == "external" else "",
            "upload_url": signature_requests.upload_url(request, started.token)
            if signature_request.backend == "external"
            else "",
        },
        status=202,
    )


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve, sign, number-and-issue the checked rows; each in its own transaction, a report per row.
    Signing and issuing show the list first (bulk_confirm.html) and act only once it is confirmed."""
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS:
        return _error_page(request, ValidationFailed("Thao tác hàng loạt không hợp lệ."))
    ids = [pk for pk in map(_id_param, request.POST.getlist("document")) if pk]
    if not ids:
        return _error_page(request, ValidationFailed("Chưa chọn văn bản nào."))
    # Only documents the user may read are looked at; the others are reported as not found, unnamed.
    documents = list(
        visible_documents(user=request.user)
        .filter(pk__in=ids)
        .select_related("doc_type", "organization", "drafter")
        .order_by("pk")
    )
    if action in BULK_CONFIRM and request.POST.get("confirm") != "1":
        return render(
            request,
            "workflow/bulk_confirm.html",
            {
                "documents": documents,
                "missing": len(set(ids) - {document.pk for document in documents}),
                "action": action,
                "label": BULK_LABELS[action],
                "comment": request.POST.get("comment", ""),
            },
        )
    results = actions.bulk_perform(
        documents=documents, actor=request.user, action=action, comment=request.POST.get("comment", "")
    )
    found = {document.pk for document in documents}
    missing = NotFound("Không tìm thấy văn bản.")
    results += [
        actions.BulkResult(pk, ok=False, code=missing.code, message=missing.message, http_status=missing.http_status)
        for pk in sorted(set(ids) - found)
    ]
    subjects = {document.pk: document.subject for document in documents}
    rows = [
        {
            "result": result,
            "subject": subjects.get(result.document_id, f"#{result.document_id}"),
            "message": _bulk_message(result),
        }
        for result in results
    ]
    ok = sum(1 for result in results if result.ok)
    return render(
        request,
        "workflow/bulk_result.html",
        {"rows": rows, "ok": ok, "failed": len(results) - ok, "action": action},
    )


def _bulk_message(result: actions.BulkResult) -> str:
    if result.ok or not result.message:
        return ""
    message = gettext(result.message)
    if result.status:  # a compound action stopped half-way (actions.PartlyDone): the number stays
        return f"{gettext('Đã cấp số nhưng chưa phát hành:')} {message}"
    return message


def _task(task_pk: int) -> DocumentTask:
    return get_object_or_404(DocumentTask.objects.select_related("process__documentprocess__document"), pk=task_pk)


@login_required
@require_http_methods(["GET"])
def task_detail(request: HttpRequest, task_pk: int) -> HttpResponse:
    task = _task(task_pk)
    return redirect(reverse("workflow:document", args=[task.document.pk]) + f"#task-{task.pk}")


@login_required
@require_POST
def claim(request: HttpRequest, task_pk: int) -> HttpResponse:
    task = _task(task_pk)
    try:
        actions.claim(task=task, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return _done(
        request,
        gettext("Đã nhận xử lý: việc chuyển sang “Việc cần xử lý”."),
        next_url=_next_url(request, default=reverse("workflow:document", args=[task.document.pk])),
    )


@login_required
@require_POST
def reassign(request: HttpRequest, task_pk: int) -> HttpResponse:
    task = _task(task_pk)
    to_pk = _id_param(request.POST.get("to_user"))
    to_user = User.objects.filter(pk=to_pk).first() if to_pk else None
    try:
        task = actions.reassign(task=task, actor=request.user, to_user=to_user)
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, gettext("Đã giao lại cho %(person)s.") % {"person": task.owner})
    return redirect(_next_url(request, default=reverse("workflow:document", args=[task.document.pk])))


def _drafting_organizations(user: Any) -> list[Organization]:
    from signing.permissions import drafting_organizations

    return drafting_organizations(user=user)


@login_required
@require_http_methods(["GET", "POST"])
def new_document(request: HttpRequest) -> HttpResponse:
    """A new plan typed in the browser: created as a draft with its flow started."""
    organizations = _drafting_organizations(request.user)
    if not organizations:
        return _error_page(request, PermissionDenied("Bạn không soạn văn bản cho cơ quan nào."))
    form = DraftForm(request.POST or None, organizations=organizations, drafter=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            document = actions.create_document(
                actor=request.user, organization=form.cleaned_data["organization"], **form.service_fields()
            )
        except DomainError as error:
            form.add_error(None, error_message(error))
        else:
            messages.success(request, gettext("Đã tạo dự thảo."))
            return redirect("workflow:document", pk=document.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "workflow/document_form.html", {"form": form, "document": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafter edits their draft (also after it was returned); each save is a new version."""
    try:
        document = _visible_document(request.user, pk)
        check_edit(request.user, document)
    except DomainError as error:
        return _error_page(request, error)
    initial = {
        "organization": document.organization_id,
        "doc_type": document.doc_type_id,
        "type_title": document.type_title,
        "subject": document.subject,
        "legal_bases": "\n".join(document.legal_bases),
        "body": document.body,
        "recipients": "",  # the lines are shown as rows (recipient_rows)
        "signer": document.signer_id,
        "signature_form": document.signature_form,
        "urgency": document.urgency,
        "confidentiality": document.confidentiality,
        "deadline": document.deadline,
    }
    form = DraftForm(
        request.POST or None,
        initial=initial,
        organizations=[document.organization],
        drafter=document.drafter,
        recipient_rows=recipient_rows(document),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            actions.edit_draft(document=document, actor=request.user, recipients=fields.pop("recipients"), **fields)
        except DomainError as error:
            if error.http_status != 400:
                return _error_page(request, error)
            form.add_error(None, error_message(error))
        else:
            messages.success(request, gettext("Đã lưu dự thảo (phiên bản mới)."))
            return redirect("workflow:document", pk=document.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "workflow/document_form.html", {"form": form, "document": document}, status=status)
