"""The approval flow of an outgoing document (viewflow 2).

Start (drafter) → Draft → Review (deputy / unit lead) → If(signer is the head) → Sign (head) | Sign KT. (deputy)
→ Register (clerk: number and date) → Issue (clerk: distribution) → Archive → End, with Return edges from
Review and Sign back to Draft. Cancel (from draft or review) and recall (from issued) end the process as
cancelled (Flow.cancel).

The flow routes work; it never writes a document's state. Human steps are completed by
`workflow.actions.perform`, which calls the matching `documents.services` function inside the flow lock and
only then completes the task. If the flow and the document disagree, the service's FSM refuses and the step
fails with a 409: the FSM wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.shortcuts import redirect
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes import IfActivation, SplitActivation, ViewActivation
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from documents.models import Document
from organizations.models import Unit
from workflow import assignment
from workflow.models import DocumentProcess, DocumentTask

APPROVE = "approve"
RETURN = "return"
SIGN = "sign"


def task_page(request: Any, process_pk: int, task_pk: int, **kwargs: Any) -> Any:
    """If viewflow's own frontend is ever mounted, its "execute" link lands on our task page."""
    return redirect("workflow:task", task_pk=task_pk)


class _Step:
    """The step just done, while the flow moves on from it (workflow.actions._complete): the document as its
    service left it, and the tasks the nodes after it open, written together when the flow stops moving."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.tasks: list[DocumentTask] = []  # unsaved, in the order the nodes were reached
        self.links: list[tuple[DocumentTask, DocumentTask]] = []  # (task, the task before it)
        self.written: list[DocumentTask] = []  # what write() wrote: the steps opened (workflow.deadlines)

    def write(self) -> None:
        """Two statements for every task the step opened: one INSERT of the tasks (primary keys come back, in
        order), one of their links — viewflow writes two per task and node, one after the other."""
        if self.tasks:
            DocumentTask.objects.bulk_create(self.tasks)
            self.written += self.tasks
        if self.links:
            link = DocumentTask.previous.through
            link.objects.bulk_create(
                [link(from_task_id=task.pk, to_task_id=before.pk) for task, before in self.links], ignore_conflicts=True
            )
        self.tasks, self.links = [], []


_step: ContextVar[_Step | None] = ContextVar("workflow_step", default=None)


@contextmanager
def moving_on_from(document: Document) -> Iterator[_Step]:
    """While the flow runs the nodes after a step, its gateways and assignments read `document` (saved by the
    service a moment ago, under the flow lock) instead of reading it again for each node, and the tasks they
    open are written together at the end (nothing reads them before: the flow lock is held). The step it yields
    lists them (`written`) once the block is over."""
    step = _Step(document)
    token = _step.set(step)
    try:
        yield step
        step.write()
    finally:
        _step.reset(token)


def _write(task: Any, before: Any) -> None:
    """Save a new task and its link to the task before it: at once, or with the step's others (moving_on_from)."""
    step = _step.get()
    if step is None:
        task.save()
        task.previous.add(before)
        return
    step.tasks.append(task)
    step.links.append((task, before))


def _flush() -> None:
    """A node that saves its own task (a split, a join) needs the tasks before it written first."""
    step = _step.get()
    if step is not None:
        step.write()


def _current_document(activation: Any) -> Document:
    step = _step.get()
    if step is not None and step.document.pk == activation.process.document_id:
        return step.document
    # Re-read: the service that just ran changed the row after the process instance was loaded.
    return Document.objects.select_related("signer", "reviewer", "drafter").get(pk=activation.process.document_id)


def _new_task(flow_task: Any, prev_activation: Any, token: Any, data: Any, seed: Any) -> Any:
    task = flow_task.flow_class.task_class(process=prev_activation.process, flow_task=flow_task, token=token)
    task.flow_task_type = flow_task.task_type  # Task.save() would set it; bulk_create does not call save()
    task.data = data if data is not None else {}
    task.seed = seed
    return task


class _Pending:
    """viewflow keeps activations in sets, hashed by their task's primary key: one not written yet has none."""

    task: Any

    def __hash__(self) -> int:
        return hash(self.task) if self.task.pk is not None else id(self.task)


