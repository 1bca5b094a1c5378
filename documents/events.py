"""Domain events: plain dataclasses, published after the transaction that caused them commits.

Consumers (notifications, the flow) subscribe with `subscribe`; no Django signals carry business logic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentEvent:
    name: str  # document_submitted, document_signed, document_issued, …
    document_id: int
    organization_id: int
    actor_id: int | None
    from_state: str
    to_state: str
    data: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[DocumentEvent], None]
_handlers: list[Handler] = []


def subscribe(handler: Handler) -> Handler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def publish_on_commit(event: DocumentEvent) -> None:
    transaction.on_commit(lambda: _dispatch(event))


def _dispatch(event: DocumentEvent) -> None:
    for handler in list(_handlers):
        try:
            handler(event)
        except Exception:  # a consumer's failure must not undo or hide a committed change
            logger.exception("Event handler %r failed for %s", handler, event.name)


def unsubscribe(handler: Handler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)
