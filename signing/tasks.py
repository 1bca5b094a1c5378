"""Celery tasks of signing. Without a broker (tests, `make run`) CELERY_TASK_ALWAYS_EAGER runs them in place,
after the transaction that queued them has committed."""

from __future__ import annotations

import logging

from celery import shared_task

from documents.errors import DomainError
from signing import remote

logger = logging.getLogger(__name__)


@shared_task(name="signing.tasks.complete_csc_request", ignore_result=True)
def complete_csc_request(request_id: int) -> str:
    """Wait for the CSC service's signature of one request and complete its step; a refusal is recorded on the
    request (its reason is shown to the signer), not raised to the worker."""
    try:
        remote.complete_remote(request_id)
    except DomainError as error:
        logger.info("Signature request %s not completed: %s", request_id, error.code)
        return error.code
    return "completed"


@shared_task(name="signing.tasks.expire_signature_requests", ignore_result=True)
def expire_signature_requests() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): waiting signature requests past their deadline are closed as expired."""
    return remote.expire_due()
