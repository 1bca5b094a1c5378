"""Reminders before and after each step's deadline, and escalation of an overdue step to the assignee's leader.

`send_reminders` is what `manage.py send_reminders` and the Celery task `workflow.tasks.send_reminders` run.
Each reminder is sent once, however often it runs and however many copies run at once: the step's
`StepDeadline` row is locked (FOR UPDATE, SKIP LOCKED on PostgreSQL; SQLite takes its write lock at BEGIN),
its mark is set, and the audit event and the domain event (which becomes the stored notification and the
e-mail, notifications.services) are written in that same transaction. A copy that comes second finds the mark
set, or the row locked and skips it. A crash before the commit sends nothing and marks nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from audit.services import record_event
from documents.events import DocumentEvent, publish_on_commit
from organizations.models import User
from organizations.selectors import leaders_of
from workflow.deadlines import assignees_of, is_open, step_organization_id, step_title, sync_deadlines
from workflow.models import StepDeadline

logger = logging.getLogger(__name__)

DUE_SOON, OVERDUE, ESCALATED = "step_due_soon", "step_overdue", "step_escalated"


def _waiting(now: dt.datetime) -> list[int]:
    """Ids of the open steps one of whose reminders is due (index on due_at of the open rows)."""
    due = (
        Q(reminded_before_at__isnull=True, remind_at__lte=now, due_at__gt=now)
        | Q(reminded_after_at__isnull=True, due_at__lte=now)
        | Q(escalated_at__isnull=True, escalate_at__lte=now)
    )
    return list(
        StepDeadline.objects.filter(closed_at__isnull=True, due_at__isnull=False)
        .filter(due)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def send_reminders(*, now: dt.datetime | None = None) -> Counter[str]:
    """Sweep the steps' deadlines (sync_deadlines), then send what is due; returns how many of each were sent."""
    now = now or timezone.now()
    sync_deadlines(now=now)
    sent: Counter[str] = Counter()
    for pk in _waiting(now):
        sent.update(remind_step(pk=pk, now=now))
    return sent


@transaction.atomic
def remind_step(*, pk: int, now: dt.datetime) -> list[str]:
    """One step's due reminders, marked and announced in one transaction (the row lock is held until commit).
    Returns the names of the reminders sent."""
    row = (
        StepDeadline.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("document", "task", "delivery", "delivery__incoming", "task__process", "task__owner")
        .filter(pk=pk, closed_at__isnull=True, due_at__isnull=False)
        .first()
    )
    if row is None:  # another run holds it, or it closed meanwhile
        return []
    if not is_open(row):
        StepDeadline.objects.filter(pk=row.pk).update(closed_at=now)
        return []
    assignees = assignees_of(row)
    sent: list[str] = []
    if row.reminded_before_at is None and row.remind_at is not None and row.remind_at <= now < row.due_at:
        row.reminded_before_at = now
        sent.append(_announce(row, name=DUE_SOON, recipients=assignees, assignees=assignees))
    if row.reminded_after_at is None and row.due_at <= now:
        row.reminded_after_at = now
        row.reminded_before_at = row.reminded_before_at or now  # too late for "due soon": it is not sent any more
        sent.append(_announce(row, name=OVERDUE, recipients=assignees, assignees=assignees))
    if row.escalated_at is None and row.escalate_at is not None and row.escalate_at <= now:
        row.escalated_at = now
        leaders = leaders_of(user_ids=assignees, organization_id=step_organization_id(row))
        sent.append(_announce(row, name=ESCALATED, recipients=leaders, assignees=assignees))
    row.save(update_fields=["reminded_before_at", "reminded_after_at", "escalated_at"])
    return [name for name in sent if name]


def _announce(row: StepDeadline, *, name: str, recipients: set[int], assignees: set[int]) -> str:
    """The audit event and the domain event of one reminder, in the caller's transaction; "" if nobody is told
    (a step nobody holds, an assignee with no leader in the organization): it stays marked, never retried."""
    if not recipients:
        logger.info("No one to tell for %s of step deadline %s", name, row.pk)
        return ""
    with translation.override("vi"):
        title = step_title(row)
    names = ", ".join(
        sorted(str(user) for user in User.objects.filter(pk__in=assignees).only("full_name", "username", "first_name"))
    )
    details: dict[str, Any] = {
        "step_deadline": row.pk,
        "step": row.step,
        "step_title": title,
        "due_at": row.due_at.isoformat(),
        "recipients": sorted(recipients),
    }
    record_event(
        organization_id=step_organization_id(row),
        actor=None,
        action=f"deadline.{name.removeprefix('step_')}",
        obj=row.document,
        details=details,
    )
    document = row.document
    publish_on_commit(
        DocumentEvent(
            name=name,
            document_id=document.pk,
            organization_id=document.organization_id,
            actor_id=None,
            from_state=document.status,
            to_state=document.status,
            data=details | {"assignee": names},
        )
    )
    return name
