"""The transactional outbox: domain events stored with the change, delivered to every consumer after commit.

Why: an event dispatched from memory after commit is lost when the process dies between the commit and the
dispatch. Here the event is a row written in the caller's transaction (`enqueue`), so it exists exactly when
the change committed. After commit it is dispatched in-process, or by a Celery task when a broker is
configured (`OUTBOX_DISPATCH`); the periodic `sweep` delivers whatever either of them missed.

What the dispatcher guarantees (docs/notifications.md, "The outbox"):

* at least once per (event, consumer): `OutboxDelivery` records each consumer's delivery, in the same
  transaction as the consumer's own writes; consumers de-duplicate by `DocumentEvent.key`;
* in order per document and consumer: a consumer gets a document's next event only once the earlier ones
  were delivered to it (or given up on);
* one dispatcher at a time per document: a dispatcher claims the document's oldest pending events for a
  lease (`OUTBOX_CLAIM_SECONDS`, renewed after each event) in a short transaction that locks them
  `FOR UPDATE SKIP LOCKED` on PostgreSQL (on SQLite, `BEGIN IMMEDIATE` serialises it like every writer);
  a dispatcher that cannot claim the oldest pending event leaves the document to the one that has it, and
  a claim left by a dead dispatcher runs out and the sweep takes over. Consumers run outside that claim's
  transaction, so a slow consumer never holds a lock a lifecycle step would wait for;
* a failing consumer is retried alone, with exponential back-off; after `OUTBOX_MAX_ATTEMPTS` it is given
  up on: logged as an error and listed in the admin ("Sự kiện chờ chuyển", filter "lỗi").
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from audit.services import record_event
from documents.events import DocumentEvent, Handler, consumers
from documents.locks import set_lock_timeout
from documents.models import OutboxDelivery, OutboxEvent

logger = logging.getLogger(__name__)

# How many pending events of one document one transaction takes; more are taken by the next round.
BATCH_SIZE = 100
# How many documents one sweep visits; the next sweep goes on from there.
SWEEP_DOCUMENTS = 500
DISPATCH_MODES = ("inline", "celery")


@dataclass
class DispatchReport:
    """What one dispatch or sweep did, for logs, the command's output and tests."""

    delivered: int = 0  # (event, consumer) deliveries that succeeded
    retrying: int = 0  # deliveries that failed and wait for their next attempt
    given_up: int = 0  # deliveries that failed for the last time
    events_done: int = 0  # events delivered to (or given up by) every consumer
    purged: int = 0  # delivered events deleted by the retention

    def __iadd__(self, other: DispatchReport) -> DispatchReport:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def enqueue(event: DocumentEvent) -> OutboxEvent:
    """Write the event in the caller's transaction (one INSERT) and ask for its dispatch after commit."""
    row = OutboxEvent.objects.create(
        key=uuid.UUID(event.key) if event.key else uuid.uuid4(),
        name=event.name,
        document_id=event.document_id,
        organization_id=event.organization_id,
        actor_id=event.actor_id,
        from_state=event.from_state,
        to_state=event.to_state,
        data=event.data,
    )
    transaction.on_commit(partial(_dispatch_after_commit, event.document_id))
    return row


def _dispatch_after_commit(document_id: int) -> None:
    """In-process (embedded default) or through the broker; a failure here is left to the sweep."""
    try:
        if settings.OUTBOX_DISPATCH == "celery":
            from documents.tasks import dispatch_outbox

            dispatch_outbox.delay(document_id)
        else:
            dispatch_document(document_id)
    except Exception:  # the change is committed and its events are stored: the sweep delivers them later
        logger.exception("Outbox: dispatch of document %s after commit failed; the sweep will retry", document_id)


