"""Domain events: plain dataclasses, stored with the change that caused them and delivered after it commits.

Services call `publish_on_commit`; the event is written to the outbox (`documents.outbox`) in the caller's
transaction, so it exists exactly when the change committed, and is handed to every consumer after the
commit — at least once, in order per document (docs/notifications.md, "The outbox").

Consumers (notifications, exchange, e-mail) subscribe with `subscribe(handler, name=…)`, usually in their
`AppConfig.ready`; no Django signals carry business logic. The name is stable: the outbox records per
(event, consumer) that a delivery happened, so a failing consumer is retried alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    # The outbox row's stable id (a UUID string), set on delivery: a consumer that sees the same key twice
    # has already handled the event (delivery is at least once). None before the event is stored.
    key: str | None = None


Handler = Callable[[DocumentEvent], None]
_consumers: dict[str, Handler] = {}


def default_name(handler: Handler) -> str:
    """`module.qualname` of the handler: stable across processes for a module-level function."""
    module = getattr(handler, "__module__", None) or ""
    qualname = getattr(handler, "__qualname__", None) or type(handler).__qualname__
    return f"{module}.{qualname}" if module else qualname


def subscribe(handler: Handler, *, name: str | None = None) -> Handler:
    """Register a consumer under a stable name (default: its dotted path); returns the handler.

    Subscribing the same handler twice is a no-op. An explicit name already held by another handler is
    refused: two consumers sharing a name would share their delivery records.
    """
    if any(held == handler for held in _consumers.values()):
        return handler
    if name is not None:
        if name in _consumers:
            raise ValueError(f"An event consumer named {name!r} is already subscribed.")
    else:
        # Ad-hoc handlers (a test's list.append) may share a derived name: number the later ones.
        base = name = default_name(handler)
        count = 1
        while name in _consumers:
            count += 1
            name = f"{base}#{count}"
    _consumers[name] = handler
    return handler


def unsubscribe(handler: Handler) -> None:
    for name, held in list(_consumers.items()):
        if held == handler:
            del _consumers[name]


def consumers() -> list[tuple[str, Handler]]:
    """(name, handler) of every consumer, in the order they subscribed."""
    return list(_consumers.items())


def publish_on_commit(event: DocumentEvent) -> None:
    """Store the event in the caller's transaction; it is dispatched after commit (or by the sweep)."""
    from documents.outbox import enqueue  # the outbox needs the models; events must not, at import time

    enqueue(event)
