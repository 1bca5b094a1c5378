"""Acting on a document's flow: the one entry point the HTML views and the JSON API share.

`perform` finds the document's process and the open task for the step, checks the actor may take it
(assigned to them, or waiting in their role's queue → auto-assigned), runs the matching
`documents.services` function and completes the task, all inside the flow lock (SELECT … FOR UPDATE on the
process row, then the document row inside the service). Two people clicking the same task: the second one
finds the task already done and gets ConcurrentUpdate (409); nothing is done twice.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import PROCESS, STATUS

from audit.services import record_event
from documents import services
from documents.errors import (
    ConcurrentUpdate,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from documents.limits import check_comment
from documents.locks import locks_last
from documents.models import Document, Status
from documents.permissions import can_view
from workflow import assignment
from workflow.deadlines import sync_deadlines
from workflow.flows import (
    APPROVE,
    HUMAN_STEPS,
    MOVING_STEPS,
    RETURN,
    SIGN,
    STEP_STATUS,
    DocumentFlow,
    moving_on_from,
    node,
)
from workflow.models import DocumentProcess, DocumentTask

logger = logging.getLogger(__name__)

OPEN = (STATUS.NEW, STATUS.ASSIGNED)
# Which steps an action completes. recall and cancel act on the process as a whole.
ACTION_STEPS: dict[str, tuple[str, ...]] = {
    "submit": ("draft",),
    "approve": ("unit_review", "review"),
    "return": ("unit_review", "review", "sign", "sign_kt"),
    "sign": ("sign", "sign_kt"),
    "register": ("register",),
    "issue": ("issue",),
    "archive": ("archive",),
    "consult": ("consult",),  # a consulted unit gives its opinion (comment required)
}
PROCESS_ACTIONS = ("recall", "cancel")
# Steps that may render or sign a PDF before the flow lock is taken (_prepare_pdf).
RENDERING_ACTIONS = ("sign", "issue", "archive")
# Several steps in one click, each its own audited transition, in this order ("Cấp số và phát hành").
COMPOUND_ACTIONS: dict[str, tuple[str, ...]] = {"register_issue": ("register", "issue")}
ACTIONS = (*ACTION_STEPS, *PROCESS_ACTIONS)
OUTCOMES = {"approve": APPROVE, "return": RETURN, "sign": SIGN}


def require_visible(*, document: Document, actor: Any) -> None:
    """Every entry point asks the one visibility rule first (documents.selectors): a document the actor
    may not read does not exist for them (404), whatever they try to do with it."""
    if not getattr(actor, "is_authenticated", False) or not can_view(actor, document):
        raise NotFound("Không tìm thấy văn bản.")


# --- starting ------------------------------------------------------------------------------------


def start_process(*, document: Document, actor: Any, new: bool = False) -> DocumentProcess:
    """Start the flow for a new draft (idempotent): the drafter's "draft" task is created at once.
    `new`: the document was made in this transaction, so it has no process yet (one statement fewer)."""
    existing = None if new else DocumentProcess.objects.filter(document_id=document.pk).first()
    if existing is not None:
        return existing
    if document.drafter_id != getattr(actor, "pk", None):
        raise PermissionDenied("Chỉ người soạn thảo được khởi tạo quy trình cho văn bản.")
    if document.status != Status.DRAFT:
        raise InvalidTransition(
            "Chỉ khởi tạo quy trình cho văn bản đang là dự thảo.", details={"status": document.status}
        )
    if new:  # nobody else can start a process for a row this transaction has just written
        return _start(document)
    try:
        with transaction.atomic():
            return _start(document)
    except IntegrityError as exc:  # started at the same moment by another request (one process per document)
        raise ConcurrentUpdate() from exc


def _start(document: Document) -> DocumentProcess:
    with moving_on_from(document) as step:  # the drafter's task is assigned from this instance, not a second read
        process = DocumentFlow.start.run(document=document)
    # The draft step's deadline, with the step; a draft has no deliveries.
    sync_deadlines(document_ids=[document.pk], deliveries=False, opened=(document, step.written))
    return process


def create_document(*, actor: Any, **fields: Any) -> Document:
    """documents.services.document_create and start_process, in one transaction."""
    with transaction.atomic(), locks_last():  # the audit event after the flow's rows
        document = services.document_create(actor=actor, **fields)
        start_process(document=document, actor=actor, new=True)
    return document


def edit_draft(*, document: Document, actor: Any, **changes: Any) -> Document:
    """The drafter edits the draft (a new version); the draft task stays open. Rules in documents.services."""
    return services.document_update_draft(document=document, actor=actor, **changes)


class NoProcess(NotFound):
    def __init__(self) -> None:
        super().__init__("Văn bản chưa có quy trình xử lý.")


def process_of(document: Document) -> DocumentProcess:
    process = DocumentProcess.objects.filter(document_id=document.pk).first()
    if process is None:
        raise NoProcess()
    return process


LOCK_ATTEMPTS = 5


@contextmanager
def locked_process(document: Document) -> Iterator[DocumentProcess]:
    """The flow lock (SELECT … FOR UPDATE NOWAIT on the process row, retried as viewflow's select_for_update_lock
    does it), giving the process as it is under the lock: one statement where finding the process, locking it
    and reading it again were three. Busy after the last attempt: FlowLockFailed (409 in perform)."""
    for attempt in range(LOCK_ATTEMPTS):
        with transaction.atomic():
            try:
                process = DocumentProcess.objects.select_for_update(nowait=True).filter(document_id=document.pk).first()
            except DatabaseError:
                if attempt == LOCK_ATTEMPTS - 1:
                    raise FlowLockFailed(f"Lock failed for {DocumentFlow}") from None
                time.sleep(((attempt + 1) * random.random() + 2**attempt) / 2.5)  # noqa: S311 (jitter, no secret)
            else:
                if process is None:
                    raise NoProcess()
                yield process
                return


# --- finding the task ----------------------------------------------------------------------------


def open_tasks(
    process: DocumentProcess | None, steps: Iterable[str] = HUMAN_STEPS, *, document_id: int = 0
) -> list[DocumentTask]:
    """The process's open tasks for `steps`; or, given `document_id` instead, those of the document's process
    (one statement, without reading the process first)."""
    of_process = (
        Q(process_id=process.pk)
        if process is not None
        else Q(process_id__in=DocumentProcess.objects.filter(document_id=document_id).values("pk"))
    )
    return list(
        DocumentTask.objects.filter(of_process, flow_task__in=[node(step) for step in steps], status__in=OPEN).order_by(
            "pk"
        )
    )


def may_take(*, task: DocumentTask, actor: Any, document: Document) -> bool:
    """Assigned to the actor, or unassigned and in the actor's queue."""
    if task.owner_id is not None:
        return task.owner_id == getattr(actor, "pk", None)
    return assignment.in_queue(user=actor, step=task.flow_task.name, document=document, unit_id=task.seed_object_id)