def as_event(row: OutboxEvent) -> DocumentEvent:
    """The event as consumers see it, whichever path delivers it: read back from the row, with its key."""
    return DocumentEvent(
        name=row.name,
        document_id=row.document_id,
        organization_id=row.organization_id,
        actor_id=row.actor_id,
        from_state=row.from_state,
        to_state=row.to_state,
        data=row.data,
        key=str(row.key),
    )


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: OUTBOX_RETRY_SECONDS doubled per failure, capped at OUTBOX_RETRY_MAX_SECONDS."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _pending(document_id: int) -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(document_id=document_id, dispatched_at__isnull=True).order_by("id")


def _claim(document_id: int, dispatcher: str) -> list[OutboxEvent]:
    """Claim this document's oldest pending events for one lease; [] when another dispatcher is at work on it.

    A short transaction: the rows are locked `FOR UPDATE SKIP LOCKED` only while the claim is written, so
    consumers run without holding locks that a lifecycle step on the same document would wait for. The
    document is ours only if its oldest pending event is among the rows we claimed: otherwise a newer event
    could overtake an older one that another dispatcher is delivering.
    """
    with transaction.atomic():
        set_lock_timeout()
        now = timezone.now()
        pending = _pending(document_id)
        free = pending.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        if connection.features.has_select_for_update_skip_locked:
            free = free.select_for_update(skip_locked=True)
        # SQLite has no row locks: the transaction holds the database's write lock (BEGIN IMMEDIATE) instead.
        batch = list(free[:BATCH_SIZE])
        if not batch or batch[0].pk != pending.values_list("id", flat=True).first():
            return []
        until = now + dt.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
        OutboxEvent.objects.filter(pk__in=[row.pk for row in batch]).update(claimed_by=dispatcher, claimed_until=until)
    return batch


def _deliver_to(row: OutboxEvent, event: DocumentEvent, record: OutboxDelivery, handler: Handler) -> str:
    """One attempt of one consumer: its writes and its delivery record commit together. Returns the outcome:
    "delivered", "retrying" or "given_up"."""
    with transaction.atomic():
        record.attempts += 1
        now = timezone.now()
        try:
            with transaction.atomic():  # a savepoint: a failing consumer's writes go, its record stays
                handler(event)
        except Exception as exc:
            record.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if record.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                record.gave_up_at, record.next_attempt_at = now, None
                outcome = "given_up"
                logger.error(
                    "Outbox: gave up delivering %s (event %s, document %s) to %s after %d attempts: %s",
                    row.name,
                    row.key,
                    row.document_id,
                    record.consumer,
                    record.attempts,
                    record.last_error,
                    exc_info=exc,
                )
            else:
                record.next_attempt_at = now + backoff(record.attempts)
                outcome = "retrying"
                logger.warning(
                    "Outbox: %s failed on %s (event %s, attempt %d/%d), next attempt at %s",
                    record.consumer,
                    row.name,
                    row.key,
                    record.attempts,
                    settings.OUTBOX_MAX_ATTEMPTS,
                    record.next_attempt_at.isoformat(),
                    exc_info=exc,
                )
        else:
            record.delivered_at, record.next_attempt_at = timezone.now(), None
            outcome = "delivered"
        record.save()
    return outcome


def _deliver(batch: list[OutboxEvent], dispatcher: str) -> DispatchReport:
    """Hand each claimed event, oldest first, to every consumer that does not have it yet."""
    report = DispatchReport()
    registry = consumers()
    records = {(d.event_id, d.consumer): d for d in OutboxDelivery.objects.filter(event__in=batch)}
    waiting: set[str] = set()  # consumers with an earlier event of this document still to deliver
    for row in batch:
        event = as_event(row)
        complete = True
        for name, handler in registry:
            record = records.get((row.pk, name)) or OutboxDelivery(event=row, consumer=name)
            if record.delivered_at or record.gave_up_at:
                continue
            if name in waiting or (record.next_attempt_at and record.next_attempt_at > timezone.now()):
                waiting.add(name)
                complete = False
                continue
            outcome = _deliver_to(row, event, record, handler)
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome == "retrying":
                waiting.add(name)
                complete = False
        now = timezone.now()
        if complete:
            OutboxEvent.objects.filter(pk=row.pk).update(dispatched_at=now, claimed_by="", claimed_until=None)
            report.events_done += 1
        # The claim on the rest of the batch is renewed after each event: a long batch keeps its lease.
        OutboxEvent.objects.filter(claimed_by=dispatcher, dispatched_at__isnull=True).update(
            claimed_until=now + dt.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
        )
    return report


