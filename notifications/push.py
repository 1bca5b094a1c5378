"""Pushing stored notifications to the recipients' open sockets, from synchronous code.

Called after the notifications committed — in the process that made the change, or in a worker. On the
sending side the cost that used to dominate was not Redis: `async_to_sync` from a plain thread starts a new
event loop per call, and channels-redis keeps its connection pool per loop, so every recipient paid for a new
Redis connection (connect, four round trips, close), one recipient after the other. Here each process keeps
one event loop thread for pushes: its pool lives as long as the process, and a fan-out runs its `group_send`s
concurrently (bounded, so 1,000 recipients never open 1,000 connections).

The in-memory layer (one process, `make run`) keeps `async_to_sync`: its queues belong to the server's loop,
and `async_to_sync` called from a request runs on that loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, InMemoryChannelLayer, get_channel_layer

from notifications.models import Notification
from notifications.services import group_for

logger = logging.getLogger(__name__)

# group_sends in flight at once on the push loop (each holds one pooled Redis connection meanwhile).
CONCURRENCY = 32
# How long a caller waits for its pushes; a Redis outage must not hold a request or a worker for longer.
TIMEOUT_SECONDS = 10.0


class _PushLoop:
    """An event loop running in a daemon thread of this process, for the life of the process."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="notifications-push", daemon=True)
        self.thread.start()


_lock = threading.Lock()
_push_loop: _PushLoop | None = None


def _loop() -> _PushLoop:
    """The process's push loop, made on first use — again in a forked child (a Celery worker), whose copy of
    the parent's thread does not run."""
    global _push_loop
    with _lock:
        if _push_loop is None or _push_loop.pid != os.getpid():
            _push_loop = _PushLoop()
        return _push_loop


async def _group_send_all(layer: BaseChannelLayer, messages: list[tuple[str, dict[str, Any]]]) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(group: str, message: dict[str, Any]) -> None:
        async with gate:
            await layer.group_send(group, message)

    outcomes = await asyncio.gather(*(one(group, message) for group, message in messages), return_exceptions=True)
    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    if failures:
        raise failures[0]


def send_to_groups(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """group_send each (group, message), waiting until the channel layer took them all (or raising)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(_group_send_all)(layer, messages)
        return
    push_loop = _loop()
    if threading.current_thread() is push_loop.thread:
        raise RuntimeError("send_to_groups is synchronous: do not call it from the push loop itself")
    future = asyncio.run_coroutine_threadsafe(_group_send_all(layer, messages), push_loop.loop)
    future.result(timeout=TIMEOUT_SECONDS)


def push_notifications(notifications: Iterable[Notification]) -> None:
    """Tell each recipient's open tabs about their new notification. The message names it only: the consumer
    re-checks it (session, owner, visibility) and reads what to show; where it leads is decided when clicked
    (notifications:open), so the push itself costs no query."""
    send_to_groups([(group_for(n.recipient_id), {"type": "notification.message", "id": n.pk}) for n in notifications])


def push_unread_changed(user_id: int) -> None:
    """Tell the person's open tabs that notifications were read (in another tab): each recounts its badge."""
    send_to_groups([(group_for(user_id), {"type": "notifications.read"})])
