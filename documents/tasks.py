"""Celery tasks of the outbox (config/celery.py finds them): the after-commit dispatch and the periodic sweep.

Both are idempotent: the dispatcher skips what is delivered and locks what it delivers, so a task run twice,
or beside the sweep, delivers nothing twice.
"""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from documents import outbox


@shared_task(name="documents.dispatch_outbox", ignore_result=True, soft_time_limit=240)
def dispatch_outbox(document_id: int) -> dict[str, int]:
    """Deliver one document's pending events (sent after the commit that stored them)."""
    return asdict(outbox.dispatch_document(document_id))


@shared_task(name="documents.sweep_outbox", ignore_result=True, soft_time_limit=600)
def sweep_outbox() -> dict[str, int]:
    """Deliver whatever the after-commit dispatch missed, retry what fell due, purge old delivered events."""
    return asdict(outbox.sweep())
