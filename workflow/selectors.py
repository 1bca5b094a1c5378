"""Inbox reads: one indexed query per page, computed from Membership rows (DESIGN §6a).

Not guardian's get_objects_for_user, not viewflow's TaskQuerySet.queue/user_queue (which, with guardian
installed, loads every object permission of the user into memory).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from viewflow.workflow.status import STATUS

from documents.models import Urgency
from organizations.models import Membership, Role
from workflow.assignment import CONSULT_STEP, QUEUE_ROLES
from workflow.deadlines import task_deadline_annotations
from workflow.flows import HUMAN_STEPS, STEP_STATUS, node
from workflow.models import DocumentProcess, DocumentTask

KINDS = ("assigned", "queue", "submitted", "done")
DOC = "process__documentprocess__document"
URGENCY_RANK = {Urgency.NORMAL: 0, Urgency.KHAN: 1, Urgency.THUONG_KHAN: 2, Urgency.HOA_TOC: 3}

# Each ordering as its keyset key: (annotation or field, descending, nullable — NULLs sort last), so one
# definition gives both the ORDER BY and the cursor's row comparison (workflow.paging). `pk` ends every key,
# which makes it total.
_ASC, _DESC, _ASC_NULLS_LAST, _DESC_NULLS_LAST = (False, False), (True, False), (False, True), (True, True)
KEYS: dict[str, tuple[tuple[str, bool, bool], ...]] = {
    # soonest step deadline first (none last), the most urgent first among equals
    "deadline": (("due_at", *_ASC_NULLS_LAST), ("urgency_rank", *_DESC), ("created", *_ASC), ("pk", *_ASC)),
    "-deadline": (("due_at", *_DESC_NULLS_LAST), ("urgency_rank", *_DESC), ("created", *_ASC), ("pk", *_ASC)),
    "urgency": (("urgency_rank", *_DESC), ("due_at", *_ASC_NULLS_LAST), ("created", *_ASC), ("pk", *_ASC)),
    "created": (("created", *_ASC), ("pk", *_ASC)),
    "-created": (("created", *_DESC), ("pk", *_DESC)),
}
ORDERINGS = {
    name: tuple(
        (F(field).desc(nulls_last=True) if desc else F(field).asc(nulls_last=True))
        if nullable
        else (f"-{field}" if desc else field)
        for field, desc, nullable in key
    )
    for name, key in KEYS.items()
}
# A tab's order when none is asked for. "submitted" and "done" grow with a person's whole history: newest first
# is an index walk that stops at the page (index on viewflow_task (owner_id, status, created, id), migration
# workflow 0003), where the deadline order would sort every row of that history to show 25.
DEFAULT_ORDERING = {"assigned": "deadline", "queue": "deadline", "submitted": "-created", "done": "-created"}


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _base() -> QuerySet[DocumentTask]:
    return DocumentTask.objects.select_related(
        "owner",
        "process",
        f"{DOC}__organization",
        f"{DOC}__doc_type",
        f"{DOC}__drafter",
        f"{DOC}__drafting_unit",
    ).annotate(
        document_id=F(f"{DOC}__id"),
        urgency=F(f"{DOC}__urgency"),
        deadline=F(f"{DOC}__deadline"),
        doc_status=F(f"{DOC}__status"),
        organization_id=F(f"{DOC}__organization_id"),
        doc_type_id=F(f"{DOC}__doc_type_id"),
        **task_deadline_annotations(timezone.now()),
        urgency_rank=Case(
            *(When(Q(**{f"{DOC}__urgency": code}), then=Value(rank)) for code, rank in URGENCY_RANK.items()),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def _queue_task_ids(user: Any) -> list[int]:
    """Ids of the unassigned tasks waiting in the user's queues, as one UNION driven from the documents side.

    Clerk steps: documents of the organizations where the user is a clerk, in the state each step waits
    in (index on documents (organization, status)). Consultations: documents awaiting signature in the
    organizations of the user's units, tasks seeded with one of those units. Starting from documents
    keeps the cost flat however many open tasks other organizations have; the ids (a queue's worth) are
    then read as literals.
    """
    open_queue = DocumentTask.objects.filter(status=STATUS.NEW, owner__isnull=True)
    parts = []
    for role in sorted(set(QUEUE_ROLES.values())):
        organization_ids = list(
            Membership.objects.filter(user_id=user.pk, role=role, is_active=True).values_list(
                "organization_id", flat=True
            )
        )
        steps = [step for step, step_role in QUEUE_ROLES.items() if step_role == role]
        if organization_ids:
            processes = DocumentProcess.objects.filter(
                document__organization_id__in=organization_ids,
                document__status__in=sorted({STEP_STATUS[step] for step in steps}),
            )
            parts.append(
                open_queue.filter(flow_task__in=[node(step) for step in steps], process_id__in=processes.values("pk"))
            )
    units = list(
        Membership.objects.filter(user_id=user.pk, is_active=True, unit__isnull=False)
        .exclude(role=Role.AUDITOR)
        .values_list("unit_id", "organization_id")
    )
    if units:
        processes = DocumentProcess.objects.filter(
            document__organization_id__in=sorted({org for _, org in units}),
            document__status=STEP_STATUS[CONSULT_STEP],
        )
        parts.append(
            open_queue.filter(
                flow_task=node(CONSULT_STEP),
                seed_object_id__in=sorted({unit for unit, _ in units}),
                process_id__in=processes.values("pk"),
            )
        )
    if not parts:
        return []
    ids = [part.order_by().values_list("pk", flat=True) for part in parts]  # no ORDER BY inside a UNION
    # Read as literals: `pk IN (<union>)` makes PostgreSQL hash the union and scan every task row.
    return list(ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0])


def inbox_for(
    *,
    user: Any,
    kind: str = "assigned",
    urgency: str | None = None,
    doc_type: Any = None,
    organization: Any = None,
    overdue: bool | None = None,
    ordering: str | None = None,
) -> QuerySet[DocumentTask]:
    """Rows of the user's inbox tab. Each row is a DocumentTask with, query-free:

    `row.document` (with organization, doc_type, drafter, drafting_unit), `row.owner`, `row.flow_task` (the
    step; `row.step` its name, `row.flow_task.task_title` its Vietnamese title), and the annotations
    `document_id`, `urgency`, `deadline` (the document's hạn xử lý), `due_at` and `remind_at` (the step's own
    deadline and when it becomes "sắp đến hạn", workflow.deadlines), `is_overdue` (an open step past `due_at`),
    `doc_status`, `organization_id`, `doc_type_id`, `urgency_rank`. The default order is the tab's
    (DEFAULT_ORDERING): `due_at`, soonest first, for the open tabs; newest first for "submitted" and "done".

    kind: "assigned" (open tasks assigned to the user), "queue" (unassigned tasks of their roles' queues in their
    organizations), "submitted" (documents they drafted: each one's current step, or its last one when finished),
    "done" (tasks they finished).
    """
    return inbox_rows(
        user=user,
        kind=kind,
        urgency=urgency,
        doc_type=doc_type,
        organization=organization,
        overdue=overdue,
        ordering=ordering,
    )[0]


def inbox_rows(
    *,
    user: Any,
    kind: str = "assigned",
    urgency: str | None = None,
    doc_type: Any = None,
    organization: Any = None,
    overdue: bool | None = None,
    ordering: str | None = None,
) -> tuple[QuerySet[DocumentTask], QuerySet[DocumentTask]]:
    """inbox_for's rows, and the same rows bare for counting them (workflow.paging.capped_count): no joins but those
    the filters need, no annotation, no order. The rows' joins (the process, its document…) are inner joins the
    planner may answer by hashing every process when it counts, whatever the page."""
    if kind not in KINDS:
        raise ValueError(f"unknown inbox kind {kind!r}")
    ordering = ordering or DEFAULT_ORDERING.get(kind, "deadline")
    if ordering not in ORDERINGS:
        raise ValueError(f"unknown ordering {ordering!r}")
    conditions: list[Any] = []
    human = [node(step) for step in HUMAN_STEPS]
    if kind == "assigned":
        conditions.append(Q(owner_id=user.pk, status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)))
    elif kind == "queue":
        conditions.append(Q(pk__in=_queue_task_ids(user)))
    elif kind == "submitted":
        # The tip of each process: its tasks nothing follows (open steps, End, or the cancelled step).
        # The drafter's processes are read first (their own documents: an index on drafter), so the planner
        # does not hash every process of every organization to find them.
        processes = list(DocumentProcess.objects.filter(document__drafter_id=user.pk).values_list("pk", flat=True))
        # Only an open or cancelled task, or End, can be a tip: a finished step always has its next task (viewflow
        # creates it in the same transaction). Narrowing to those first leaves ~one candidate per process, each
        # checked with NOT EXISTS on viewflow_task_previous's to_task_id index — `leading__isnull` was a LEFT
        # JOIN that PostgreSQL answered by hashing all of viewflow_task_previous (every process's links).
        candidates = Q(process_id__in=processes) & (~Q(status=STATUS.DONE) | Q(flow_task=node("end")))
        followed = DocumentTask.previous.through.objects.filter(to_task_id=OuterRef("pk"))
        conditions += [candidates, ~Exists(followed), ~Q(flow_task=node("start"))]
    else:
        conditions.append(Q(owner_id=user.pk, status=STATUS.DONE, flow_task__in=human))
    if urgency:
        conditions.append(Q(**{f"{DOC}__urgency": urgency}))
    if doc_type:
        value = _pk(doc_type)
        key = "doc_type__code" if isinstance(value, str) and not value.isdigit() else "doc_type_id"
        conditions.append(Q(**{f"{DOC}__{key}": value}))
    if organization:
        conditions.append(Q(**{f"{DOC}__organization_id": _pk(organization)}))
    bare = DocumentTask.objects.all()
    if overdue is not None:
        conditions.append(Q(is_overdue=overdue))
        bare = bare.annotate(is_overdue=task_deadline_annotations(timezone.now())["is_overdue"])
    rows = _base().filter(*conditions).order_by(*ORDERINGS[ordering])
    return rows, bare.filter(*conditions)