def _task_for(*, process: DocumentProcess | None, document: Document, actor: Any, action: str) -> DocumentTask:
    candidates = open_tasks(process, ACTION_STEPS[action], document_id=document.pk)
    if not candidates:
        msgid = "Văn bản đang ở trạng thái “%(status)s”: không có bước nào chờ thao tác này."
        raise InvalidTransition(
            msgid % {"status": document.get_status_display()},
            # the English at display (workflow.desk.error_message): the msgid and the status' label
            details={
                "status": document.status,
                "action": action,
                "msgid": msgid,
                "params": {"status": str(document.get_status_display())},
            },
        )
    for task in candidates:
        if may_take(task=task, actor=actor, document=document):
            return task
    raise PermissionDenied("Việc này không được giao cho bạn.")


# --- performing ----------------------------------------------------------------------------------


def _run_service(*, action: str, document: Document, actor: Any, comment: str, params: dict[str, Any]) -> Document:
    if action == "submit":
        reviewer = assignment.reviewer_for(document, requested=params.get("reviewer"))
        return services.document_submit(document=document, actor=actor, reviewer=reviewer)
    if action == "approve":
        return services.document_approve(document=document, actor=actor, comment=comment)
    if action == "return":
        return services.document_return(document=document, actor=actor, comment=comment)
    if action == "sign":
        if params.get("signed_pdf") is not None:
            return services.document_sign(
                document=document,
                actor=actor,
                signed_pdf=params["signed_pdf"],
                expected_version_id=params.get("expected_version_id"),
            )
        return services.document_sign(document=document, actor=actor)
    if action == "register":
        return services.document_register(document=document, actor=actor)
    if action == "issue":
        return services.document_issue(
            document=document,
            actor=actor,
            issued_pdf=params.get("issued_pdf"),
            attachment_pdfs=params.get("attachment_pdfs"),
        )
    if action == "archive":
        if params.get("dossier") is None:
            raise ValidationFailed("Chọn hồ sơ để lưu văn bản.", details={"field": "dossier"})
        return services.document_archive(
            document=document, actor=actor, dossier=params["dossier"], archived_pdf=params.get("archived_pdf")
        )
    if action == "recall":
        return services.document_recall(document=document, actor=actor, reason=params.get("reason") or comment)
    if action == "cancel":
        return services.document_cancel(document=document, actor=actor, reason=params.get("reason") or comment)
    raise ValidationFailed(f"Thao tác “{action}” không có.", details={"action": action})