class StepActivation(_Pending, ViewActivation):
    """A human step, opened as viewflow's View opens it (assigned to its owner when the node names one), its
    row written with the step's others (_write)."""

    @classmethod
    def create(cls, flow_task: Any, prev_activation: Any, token: Any, data: Any = None, seed: Any = None) -> Any:
        activation = cls(_new_task(flow_task, prev_activation, token, data, seed))
        task = activation.task
        owner_permission = flow_task.calc_owner_permission(activation)
        if owner_permission:
            task.owner_permission = owner_permission
            task.owner_permission_obj = flow_task.calc_owner_permission_obj(activation)
        owner = flow_task.calc_owner(activation)
        if owner:
            task.owner, task.status = owner, STATUS.ASSIGNED
        _write(task, prev_activation.task)
        if flow_task._on_create is not None:
            flow_task._on_create(activation)
        return activation


class Step(flow.View):
    activation_class = StepActivation


class DecideActivation(_Pending, IfActivation):
    """An exclusive gateway decided as it is created: its row is written once, already done (viewflow inserts it,
    then updates it twice inside a savepoint). The condition only reads (the document, the task before)."""

    previous_task: Any = None

    @classmethod
    def create(cls, flow_task: Any, prev_activation: Any, token: Any, data: Any = None, seed: Any = None) -> Any:
        activation = cls(_new_task(flow_task, prev_activation, token, data, seed))
        activation.previous_task = prev_activation.task
        activation._condition_result = flow_task._condition(activation)
        activation.task.status = STATUS.DONE
        activation.task.finished = now()
        _write(activation.task, prev_activation.task)
        return activation


class Decide(flow.If):
    activation_class = DecideActivation


class FinishActivation(_Pending, EndActivation):
    """The end of this flow, which has no parallel branch left open when it is reached (the consultations join
    before the signature): the process is finished and the End row written done, in two statements (viewflow
    counts the open tasks inside a savepoint, and saves the process and its row twice)."""

    @classmethod
    def create(cls, flow_task: Any, prev_activation: Any, token: Any, data: Any = None, seed: Any = None) -> Any:
        activation = cls(_new_task(flow_task, prev_activation, token, data, seed))
        task, process = activation.task, activation.process
        task.status, task.started = STATUS.DONE, now()
        task.finished = task.started
        process.status, process.finished = PROCESS.DONE, task.started
        process.save(update_fields=["status", "finished"])
        _write(task, prev_activation.task)
        return activation


class Finish(flow.End):
    activation_class = FinishActivation


def _previous_outcome(activation: Any) -> str:
    previous = activation.previous_task  # the human step the gateway follows (DecideActivation)
    return (previous.data or {}).get("outcome", "")


class ConsultSplitActivation(SplitActivation):
    """One parallel "consult" task per unit listed in process.data["consult_units"] (seed = the unit)."""

    @classmethod
    def create(cls, flow_task: Any, prev_activation: Any, token: Any, data: Any = None, seed: Any = None) -> Any:
        _flush()  # the split saves its row as it goes: the gateway before it must exist
        return super().create(flow_task, prev_activation, token, data=data, seed=seed)

    @Activation.status.super()
    def activate(self) -> None:
        unit_ids = (self.process.data or {}).get("consult_units") or []
        if not unit_ids:
            raise FlowRuntimeError("No unit to consult")
        units = Unit.objects.filter(pk__in=unit_ids).order_by("pk")
        self.next_tasks = [(self.flow_task._consult_node, unit) for unit in units]

    @Activation.status.super()
    def create_next(self) -> Any:
        tokens = Token.split_token_source(self.task.token, self.task.pk)
        for consult_node, unit in self.next_tasks:
            yield consult_node._create(prev_activation=self, token=next(tokens), data={"unit": unit.pk}, seed=unit)


