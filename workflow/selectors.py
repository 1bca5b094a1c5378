"""Inbox reads: one indexed query per page, computed from Membership rows (DESIGN §6a).

Not guardian's get_objects_for_user, not viewflow's TaskQuerySet.queue/user_queue (which, with guardian
installed, loads every object permission of the user into memory).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from viewflow.workflow.status import STATUS

from documents.models import Document, Urgency
from organizations.models import Membership, Role
from workflow.assignment import CONSULT_STEP, QUEUE_ROLES
from workflow.deadlines import task_deadline_annotations
from workflow.flows import HUMAN_STEPS, STEP_STATUS, node
from workflow.models import DocumentProcess, DocumentTask
from workflow.paging import narrow_by

KINDS = ("assigned", "queue", "submitted", "done")
DOC = "process__documentprocess__document"
URGENCY_RANK = {Urgency.NORMAL: 0, Urgency.KHAN: 1, Urgency.THUONG_KHAN: 2, Urgency.HOA_TOC: 3}

# Each ordering as its keyset key: (annotation or field, descending, nullable — NULLs sort last), so one
# definition gives both the ORDER BY and the cursor's row comparison (workflow.paging). `pk` ends every key,
# which makes it total. `listed_at` is the moment a row is listed by (inbox_rows): the task's creation, but the
# document's in "submitted", so that tab's pages can be read from the drafter's documents newest first.
_ASC, _DESC, _ASC_NULLS_LAST, _DESC_NULLS_LAST = (False, False), (True, False), (False, True), (True, True)
KEYS: dict[str, tuple[tuple[str, bool, bool], ...]] = {
    # soonest step deadline first (none last), the most urgent first among equals
    "deadline": (("due_at", *_ASC_NULLS_LAST), ("urgency_rank", *_DESC), ("listed_at", *_ASC), ("pk", *_ASC)),
    "-deadline": (("due_at", *_DESC_NULLS_LAST), ("urgency_rank", *_DESC), ("listed_at", *_ASC), ("pk", *_ASC)),
    "urgency": (("urgency_rank", *_DESC), ("due_at", *_ASC_NULLS_LAST), ("listed_at", *_ASC), ("pk", *_ASC)),
    "created": (("listed_at", *_ASC), ("pk", *_ASC)),
    "-created": (("listed_at", *_DESC), ("pk", *_DESC)),
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
# is an index walk that stops at the page (for "done" the index on viewflow_task (owner_id, status, created, id),
# migration workflow 0003; for "submitted" documents (drafter, created_at), migration documents 0021), where the
# deadline order would sort every row of that history to show 25.
DEFAULT_ORDERING = {"assigned": "deadline", "queue": "deadline", "submitted": "-created", "done": "-created"}


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _base(now: dt.datetime) -> QuerySet[DocumentTask]:
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
        **task_deadline_annotations(now),
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
    `doc_status`, `organization_id`, `doc_type_id`, `urgency_rank`, `listed_at` (what "created" orders by: the
    task's creation; in "submitted" the document's). The default order is the tab's (DEFAULT_ORDERING): `due_at`,
    soonest first, for the open tabs; newest first for "submitted" (newest documents) and "done" (newest tasks).

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
    planner may answer by hashing every process when it counts, whatever the page.

    The "submitted" rows carry a narrowing for workflow.paging.keyset_page (paging.narrow_by): in the orders by
    `listed_at`, a page reads only the documents it needs (_submitted_narrowing)."""
    if kind not in KINDS:
        raise ValueError(f"unknown inbox kind {kind!r}")
    ordering = ordering or DEFAULT_ORDERING.get(kind, "deadline")
    if ordering not in ORDERINGS:
        raise ValueError(f"unknown ordering {ordering!r}")
    now = timezone.now()
    documents = _document_filters(urgency=urgency, doc_type=doc_type, organization=organization)
    on_document = [Q(**{f"{DOC}__{field}": value}) for field, value in documents.items()]
    task_conditions: list[Any] = []  # the row's own conditions, checked per task wherever the tab is read from
    if overdue is not None:
        task_conditions.append(Q(is_overdue=overdue))
    human = [node(step) for step in HUMAN_STEPS]
    if kind == "assigned":
        conditions = [Q(owner_id=user.pk, status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED))]
    elif kind == "queue":
        conditions = [Q(pk__in=_queue_task_ids(user))]
    elif kind == "submitted":
        return _submitted(user, ordering, documents, task_conditions, now)
    else:
        conditions = [Q(owner_id=user.pk, status=STATUS.DONE, flow_task__in=human)]
    conditions += on_document + task_conditions
    bare = _with_overdue(DocumentTask.objects.all(), task_conditions, now)
    rows = _base(now).annotate(listed_at=F("created")).filter(*conditions).order_by(*ORDERINGS[ordering])
    return rows, bare.filter(*conditions)


def _document_filters(*, urgency: str | None, doc_type: Any, organization: Any) -> dict[str, Any]:
    """The filters that are the document's, as lookups on Document."""
    lookups: dict[str, Any] = {}
    if urgency:
        lookups["urgency"] = urgency
    if doc_type:
        value = _pk(doc_type)
        lookups["doc_type__code" if isinstance(value, str) and not value.isdigit() else "doc_type_id"] = value
    if organization:
        lookups["organization_id"] = _pk(organization)
    return lookups