def perform(*, document: Document, actor: Any, action: str, comment: str = "", **params: Any) -> Document:
    """Do one step of the document's flow as `actor`; returns the document as it is now.

    Raises documents.errors: PermissionDenied (403), NotFound (404), InvalidTransition or ConcurrentUpdate (409),
    ValidationFailed (400).
    """
    if action in COMPOUND_ACTIONS:
        return perform_steps(document=document, actor=actor, steps=COMPOUND_ACTIONS[action], comment=comment)
    if action not in ACTIONS:
        raise ValidationFailed(f"Thao tác “{action}” không có.", details={"action": action})
    require_visible(document=document, actor=actor)
    check_comment(value=comment)  # every interface's comment, before anything is locked or written
    check_comment(value=params.get("reason"), field="reason")
    try:
        return _perform_locked(document=document, actor=actor, action=action, comment=comment, params=params)
    except NoProcess:
        if not (document.status == Status.DRAFT and action in ("submit", "cancel") and document.drafter_id == actor.pk):
            raise
    start_process(document=document, actor=actor, new=True)  # a document made before the flow existed
    return _perform_locked(document=document, actor=actor, action=action, comment=comment, params=params)


def _perform_locked(*, document: Document, actor: Any, action: str, comment: str, params: dict[str, Any]) -> Document:
    if action in PROCESS_ACTIONS:
        return _perform_on_process(document=document, actor=actor, action=action, comment=comment, params=params)
    task: DocumentTask | None = None
    if action in RENDERING_ACTIONS:
        # Who may take the step is asked before rendering (never render for someone refused); under the lock
        # the task is read again. The other steps find their task under the lock only.
        task = _task_for(process=None, document=document, actor=actor, action=action)
        _prepare_pdf(document=document, actor=actor, action=action, params=params)
    try:
        with locked_process(document) as process, locks_last():
            return _complete(
                task=task,
                process=process,
                document=document,
                actor=actor,
                action=action,
                comment=comment,
                params=params,
            )
    except FlowLockFailed as exc:
        raise ConcurrentUpdate() from exc


class PartlyDone(DomainError):
    """A compound action stopped after some of its steps: what was done stays done (each step is its own
    transaction), the error of the step that failed is carried with the steps that succeeded."""

    def __init__(self, *, done: tuple[str, ...], error: DomainError, document: Document) -> None:
        super().__init__(error.message, details={**(error.details or {}), "done": list(done)})
        self.code, self.http_status = error.code, error.http_status
        self.done, self.error, self.document = done, error, document


def perform_steps(*, document: Document, actor: Any, steps: tuple[str, ...], comment: str = "") -> Document:
    """Several steps of the flow one after the other, e.g. register then issue: the clerk's one click where
    nothing needs to be chosen. Each step is `perform` (its own lock, transaction and audit event), so the
    sealed PDF of "issue" is rendered after the number exists and outside any lock (DESIGN §6). A failure
    after the first step raises PartlyDone: the document keeps its number and waits at the next step."""
    done: list[str] = []
    for step in steps:
        try:
            document = perform(document=document, actor=actor, action=step, comment=comment if not done else "")
        except DomainError as error:
            if not done:
                raise
            raise PartlyDone(done=tuple(done), error=error, document=document) from error
        done.append(step)
    return document


def _prepare_pdf(*, document: Document, actor: Any, action: str, params: dict[str, Any]) -> None:
    """Render and sign before any lock is taken (DESIGN §6): the step then only stores the bytes.

    The signer's PDF carries the version it was rendered from; `document_sign` refuses it if the
    content moved on meanwhile. Without keys (and without REQUIRE_DIGITAL_SIGNATURE) there is no PDF.
    """
    from signing import archive
    from signing import services as signing
    from signing.remote import SignsElsewhere, remote_backend_for

    if action == "sign" and params.get("signed_pdf") is None and remote_backend_for(actor) is not None:
        # The key is not on the server: the step waits for the person's tool or the remote service
        # (workflow.signature_requests.start); signing here without a PDF would bypass it.
        raise SignsElsewhere()
    if action == "sign" and params.get("signed_pdf") is None and signing.wants_digital_signature(actor=actor):
        params["signed_pdf"], params["expected_version_id"] = signing.prepare_signature(document=document, actor=actor)
    if action == "issue" and params.get("issued_pdf") is None and signing.wants_organization_seal(document=document):
        params["issued_pdf"] = signing.prepare_issue(document=document, actor=actor)
        # The draft's PDF attachments are signed by the clerk too, with the number and code (RULES.md).
        if params.get("attachment_pdfs") is None:
            params["attachment_pdfs"] = signing.prepare_attachment_seals(document=document, actor=actor)
    if action == "archive" and params.get("archived_pdf") is None and archive.wants_archive_copy(document=document):
        params["archived_pdf"] = archive.prepare_archive(document=document)