class ConsultSplit(flow.Split):
    """Split into one consultation task per consulted unit (xin ý kiến), joined before the signature."""

    activation_class = ConsultSplitActivation

    def __init__(self, consult_node: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._consult_node = consult_node
        self.Next(consult_node)

    def _resolve(self, instance: Any) -> None:
        super()._resolve(instance)
        self._consult_node = this.resolve(instance, self._consult_node)


class DocumentFlow(flow.Flow):
    """Văn bản đi

    Soạn thảo, duyệt, ký, cấp số, phát hành và lưu hồ sơ một văn bản đi.
    """

    process_class = DocumentProcess
    task_class = DocumentTask
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_document).Annotation(title=_("Tạo dự thảo")).Next(this.draft)

    draft = (
        Step(task_page).Annotation(title=_("Soạn thảo, trình duyệt")).Assign(this.drafter_of).Next(this.review_levels)
    )

    # A second review level where the organization wants one: the unit lead, then the deputy.
    review_levels = (
        Decide(this.has_unit_review).Annotation(title=_("Duyệt hai cấp?")).Then(this.unit_review).Else(this.review)
    )
    unit_review = (
        Step(task_page).Annotation(title=_("Duyệt cấp đơn vị")).Assign(this.unit_reviewer_of).Next(this.unit_reviewed)
    )
    unit_reviewed = (
        Decide(this.was_approved).Annotation(title=_("Đơn vị duyệt hay trả lại?")).Then(this.review).Else(this.draft)
    )

    review = Step(task_page).Annotation(title=_("Duyệt nội dung")).Assign(this.reviewer_of).Next(this.reviewed)
    reviewed = (
        Decide(this.was_approved).Annotation(title=_("Duyệt hay trả lại?")).Then(this.consulting).Else(this.draft)
    )

    # Optional parallel consultation of other units before the signature (xin ý kiến).
    consulting = (
        Decide(this.has_consult_units)
        .Annotation(title=_("Xin ý kiến?"))
        .Then(this.consult_split)
        .Else(this.signer_is_head)
    )
    consult_split = ConsultSplit(this.consult).Annotation(title=_("Gửi xin ý kiến"))
    consult = Step(task_page).Annotation(title=_("Cho ý kiến")).Next(this.consult_join)
    consult_join = flow.Join().Annotation(title=_("Tổng hợp ý kiến")).Next(this.signer_is_head)

    signer_is_head = (
        Decide(this.head_signs).Annotation(title=_("Người đứng đầu ký?")).Then(this.sign).Else(this.sign_kt)
    )
    sign = Step(task_page).Annotation(title=_("Ký ban hành")).Assign(this.signer_of).Next(this.signed)
    sign_kt = Step(task_page).Annotation(title=_("Ký thay (KT.)")).Assign(this.signer_of).Next(this.signed)
    signed = Decide(this.was_signed).Annotation(title=_("Ký hay trả lại?")).Then(this.register).Else(this.draft)

    register = Step(task_page).Annotation(title=_("Cấp số, ngày")).Next(this.issue)
    issue = Step(task_page).Annotation(title=_("Phát hành")).Next(this.archive)
    archive = Step(task_page).Annotation(title=_("Lưu hồ sơ")).Next(this.end)

    end = Finish().Annotation(title=_("Hoàn thành"))

    # --- start --------------------------------------------------------------------------------

    def start_document(self, activation: Any, document: Document) -> DocumentProcess:
        activation.process.document = document
        return activation.process

    # --- assignment ---------------------------------------------------------------------------

    def drafter_of(self, activation: Any) -> Any:
        return _current_document(activation).drafter

    def unit_reviewer_of(self, activation: Any) -> Any:
        return _current_document(activation).unit_reviewer

    def reviewer_of(self, activation: Any) -> Any:
        # documents.services.document_submit stored the reviewer chosen by workflow.assignment (leave applied).
        return _current_document(activation).reviewer

    def signer_of(self, activation: Any) -> Any:
        return _current_document(activation).signer

    # --- gateways -----------------------------------------------------------------------------

    def has_unit_review(self, activation: Any) -> bool:
        # documents.services.document_submit names a unit reviewer only where two levels are wanted.
        return _current_document(activation).unit_reviewer_id is not None

    def was_approved(self, activation: Any) -> bool:
        return _previous_outcome(activation) == APPROVE

    def was_signed(self, activation: Any) -> bool:
        return _previous_outcome(activation) == SIGN

    def has_consult_units(self, activation: Any) -> bool:
        return bool((activation.process.data or {}).get("consult_units"))

    def head_signs(self, activation: Any) -> bool:
        document = _current_document(activation)
        return assignment.is_head(user=document.signer, organization_id=document.organization_id)


# Human steps, in order; which document state each one expects (the FSM is the truth).
HUMAN_STEPS = ("draft", "unit_review", "review", "consult", "sign", "sign_kt", "register", "issue", "archive")
STEP_STATUS = {
    "draft": "draft",
    "unit_review": "in_review",
    "review": "in_review",
    "consult": "awaiting_signature",
    "sign": "awaiting_signature",
    "sign_kt": "awaiting_signature",
    "register": "signed",
    "issue": "registered",
    "archive": "issued",
}
# Steps whose completion must move the document: not the consultation (an opinion) nor the first review level
# (the document stays in review for the deputy).
MOVING_STEPS = frozenset(STEP_STATUS) - {"consult", "unit_review"}


def node(name: str) -> Any:
    return getattr(DocumentFlow, name)