def _with_overdue(tasks: QuerySet[DocumentTask], task_conditions: list[Any], now: dt.datetime) -> QuerySet:
    if not task_conditions:
        return tasks
    return tasks.annotate(is_overdue=task_deadline_annotations(now)["is_overdue"])


def _tips() -> list[Any]:
    """The tip of a process: its tasks nothing follows (open steps, End, or the cancelled step).

    Only an open or cancelled task, or End, can be a tip: a finished step always has its next task (viewflow
    creates it in the same transaction). That first condition is the predicate of the partial index on
    viewflow_task (process_id) (migration workflow 0004), so each process's one or few candidates are read from
    it, then checked with NOT EXISTS on viewflow_task_previous's to_task_id index."""
    followed = DocumentTask.previous.through.objects.filter(to_task_id=OuterRef("pk"))
    return [~Q(status=STATUS.DONE) | Q(flow_task=node("end")), ~Exists(followed), ~Q(flow_task=node("start"))]


def _submitted(
    user: Any,
    ordering: str,
    documents: dict[str, Any],
    task_conditions: list[Any],
    now: dt.datetime,
) -> tuple[QuerySet[DocumentTask], QuerySet[DocumentTask]]:
    """The "submitted" tab: the tips of the processes of the documents the user drafted, listed by the document's
    creation, so that their cost follows the page and not the drafter's history:

    - the rows are the tips of the processes of a set of the drafter's documents: all of them, or, in the orders by
      `listed_at`, only those the page needs (keyset_page asks _submitted_narrowing for them);
    - the count looks the drafter's documents up by id (an index-only read of documents (drafter, …)) and stops at
      COUNT_CAP + 1 rows.

    The documents and processes go in as `= ANY(ARRAY(…))` on PostgreSQL: the planner does not guess the array's
    size, so it looks each one up by index (with `IN (…)` of ~600 documents it hashed every row of
    workflow_documentprocess), and the condition is on the task's own process_id, so the joins the rows select
    stay LEFT joins in their written order: a filter through them made them inner joins, and planning the page
    then took 3× as long as running it."""
    tips = _tips()
    mine = Document.objects.filter(drafter_id=user.pk, **documents)

    def of(documents: QuerySet[Document]) -> Any:
        """The tasks of these documents' processes, as a condition on the task's own process_id."""
        return _among("process_id", DocumentProcess.objects.filter(_among("document_id", documents)))

    def rows_of(documents: QuerySet[Document]) -> QuerySet[DocumentTask]:
        return (
            _base(now)
            .annotate(listed_at=F(f"{DOC}__created_at"))
            .filter(of(documents), *tips, *task_conditions)
            .order_by(*ORDERINGS[ordering])
        )

    rows = rows_of(mine)
    if KEYS[ordering][0][0] == "listed_at":
        narrowing = _submitted_narrowing(mine, rows_of, tips, task_conditions, now, newest_first=ordering[0] == "-")
        rows = narrow_by(rows, narrowing)
    bare = _with_overdue(DocumentTask.objects.all(), task_conditions, now)
    return rows, bare.filter(of(mine), *tips, *task_conditions)


class _EqualsAny(Lookup):
    """`lhs = ANY(rhs)`, rhs an array (PostgreSQL)."""

    lookup_name = "equals_any"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _among(field: str, rows: QuerySet) -> Any:
    """`field` is the pk of one of `rows`, as an array on PostgreSQL (see _submitted), else `IN`."""
    if connection.vendor == "postgresql":
        return Q(_EqualsAny(F(field), ArraySubquery(rows.order_by().values("pk"))))
    return Q(**{f"{field}__in": rows.order_by().values("pk")})


EARLIEST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def _submitted_narrowing(
    mine: QuerySet[Document],
    rows_of: Callable[[QuerySet[Document]], QuerySet[DocumentTask]],
    tips: list[Any],
    task_conditions: list[Any],
    now: dt.datetime,
    *,
    newest_first: bool,
) -> Callable[[list[Any] | None, bool, int], QuerySet[DocumentTask]]:
    """The rows of only the documents a "submitted" page needs.

    Reading `needed` rows beyond the cursor (or from the start) in the order of `listed_at` (the document's
    creation), each of the drafter's documents that has a row gives at least one: so the rows are within the
    documents from the cursor's to the `needed`-th such document beyond it, ties on its creation included. That
    document's creation is found by walking documents (drafter, created_at) from the cursor with LIMIT (a few index
    and EXISTS probes per document), and bounds the range of documents read; no bound when there are fewer.
    """

    def narrow(values: list[Any] | None, forward: bool, needed: int) -> QuerySet[DocumentTask]:
        descending = newest_first == forward
        has_row = _with_overdue(DocumentTask.objects.filter(**{f"{DOC}_id": OuterRef("pk")}), task_conditions, now)
        walk = mine.filter(Exists(has_row.filter(*tips, *task_conditions)))
        documents = mine
        if values is not None:
            walk = walk.filter(**{f"created_at__{'lt' if descending else 'gt'}": values[0]})
            documents = documents.filter(**{f"created_at__{'lte' if descending else 'gte'}": values[0]})
        edge = walk.order_by("-created_at" if descending else "created_at").values("created_at")[needed - 1 : needed]
        bound = Coalesce(Subquery(edge), Value(EARLIEST if descending else LATEST), output_field=DateTimeField())
        return rows_of(documents.filter(**{f"created_at__{'gte' if descending else 'lte'}": bound}))

    return narrow