def _complete(
    *,
    task: DocumentTask | None,
    process: DocumentProcess,
    document: Document,
    actor: Any,
    action: str,
    comment: str,
    params: dict[str, Any],
) -> Document:
    """Inside the flow lock: re-read the task, take it, run the service, complete the task.

    Runs inside `locks_last()` (perform): what the service hands to `documents.locks.last` — the number, the audit
    event — is written after the task rows and the deadlines, as the last statements before commit.
    """
    if task is None:
        task = _task_for(process=process, document=document, actor=actor, action=action)
    else:
        seen = (task.status, task.owner_id)
        task.refresh_from_db()
        if task.status not in OPEN:
            raise ConcurrentUpdate("Việc này vừa được xử lý (có thể bởi người khác). Vui lòng tải lại trang.")
        # _task_for checked may_take on the task as it was: ask again only if someone took it meanwhile.
        if (task.status, task.owner_id) != seen and not may_take(task=task, actor=actor, document=document):
            raise ConcurrentUpdate("Việc này vừa được người khác nhận xử lý.")
    task.process = process  # as it is under the lock: viewflow would read it twice through task.process
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        # Taken and done in one write: viewflow's assign() saves the task, and execute() saves it again as done.
        task.owner = actor
        task.status = STATUS.ASSIGNED
    activation.start(None)
    step = task.flow_task.name
    consult_units = params.pop("consult_units", None)
    if consult_units is not None and action in ("submit", "approve"):
        _set_consult_units(activation.process, document=document, actor=actor, units=consult_units)
    if step == assignment.CONSULT_STEP:
        updated = _give_opinion(task=task, document=document, actor=actor, comment=comment)
    elif step == "unit_review" and action == "approve":
        updated = services.document_unit_approve(document=document, actor=actor, comment=comment)
    else:
        updated = _run_service(action=action, document=document, actor=actor, comment=comment, params=params)
    if step in MOVING_STEPS and updated.status == STEP_STATUS[step]:
        # The service did not move the document: the flow would run ahead of the FSM. Refuse loudly.
        logger.error("Flow step %s completed but document %s stayed %s", step, updated.pk, updated.status)
        raise InvalidTransition("Quy trình và trạng thái văn bản không khớp.", details={"step": step})
    task.data = {**(task.data or {}), "outcome": OUTCOMES.get(action, action), "comment": comment.strip()}
    with moving_on_from(updated) as moved:
        activation.execute()
    # This step's row closed, the next steps' opened, in one transaction; only "issue" writes deliveries.
    sync_deadlines(document_ids=[document.pk], deliveries=step == "issue", opened=(updated, moved.written))
    return updated


def _set_consult_units(process: DocumentProcess, *, document: Document, actor: Any, units: Iterable[Any]) -> None:
    """Which units are asked for their opinion before the signature (given at submit or at review)."""
    unit_ids = sorted({getattr(unit, "pk", unit) for unit in units or ()})
    if unit_ids:
        services.document_request_opinions(document=document, actor=actor, units=unit_ids)
    process.data = {**(process.data or {}), "consult_units": unit_ids}
    process.save(update_fields=["data"])


def _give_opinion(*, task: DocumentTask, document: Document, actor: Any, comment: str) -> Document:
    """A consulted unit's opinion: recorded on the task (by the caller) and by the documents service."""
    return services.document_give_opinion(document=document, actor=actor, unit_id=task.seed_object_id, comment=comment)


def _perform_on_process(
    *, document: Document, actor: Any, action: str, comment: str, params: dict[str, Any]
) -> Document:
    """recall / cancel: the service changes the document, then the process and its open tasks are cancelled."""
    try:
        with locked_process(document) as process, locks_last():
            updated = _run_service(action=action, document=document, actor=actor, comment=comment, params=params)
            if process.status != PROCESS.CANCELED:
                DocumentFlow.instance.cancel(process)
                process.refresh_from_db()
                process.data = {**(process.data or {}), "outcome": updated.status}
                process.save(update_fields=["data"])
            sync_deadlines(document_ids=[document.pk])
            return updated
    except FlowLockFailed as exc:
        raise ConcurrentUpdate() from exc


