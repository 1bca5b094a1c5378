"""Deadlines of human steps: which rule applies, the one function that computes a step's deadline, and keeping
a `StepDeadline` row beside every open step (docs/notifications.md, "Deadlines and reminders").

A step's deadline (`deadline_for`) is the earliest of:
* the deadline a leader gave when assigning an incoming document (`IncomingDocument.handling_deadline`), or else
  the most specific `DeadlineRule` counted in working time from when the step opened (organizations.calendar);
* the document's own hạn xử lý (`Document.deadline`, to the end of that day): a step never gets more time than
  the document has.
Neither → no deadline. The draft step takes a rule only when one names it (the first draft is the drafter's own
pace); every other rule without a step applies to every step.

Rows are made when a step opens — in the flow's own transaction (workflow.actions), after commit for the
receiving side (a domain-event consumer, since documents/ cannot call up into workflow/) — and by the sweep at
the start of `send_reminders`, which also closes the rows of steps that are over. Computed once: a rule changed
later applies to steps opened after it; a reassignment with a new deadline recomputes the handling step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Case, DateTimeField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_noop
from viewflow.workflow.status import STATUS

from core.shared_cache import forget, forget_on_change, read_through
from documents.events import DocumentEvent
from documents.models import Delivery, DeliveryKind, DeliveryStatus, Document, Urgency
from organizations.calendar import WorkingCalendar, WorkingTime, end_of_day
from organizations.models import Membership, Role
from workflow.flows import HUMAN_STEPS, node
from workflow.models import DeadlineRule, DeadlineSource, DocumentTask, DurationUnit, StepDeadline, StepKind

OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# The flow's human nodes, by the kind of step their rules name.
NODE_KINDS: dict[str, str] = {
    "draft": StepKind.DRAFT,
    "unit_review": StepKind.REVIEW,
    "review": StepKind.REVIEW,
    "consult": StepKind.CONSULT,
    "sign": StepKind.SIGN,
    "sign_kt": StepKind.SIGN,
    "register": StepKind.REGISTER,
    "issue": StepKind.ISSUE,
    "archive": StepKind.ARCHIVE,
}
# The receiving side: the delivery states in which each of its steps is open.
DELIVERY_STEPS: dict[str, tuple[str, ...]] = {
    StepKind.ACCEPT: (DeliveryStatus.ARRIVED,),
    StepKind.ASSIGN: (DeliveryStatus.ACCEPTED,),
    StepKind.HANDLE: (DeliveryStatus.ASSIGNED, DeliveryStatus.IN_PROGRESS),
}
# The arrivals boxes (documents.selectors.receiving_box) whose rows wait on a step with a deadline.
BOX_STEPS = {"arrivals": StepKind.ACCEPT, "to_assign": StepKind.ASSIGN, "handling": StepKind.HANDLE}
# What the sample rules of the demo say (seed_demo); real ones are data, edited in the admin.
DEMO_RULES: tuple[tuple[str, str, int, str], ...] = (
    # (urgency, step, amount, unit); "" = any
    (Urgency.HOA_TOC, "", 4, DurationUnit.HOURS),
    (Urgency.THUONG_KHAN, "", 1, DurationUnit.WORKING_DAYS),
    (Urgency.KHAN, "", 1, DurationUnit.WORKING_DAYS),
    ("", StepKind.REVIEW, 3, DurationUnit.WORKING_DAYS),
    ("", StepKind.CONSULT, 3, DurationUnit.WORKING_DAYS),
    ("", StepKind.SIGN, 3, DurationUnit.WORKING_DAYS),
    ("", StepKind.REGISTER, 1, DurationUnit.WORKING_DAYS),
    ("", StepKind.ISSUE, 1, DurationUnit.WORKING_DAYS),
    ("", StepKind.ACCEPT, 1, DurationUnit.WORKING_DAYS),
    ("", StepKind.ASSIGN, 1, DurationUnit.WORKING_DAYS),
    ("", StepKind.HANDLE, 10, DurationUnit.WORKING_DAYS),
)
STEP_TITLES = {kind.value: kind.label for kind in StepKind}
DUE_SOON, OVERDUE = "due_soon", "overdue"
STATE_LABELS = {DUE_SOON: gettext_noop("sắp đến hạn"), OVERDUE: gettext_noop("quá hạn")}


# --- rules -------------------------------------------------------------------------------------------------


RULES_KEY = "workflow:deadline-rules:1"
forget_on_change(RULES_KEY, DeadlineRule)


class RuleBook:
    """Every DeadlineRule, read once (one small query), asked per step."""

    def __init__(self, rules: Iterable[DeadlineRule]) -> None:
        self.rules = list(rules)

    @classmethod
    def load(cls) -> RuleBook:
        return cls(DeadlineRule.objects.all())

    @classmethod
    def cached(cls) -> RuleBook:
        """load() without its query while no rule has changed (core.shared_cache)."""
        return cls(read_through(RULES_KEY, lambda: list(DeadlineRule.objects.all())))

    def rule_for(self, *, organization_id: int | None, doc_type_id: int | None, urgency: str, step: str) -> Any:
        """The most specific matching rule: an organization's own beats the general one, then a document type,
        then an urgency, then a step. None when no rule matches."""

        def matches(rule: DeadlineRule) -> bool:
            return (
                rule.organization_id in (None, organization_id)
                and rule.doc_type_id in (None, doc_type_id)
                and rule.urgency in ("", urgency)
                and (rule.step == step or (rule.step == "" and step != StepKind.DRAFT))
            )

        def specificity(rule: DeadlineRule) -> tuple[int, int, int, int]:
            return (rule.organization_id is not None, rule.doc_type_id is not None, rule.urgency != "", rule.step != "")

        return max((rule for rule in self.rules if matches(rule)), key=specificity, default=None)


def load_demo_rules() -> int:
    """The demo's general rules (idempotent); returns how many were added."""
    existing = set(
        DeadlineRule.objects.filter(organization__isnull=True, doc_type__isnull=True).values_list("urgency", "step")
    )
    added = [
        DeadlineRule(urgency=urgency, step=step, amount=amount, unit=unit)
        for urgency, step, amount, unit in DEMO_RULES
        if (urgency, step) not in existing
    ]
    DeadlineRule.objects.bulk_create(added)
    forget(RULES_KEY)  # bulk_create sends no signal
    return len(added)