def dispatch_document(document_id: int) -> DispatchReport:
    """Deliver this document's pending events, in order, until none is left that is due.

    Goes round again while new events arrive (committed while we delivered the earlier ones), so a burst on
    one document is delivered by the dispatcher that holds it, not left to the sweep.
    """
    report = DispatchReport()
    dispatcher = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    seen: set[int] = set()
    try:
        while batch := _claim(document_id, dispatcher):
            if all(row.pk in seen for row in batch):
                break  # nothing new: what is left waits for a retry
            seen.update(row.pk for row in batch)
            report += _deliver(batch, dispatcher)
    finally:  # what is still pending is free for the next dispatcher at once, not when the lease runs out
        OutboxEvent.objects.filter(claimed_by=dispatcher).update(claimed_by="", claimed_until=None)
    return report


def documents_with_pending_events(limit: int = SWEEP_DOCUMENTS) -> list[int]:
    """Documents with undelivered events, the longest-waiting first."""
    rows = (
        OutboxEvent.objects.filter(dispatched_at__isnull=True)
        .values("document_id")
        .annotate(oldest=Min("id"))
        .order_by("oldest")
    )
    return [row["document_id"] for row in rows[:limit]]


def sweep() -> DispatchReport:
    """The periodic pass (Celery beat, `manage.py dispatch_outbox`, cron): deliver whatever the after-commit
    dispatch missed (a crash, a broker outage, a retry that fell due), then apply the retention."""
    report = DispatchReport()
    for document_id in documents_with_pending_events():
        try:
            report += dispatch_document(document_id)
        except Exception:  # one document's trouble must not stop the sweep of the others
            logger.exception("Outbox: sweeping document %s failed", document_id)
    report.purged = purge_delivered()
    return report


def purge_delivered() -> int:
    """Delete events delivered to every consumer more than OUTBOX_RETENTION_DAYS ago (given-up ones stay)."""
    cutoff = timezone.now() - dt.timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    old = OutboxEvent.objects.filter(dispatched_at__lt=cutoff).exclude(deliveries__gave_up_at__isnull=False)
    purged = 0
    while ids := list(old.values_list("id", flat=True)[:1000]):  # short transactions, whatever the backlog
        with transaction.atomic():
            OutboxDelivery.objects.filter(event_id__in=ids).delete()
            OutboxEvent.objects.filter(id__in=ids).delete()
        purged += len(ids)
    return purged


def retry_given_up(*, event_ids: Iterable[int], actor: Any) -> int:
    """Give the deliveries that were given up on a new round of attempts (the admin's action); audited.

    The event becomes pending again and is delivered after commit; if newer events of its document were
    delivered meanwhile, this one arrives after them.
    """
    with transaction.atomic():
        records = list(
            OutboxDelivery.objects.select_for_update()
            .select_related("event")
            .filter(event_id__in=list(event_ids), gave_up_at__isnull=False)
            .order_by("event_id", "consumer")
        )
        by_event: dict[int, list[str]] = {}
        for record in records:
            by_event.setdefault(record.event_id, []).append(record.consumer)
        OutboxDelivery.objects.filter(pk__in=[r.pk for r in records]).update(
            attempts=0, gave_up_at=None, next_attempt_at=None
        )
        OutboxEvent.objects.filter(pk__in=by_event).update(dispatched_at=None)
        events = {r.event_id: r.event for r in records}
        for event_id, names in by_event.items():
            row = events[event_id]
            record_event(
                organization_id=row.organization_id,
                actor=actor,
                action="outbox.retry",
                obj=row,
                details={"event": row.name, "key": str(row.key), "document": row.document_id, "consumers": names},
            )
            transaction.on_commit(partial(_dispatch_after_commit, row.document_id))
    return len(records)