# --- several at once -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    document_id: int
    ok: bool
    status: str = ""
    code: str = ""
    message: str = ""
    http_status: int = 200


def bulk_perform(*, documents: Iterable[Document], actor: Any, action: str, comment: str = "") -> list[BulkResult]:
    """The same action on several documents, each in its own transaction; one failure does not stop the rest."""
    results = []
    for document in documents:
        try:
            updated = perform(document=document, actor=actor, action=action, comment=comment)
        except PartlyDone as exc:
            results.append(
                BulkResult(
                    document.pk,
                    ok=False,
                    status=exc.document.status,
                    code=exc.code,
                    message=exc.message,
                    http_status=exc.http_status,
                )
            )
        except DomainError as exc:
            results.append(
                BulkResult(document.pk, ok=False, code=exc.code, message=exc.message, http_status=exc.http_status)
            )
        else:
            results.append(BulkResult(document.pk, ok=True, status=updated.status))
    return results


# --- claim, reassign -----------------------------------------------------------------------------


def _locked_open_task(task: DocumentTask) -> DocumentTask:
    task.refresh_from_db()
    if task.status not in OPEN:
        raise ConcurrentUpdate("Việc này vừa được xử lý. Vui lòng tải lại trang.")
    return task


def claim(*, task: DocumentTask, actor: Any) -> DocumentTask:
    """Take an unassigned task from one's role queue."""
    try:
        with DocumentFlow.lock(task.process_id):
            task = _locked_open_task(task)
            document = task.document
            require_visible(document=document, actor=actor)
            if task.owner_id is not None:
                raise ConcurrentUpdate("Việc này đã có người nhận xử lý.")
            if not assignment.in_queue(
                user=actor, step=task.flow_task.name, document=document, unit_id=task.seed_object_id
            ):
                raise PermissionDenied("Bạn không thuộc nhóm xử lý việc này.")
            task.flow_task.activation_class(task).assign(actor)
            record_event(
                organization_id=document.organization_id,
                actor=actor,
                action="task.claim",
                obj=document,
                details={"task": task.pk, "step": task.flow_task.name},
            )
            return task
    except FlowLockFailed as exc:
        raise ConcurrentUpdate() from exc


def reassign(*, task: DocumentTask, actor: Any, to_user: Any) -> DocumentTask:
    """Hand an open task to someone else (assignment.may_reassign says who may, assignment.reassign_candidates
    to whom). Review: through documents.services.document_change_reviewer (the reviewer is part of the
    document). Draft and signature steps are personal (the drafter; the signer named on the document) and
    are not reassigned here. Audited as task.reassign.
    """
    try:
        with DocumentFlow.lock(task.process_id):
            task = _locked_open_task(task)
            document = task.document
            require_visible(document=document, actor=actor)
            step = task.flow_task.name
            where = {"step": step, "owner_id": task.owner_id, "unit_id": task.seed_object_id, "document": document}
            if not assignment.may_reassign(actor=actor, **where):
                raise PermissionDenied(
                    "Chỉ người đứng đầu cơ quan hoặc lãnh đạo trực tiếp của người đang xử lý được giao lại việc."
                )
            if step not in (*assignment.QUEUE_ROLES, assignment.CONSULT_STEP, "review"):
                raise ValidationFailed("Bước này không giao lại được: chỉ người được ghi trên văn bản mới xử lý.")
            if to_user is None or not assignment.reassign_candidates(**where).filter(pk=to_user.pk).exists():
                raise ValidationFailed(
                    "Người nhận phải là người có thể xử lý bước này, khác người đang xử lý và người soạn thảo.",
                    details={"field": "to_user"},
                )
            if step == "review":
                services.document_change_reviewer(document=document, actor=actor, reviewer=to_user)
            previous_owner = task.owner_id
            activation = task.flow_task.activation_class(task)
            if task.status == STATUS.NEW:
                activation.assign(to_user)
            else:
                activation.reassign(user=to_user)
            record_event(
                organization_id=document.organization_id,
                actor=actor,
                action="task.reassign",
                obj=document,
                details={"task": task.pk, "step": step, "from": previous_owner, "to": to_user.pk},
            )
            return task
    except FlowLockFailed as exc:
        raise ConcurrentUpdate() from exc