# --- the one function --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime | None
    source: str = ""


def deadline_for(
    *,
    step: str,
    opened_at: dt.datetime,
    organization_id: int | None,
    doc_type_id: int | None,
    urgency: str,
    document_deadline: dt.date | None,
    assigned_deadline: dt.date | None = None,
    rules: RuleBook | None = None,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """The deadline of one step (see the module's docstring): a leader's date or the rule, capped by the document."""
    candidates: list[Deadline] = []
    if assigned_deadline is not None:
        candidates.append(Deadline(end_of_day(assigned_deadline), DeadlineSource.ASSIGNMENT))
    else:
        rule = (rules or RuleBook.load()).rule_for(
            organization_id=organization_id, doc_type_id=doc_type_id, urgency=urgency, step=step
        )
        if rule is not None:
            duration = (
                WorkingTime(hours=rule.amount) if rule.unit == DurationUnit.HOURS else WorkingTime(days=rule.amount)
            )
            due = (calendar or WorkingCalendar.load()).add(opened_at, duration)
            candidates.append(Deadline(due, DeadlineSource.RULE))
    if document_deadline is not None:
        candidates.append(Deadline(end_of_day(document_deadline), DeadlineSource.DOCUMENT))
    if not candidates:
        return Deadline(None)
    return min(candidates, key=lambda deadline: deadline.due_at)


def reminder_times(
    *, opened_at: dt.datetime, due_at: dt.datetime, calendar: WorkingCalendar
) -> tuple[dt.datetime, dt.datetime]:
    """When "sắp đến hạn" is due (settings.DEADLINE_REMINDER_LEAD_HOURS of working time before, but never in the
    first half of the step's time) and when an overdue step goes to the leader (DEADLINE_ESCALATE_AFTER_HOURS of
    working time after the deadline; 0 = at once)."""
    lead = WorkingTime(hours=float(getattr(settings, "DEADLINE_REMINDER_LEAD_HOURS", 4)))
    remind_at = due_at
    if due_at > opened_at:
        remind_at = max(calendar.subtract(due_at, lead), opened_at + (due_at - opened_at) / 2)
    after = float(getattr(settings, "DEADLINE_ESCALATE_AFTER_HOURS", 0))
    escalate_at = calendar.add(due_at, WorkingTime(hours=after)) if after > 0 else due_at
    return min(remind_at, due_at), escalate_at


class _Computer:
    """Rules and calendar read at most once per sync, and only if a step needs a deadline."""

    def __init__(self) -> None:
        self._rules: RuleBook | None = None
        self._calendar: WorkingCalendar | None = None

    @property
    def rules(self) -> RuleBook:
        self._rules = self._rules or RuleBook.cached()
        return self._rules

    @property
    def calendar(self) -> WorkingCalendar:
        self._calendar = self._calendar or WorkingCalendar.cached()
        return self._calendar

    def row(self, *, document: Document, step: str, opened_at: dt.datetime, organization_id: int, **link: Any) -> Any:
        assigned_deadline = link.pop("assigned_deadline", None)
        deadline = deadline_for(
            step=step,
            opened_at=opened_at,
            organization_id=organization_id,
            doc_type_id=document.doc_type_id,
            urgency=document.urgency,
            document_deadline=document.deadline,
            assigned_deadline=assigned_deadline,
            rules=self.rules,
            calendar=self.calendar,
        )
        remind_at = escalate_at = None
        if deadline.due_at is not None:
            remind_at, escalate_at = reminder_times(opened_at=opened_at, due_at=deadline.due_at, calendar=self.calendar)
        return StepDeadline(
            document=document,
            step=step,
            opened_at=opened_at,
            due_at=deadline.due_at,
            source=deadline.source,
            remind_at=remind_at,
            escalate_at=escalate_at,
            **link,
        )


# --- keeping rows beside the open steps --------------------------------------------------------------------


def _scoped(queryset: QuerySet, document_ids: Iterable[int] | None, field: str) -> QuerySet:
    return queryset if document_ids is None else queryset.filter(**{f"{field}__in": list(document_ids)})


def sync_deadlines(
    *,
    document_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
    deliveries: bool = True,
    opened: tuple[Document, Iterable[DocumentTask]] | None = None,
) -> int:
    """Give every open human step its deadline row, close the rows of steps that are over, and recompute a
    handling step that was reassigned. Idempotent and safe to run concurrently (unique rows, conflicts
    ignored). `document_ids` limits it to some documents (after one of their steps); None sweeps everything.
    `deliveries=False` looks at the flow's tasks only: a flow step that wrote no delivery (all but "issue")
    saves the seven statements of the receiving side. `opened`: the document and the tasks its flow step has just
    written (workflow.flows.moving_on_from), given instead of reading the open tasks again. Returns the rows
    added."""
    now = now or timezone.now()
    ids = list(document_ids) if document_ids is not None else None
    computer = _Computer()
    added = _opened_rows(*opened, computer) if opened is not None else _open_task_rows(ids, computer)
    if deliveries:
        added += _open_delivery_rows(ids, computer)
    _close_finished(ids, now, deliveries=deliveries)
    if deliveries:
        _refresh_reassigned(ids, computer)
    return added


def _opened_rows(document: Document, tasks: Iterable[DocumentTask], computer: _Computer) -> int:
    """The rows of the human steps a flow step has just opened (all of them new: none has a row yet)."""
    rows = [
        computer.row(
            document=document,
            step=NODE_KINDS[task.flow_task.name],
            opened_at=task.created,
            organization_id=document.organization_id,
            task=task,
        )
        for task in tasks
        if task.flow_task.name in NODE_KINDS and task.status in OPEN_TASK
    ]
    StepDeadline.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _open_task_rows(document_ids: list[int] | None, computer: _Computer) -> int:
    tasks = _scoped(
        DocumentTask.objects.filter(
            status__in=OPEN_TASK, flow_task__in=[node(step) for step in HUMAN_STEPS], deadline_row__isnull=True
        ),
        document_ids,
        "process__documentprocess__document_id",
    ).select_related("process__documentprocess__document")
    rows = [
        computer.row(
            document=task.process.documentprocess.document,
            step=NODE_KINDS[task.flow_task.name],
            opened_at=task.created,
            organization_id=task.process.documentprocess.document.organization_id,
            task=task,
        )
        for task in tasks
    ]
    StepDeadline.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _open_delivery_rows(document_ids: list[int] | None, computer: _Computer) -> int:
    rows = []
    for step, statuses in DELIVERY_STEPS.items():
        # NOT EXISTS per delivery, not NOT IN over every row of the step: the table keeps years of closed rows.
        deliveries = _scoped(Delivery.objects.filter(status__in=statuses), document_ids, "document_id").exclude(
            Exists(StepDeadline.objects.filter(step=step, delivery_id=OuterRef("pk")))
        )
        if step != StepKind.ACCEPT:  # only an organization's registered copy is assigned and handled
            deliveries = deliveries.filter(kind=DeliveryKind.ORGANIZATION, incoming__isnull=False)
        for delivery in deliveries.select_related("document", "incoming"):
            incoming = getattr(delivery, "incoming", None) if step != StepKind.ACCEPT else None
            opened_at = {
                StepKind.ACCEPT: delivery.sent_at,
                StepKind.ASSIGN: incoming.registered_at if incoming else None,
                StepKind.HANDLE: incoming.assigned_at if incoming else None,
            }[step]
            if opened_at is None:
                continue
            rows.append(
                computer.row(
                    document=delivery.document,
                    step=step,
                    opened_at=opened_at,
                    organization_id=delivery.organization_id or delivery.document.organization_id,
                    delivery=delivery,
                    assigned_deadline=incoming.handling_deadline if step == StepKind.HANDLE else None,
                )
            )
    StepDeadline.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _close_finished(document_ids: list[int] | None, now: dt.datetime, *, deliveries: bool = True) -> None:
    open_rows = _scoped(StepDeadline.objects.filter(closed_at__isnull=True), document_ids, "document_id")
    open_rows.filter(task__isnull=False).exclude(task__status__in=OPEN_TASK).update(closed_at=now)
    for step, statuses in DELIVERY_STEPS.items() if deliveries else ():
        open_rows.filter(step=step, delivery__isnull=False).exclude(delivery__status__in=statuses).update(closed_at=now)


def _refresh_reassigned(document_ids: list[int] | None, computer: _Computer) -> None:
    """A leader who assigns again before the work started replaces the assignment and its deadline: the handling
    step is counted again from the new assignment, and its reminders may be sent again."""
    stale = (
        _scoped(StepDeadline.objects.filter(step=StepKind.HANDLE, closed_at__isnull=True), document_ids, "document_id")
        .filter(delivery__incoming__assigned_at__isnull=False)
        .exclude(opened_at=F("delivery__incoming__assigned_at"))
        .select_related("document", "delivery__incoming")
    )
    for row in stale:
        incoming = row.delivery.incoming
        fresh = computer.row(
            document=row.document,
            step=row.step,
            opened_at=incoming.assigned_at,
            organization_id=row.delivery.organization_id or row.document.organization_id,
            delivery=row.delivery,
            assigned_deadline=incoming.handling_deadline,
        )
        StepDeadline.objects.filter(pk=row.pk, opened_at=row.opened_at).update(
            opened_at=fresh.opened_at,
            due_at=fresh.due_at,
            source=fresh.source,
            remind_at=fresh.remind_at,
            escalate_at=fresh.escalate_at,
            reminded_before_at=None,
            reminded_after_at=None,
            escalated_at=None,
        )


def on_document_event(event: DocumentEvent) -> None:
    """Consumer of every domain event (subscribed in WorkflowConfig.ready): the document's steps may have moved."""
    if event.name.startswith("step_"):  # our own reminders change no step
        return
    # Not sent yet: the receiving side's steps have no rows to open, close or recompute (a delivery's rows go with
    # it). One statement instead of seven for every event before issue.
    sent = Delivery.objects.filter(document_id=event.document_id).exists()
    sync_deadlines(document_ids=[event.document_id], deliveries=sent)


# --- who is chased -----------------------------------------------------------------------------------------


def _active_members(**where: Any) -> set[int]:
    return set(
        Membership.objects.filter(is_active=True, user__is_active=True, **where)
        .exclude(role=Role.AUDITOR)
        .values_list("user_id", flat=True)
    )


def assignees_of(row: StepDeadline) -> set[int]:
    """Who holds the step: the task's owner, or its queue (the clerks; the consulted unit); for the receiving side
    the people documents.services lets act (clerks or the person or unit addressed; the leader it was passed to,
    else the heads; the person in charge, else the unit in charge)."""
    if row.task_id is not None:
        task = row.task
        if task.owner_id is not None:
            return {task.owner_id}
        if task.flow_task.name == "consult":
            return _active_members(unit_id=task.seed_object_id)
        return _active_members(organization_id=row.document.organization_id, role=Role.CLERK)
    delivery = row.delivery
    incoming = getattr(delivery, "incoming", None)
    if row.step == StepKind.ACCEPT:
        if delivery.kind == DeliveryKind.PERSON:
            return {delivery.person_id}
        if delivery.kind == DeliveryKind.UNIT:
            return _active_members(unit_id=delivery.unit_id)
        return _active_members(organization_id=delivery.organization_id, role=Role.CLERK)
    if row.step == StepKind.ASSIGN:
        if incoming is not None and incoming.leader_id:
            return {incoming.leader_id}
        return _active_members(organization_id=delivery.organization_id, role=Role.HEAD)
    if incoming is not None and incoming.assigned_person_id:
        return {incoming.assigned_person_id}
    return _active_members(unit_id=incoming.assigned_unit_id) if incoming and incoming.assigned_unit_id else set()


def step_organization_id(row: StepDeadline) -> int:
    """Where the step is worked: the issuing organization for the flow, the receiving one for an arrival."""
    if row.delivery_id is not None and row.delivery.organization_id:
        return row.delivery.organization_id
    return row.document.organization_id


def step_title(row: StepDeadline) -> str:
    if row.task_id is not None and row.task.flow_task is not None:
        return str(row.task.flow_task.task_title)
    return str(STEP_TITLES.get(row.step, row.step))


def is_open(row: StepDeadline) -> bool:
    if row.task_id is not None:
        return row.task.status in OPEN_TASK
    return row.delivery.status in DELIVERY_STEPS[row.step]


# --- what the inboxes show ---------------------------------------------------------------------------------


def deadline_state(*, due_at: dt.datetime | None, remind_at: dt.datetime | None, now: dt.datetime) -> str:
    """ "overdue", "due_soon" or "" for a row of an inbox."""
    if due_at is None:
        return ""
    if due_at <= now:
        return OVERDUE
    return DUE_SOON if remind_at is not None and remind_at <= now else ""


def with_deadlines(deliveries: QuerySet[Delivery], *, box: str) -> QuerySet[Delivery]:
    """An arrivals box's rows with `due_at` and `remind_at` of the step they wait on, soonest first, none last
    (the same order as the task inbox). Boxes without a step (done, recall) keep their order."""
    step = BOX_STEPS.get(box)
    if step is None:
        return deliveries.annotate(
            due_at=Value(None, output_field=DateTimeField()), remind_at=Value(None, output_field=DateTimeField())
        )
    rows = StepDeadline.objects.filter(delivery_id=OuterRef("pk"), step=step, closed_at__isnull=True)
    return deliveries.annotate(
        due_at=Subquery(rows.values("due_at")[:1]), remind_at=Subquery(rows.values("remind_at")[:1])
    ).order_by(F("due_at").asc(nulls_last=True), "-status_at", "-pk")


def open_deadline_of(delivery: Delivery) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(due_at, remind_at) of the step one delivery waits on, for a page or an API detail (one query)."""
    row = (
        StepDeadline.objects.filter(delivery_id=delivery.pk, closed_at__isnull=True)
        .order_by("-opened_at")
        .values_list("due_at", "remind_at")
        .first()
    )
    return row or (None, None)


def task_deadline_annotations(now: dt.datetime) -> dict[str, Any]:
    """`due_at`, `remind_at` and `is_overdue` of a DocumentTask row, read from its deadline row (a join)."""
    return {
        "due_at": F("deadline_row__due_at"),
        "remind_at": F("deadline_row__remind_at"),
        "is_overdue": Case(
            When(Q(deadline_row__closed_at__isnull=True, deadline_row__due_at__lte=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    }
