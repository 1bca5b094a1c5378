"""Row locks, one helper per kind. Hold them briefly: never render, sign or send while holding one.

Hot locks last (docs/numbering.md, docs/audit.md): the counter row and the audit chain head are taken by the
last statements before commit. A service hands the part of its work that takes them to `last`; called on its
own it runs there and then (its own end), inside `locks_last()` (workflow.actions, around a flow step) it
runs when the block ends, after the flow's own writes, still in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connection

from documents.errors import NotFound
from documents.models import Document


def set_lock_timeout() -> None:
    """Bound lock waits on PostgreSQL (SET LOCAL: only for the current transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [f"{settings.DB_LOCK_TIMEOUT_MS}ms"])


def lock_document(pk: int) -> Document:
    """Expects an open transaction. Returns the row, locked FOR UPDATE, as it is now."""
    set_lock_timeout()
    try:
        # The current version comes with it: every step's audit event names it (documents.services._common._finish).
        rows = Document.objects.select_for_update(of=("self",))
        return rows.select_related("organization", "doc_type", "current_version").get(pk=pk)
    except Document.DoesNotExist as exc:
        raise NotFound("Không tìm thấy văn bản.") from exc


# The tails waiting for the end of the current `locks_last()` block; None outside one (or while they run).
_tails: ContextVar[list[Callable[[], None]] | None] = ContextVar("documents_lock_tails", default=None)


def deferring() -> bool:
    """True inside `locks_last()`: what `last` is given runs later, at the end of the block."""
    return _tails.get() is not None


def last(tail: Callable[[], None]) -> None:
    """Run `tail` (the statements that take a hot lock, and those that need what it gives) as late as possible
    in the current transaction: now outside `locks_last()`, at the block's end inside it, in the order given."""
    pending = _tails.get()
    if pending is None:
        tail()
    else:
        pending.append(tail)


@contextmanager
def locks_last() -> Iterator[None]:
    """Hold back the tails `last` is given inside until the block ends; must sit inside the transaction.

    If the block raises, the tails are dropped with the transaction that rolls back. A tail that hands on
    another (the registration's counter, then its audit event) runs it at once: the block is ending.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("locks_last must run inside the transaction whose locks it puts last.")
    if deferring():  # nested: the outer block runs them
        yield
        return
    pending: list[Callable[[], None]] = []
    token = _tails.set(pending)
    try:
        yield
    finally:
        _tails.reset(token)
    for tail in pending:
        tail()
