"""The leaders' dashboard: what an organization issued, how long its steps take, what is late, whether its
documents are acknowledged, what waits at its door. Numbers only (counts and durations), per organization.

Who may open it: the head and deputies of an organization, and its auditors (read only, like everything they
do). Everything here is counted inside that organization, in a fixed number of queries (pinned in tests).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import Delivery, DeliveryStatus, Document, Origin
from documents.selectors import ISSUED_OR_LATER, receiving_counts
from organizations.models import Membership, Organization, Role
from workflow.flows import HUMAN_STEPS, node
from workflow.models import DocumentTask, StepDeadline

DASHBOARD_ROLES = (Role.HEAD, Role.DEPUTY, Role.AUDITOR)
MONTHS = 12
# Not yet sent anywhere: a delivery waiting in the exchange queue does not count as sent.
NOT_SENT = (DeliveryStatus.QUEUED,)


def dashboard_organizations(*, user: Any) -> QuerySet[Organization]:
    """The organizations whose dashboard `user` may open: where they are head, deputy or auditor."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    ids = Membership.objects.filter(user_id=user.pk, role__in=DASHBOARD_ROLES, is_active=True).values("organization_id")
    return Organization.objects.filter(pk__in=ids).order_by("name")


def _months(today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The first day of each of the last `count` months, oldest first, this month last."""
    year, month = today.year, today.month
    firsts = []
    for _step in range(count):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _month_key(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return dt.date(value.year, value.month, 1)


@dataclass
class StepTime:
    step: str
    title: str
    count: int
    median_hours: float
    p90_hours: float


@dataclass
class MonthRow:
    month: dt.date
    issued: int = 0
    sent: int = 0
    acknowledged: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.acknowledged / self.sent, 1) if self.sent else None


@dataclass
class Dashboard:
    organization: Organization
    months: list[MonthRow]
    steps: list[StepTime]
    overdue: list[tuple[str, int]]
    waiting: dict[str, int]
    totals: dict[str, Any] = field(default_factory=dict)

    def chart_data(self) -> dict[str, Any]:
        """What the page's charts draw (json_script): the same numbers as its tables."""
        return {
            "months": [f"{row.month:%m/%Y}" for row in self.months],
            "issued": [row.issued for row in self.months],
            "rate": [row.rate for row in self.months],
            "steps": [row.title for row in self.steps],
            "median": [row.median_hours for row in self.steps],
            "p90": [row.p90_hours for row in self.steps],
            "units": [name for name, _count in self.overdue],
            "overdue": [count for _name, count in self.overdue],
            "waiting_labels": [str(label) for label in self.waiting_labels().values()],
            "waiting": [self.waiting.get(box, 0) for box in self.waiting_labels()],
        }

    @staticmethod
    def waiting_labels() -> dict[str, Any]:
        return WAITING_BOXES


WAITING_BOXES = {
    "arrivals": _("Chờ tiếp nhận"),
    "to_assign": _("Chờ phân công"),
    "handling": _("Đang xử lý"),
    "recall": _("Đề nghị thu hồi"),
}


def _quantile(values: list[float], q: float) -> float:
    """The q-quantile (0 < q < 1) by linear interpolation, like PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def issued_and_acknowledged(*, organization: Organization, today: dt.date) -> list[MonthRow]:
    """Per month of issue (12 months): documents issued, deliveries sent, deliveries acknowledged. Two queries."""
    months = _months(today)
    rows = {month: MonthRow(month=month) for month in months}
    issued = (
        Document.objects.filter(
            organization_id=organization.pk,
            origin=Origin.INTERNAL,
            status__in=ISSUED_OR_LATER,
            issue_date__gte=months[0],
            issue_date__lte=today,
        )
        .annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    for row in issued:
        rows[_month_key(row["month"])].issued = row["n"]
    deliveries = (
        Delivery.objects.filter(
            document__organization_id=organization.pk,
            document__origin=Origin.INTERNAL,
            document__issue_date__gte=months[0],
            document__issue_date__lte=today,
        )
        .exclude(status__in=NOT_SENT)
        .annotate(month=TruncMonth("document__issue_date"))
        .values("month")
        .annotate(sent=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)))
    )
    for row in deliveries:
        month = rows[_month_key(row["month"])]
        month.sent, month.acknowledged = row["sent"], row["acknowledged"]
    return [rows[month] for month in months]


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate percentile_cont(q) WITHIN GROUP (ORDER BY value): linear interpolation,
    as `_quantile`. `q` is a constant of this module, written into the SQL as a float literal."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float) -> None:
        if not 0 <= float(fraction) <= 1:
            raise ValueError("fraction must lie in [0, 1]")
        super().__init__(expression, fraction=repr(float(fraction)))


def _step_tasks(*, organization: Organization, since: dt.datetime) -> QuerySet[DocumentTask]:
    return DocumentTask.objects.filter(
        process__documentprocess__document__organization_id=organization.pk,
        finished__isnull=False,
        finished__gte=since,
        flow_task__in=[node(step) for step in HUMAN_STEPS],
    )


def _step_time(step_node: Any, count: int, median: float, p90: float) -> StepTime:
    name = getattr(step_node, "name", str(step_node))
    return StepTime(
        step=name,
        title=str(getattr(step_node, "task_title", "") or name),
        count=count,
        median_hours=round(median, 1),
        p90_hours=round(p90, 1),
    )


def step_times(*, organization: Organization, since: dt.datetime) -> list[StepTime]:
    """Median and 90th percentile of the time each human step of the flow took (task created → finished),
    for the organization's documents, tasks finished since `since`. One query. On PostgreSQL the quantiles are
    computed there (percentile_cont, grouped by step: one row a step whatever the year holds); elsewhere every
    duration is read and `_quantile` interpolates the same way."""
    tasks = _step_tasks(organization=organization, since=since)
    found = _quantiles_in_database(tasks) if connection.vendor == "postgresql" else _quantiles_in_python(tasks)
    return sorted(found, key=lambda row: HUMAN_STEPS.index(row.step))


def _quantiles_in_database(tasks: QuerySet[DocumentTask]) -> list[StepTime]:
    # Seconds as Python's timedelta.total_seconds() gives them, never negative, in hours.
    seconds = Func(F("finished") - F("created"), template="EXTRACT(EPOCH FROM %(expressions)s)")
    hours = Greatest(Func(seconds, template="%(expressions)s::double precision"), Value(0.0)) / Value(3600.0)
    rows = (
        tasks.order_by()
        .values("flow_task")
        .annotate(n=Count("pk"), median=PercentileCont(hours, 0.5), p90=PercentileCont(hours, 0.9))
        .values_list("flow_task", "n", "median", "p90")
    )
    return [_step_time(*row) for row in rows]


def _quantiles_in_python(tasks: QuerySet[DocumentTask]) -> list[StepTime]:
    durations: dict[str, tuple[Any, list[float]]] = {}
    for step_node, created, finished in tasks.values_list("flow_task", "created", "finished"):
        name = getattr(step_node, "name", str(step_node))
        durations.setdefault(name, (step_node, []))[1].append(max((finished - created).total_seconds(), 0) / 3600)
    return [
        _step_time(step_node, len(hours), statistics.median(hours), _quantile(hours, 0.9))
        for step_node, hours in durations.values()
    ]


def overdue_by_unit(*, organization: Organization, now: dt.datetime) -> list[tuple[str, int]]:
    """Open steps past their deadline (workflow.StepDeadline) worked in this organization, by unit: a flow step
    by the unit of the person holding it, an arrival's step by the unit put in charge. One query."""
    holder_unit = Membership.objects.filter(
        user_id=OuterRef("task__owner_id"),
        organization_id=organization.pk,
        is_active=True,
        unit__isnull=False,
    ).values("unit__name")[:1]
    rows = (
        StepDeadline.objects.filter(closed_at__isnull=True, due_at__lt=now)
        .filter(
            Q(task__isnull=False, document__organization_id=organization.pk)
            | Q(delivery__isnull=False, delivery__organization_id=organization.pk)
        )
        .annotate(unit_name=Coalesce(Subquery(holder_unit), F("delivery__incoming__assigned_unit__name"), Value("")))
        .values("unit_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_name")
    )
    return [(row["unit_name"] or "—", row["n"]) for row in rows]


def dashboard_for(
    *,
    user: Any,
    organization: Organization,
    now: dt.datetime | None = None,
    counts: dict[str, int] | None = None,
) -> Dashboard:
    """Everything the page shows for one organization (the caller checked it is one of
    `dashboard_organizations`). Six queries whatever the volume."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    months = issued_and_acknowledged(organization=organization, today=today)
    since = timezone.make_aware(dt.datetime.combine(months[0].month, dt.time.min))
    steps = step_times(organization=organization, since=since)
    overdue = overdue_by_unit(organization=organization, now=now)
    if counts is None:  # the page passes the counts its header already reads (one query for both)
        counts = receiving_counts(user=user)
    waiting = {box: counts.get(box, 0) for box in WAITING_BOXES}
    sent = sum(row.sent for row in months)
    acknowledged = sum(row.acknowledged for row in months)
    totals = {
        "issued": sum(row.issued for row in months),
        "sent": sent,
        "acknowledged": acknowledged,
        "rate": round(100 * acknowledged / sent, 1) if sent else None,
        "overdue": sum(count for _name, count in overdue),
        "waiting": counts.get("waiting", 0),
    }
    return Dashboard(
        organization=organization, months=months, steps=steps, overdue=overdue, waiting=waiting, totals=totals
    )
