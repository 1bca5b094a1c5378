"""Benchmark: commit-to-socket latency of notifications on real Redis, against a bare channels-redis group_send →
receive of the same payload, in the same run.

Run: REDIS_URL=redis://127.0.0.1:6379/2 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban_bench \\
     .venv/bin/python bench/bench_live.py [--fan 100 1000 --rounds-one 100 --rounds-fan 20 --rounds-large 5]

One "server" — an event loop in a thread, as daphne has — holds a socket per recipient (the project's consumer
behind channels' auth stack, each with a real session) on the Redis channel layer of the settings. The main thread
plays the process that made the change. Three ways are timed round by round, interleaved so that load on the
machine hits them alike:

* bare    — `group_send` of the payload to each recipient's group from a long-lived loop, received by a plain
            `layer.receive()` per recipient: what Redis and channels-redis cost, nothing else (sequential sends,
            and the same sends 32 at a time);
* now     — the project: `notifications.push.push_notifications` (links for all in one query, the process's push
            loop, 32 sends at a time) → the consumer's per-message check (session still valid; the notification
            the recipient's own, about a document they may read: one trip to the database) → the socket;
* before  — the code this replaced, reproduced here: one `async_to_sync(group_send)` per recipient (a new event
            loop, so a new Redis connection, each time), and a consumer that checked the session and then the
            notification in two trips to the database.

t0 is taken when the notifications are committed (the push runs after the commit, in-process or in a worker);
each socket's receive time is taken when its JSON arrives. For one recipient the figures are the latency's median
and p95 over the rounds; for a fan-out, the latency of the last socket of each round (and of the median socket).
Finally, end to end from a service's commit: `document_submit` (one reviewer) and `document_issue` to a unit of
100 members, which add working out who must know (`notify_for_event`) to the push.

Sets Django up itself, on a test database made and dropped by Django's test runner (PostgreSQL with DATABASE_URL,
as production; the runner works in test_<name>). Needs REDIS_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.own_files import use_own_files  # noqa: E402 - after the path

CONCURRENCY = 32
URL = "/flow/tasks/123456/"  # the bare payload carries a link like the project's


def _set_up_django() -> None:
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is required: this benchmark is about the Redis channel layer")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    use_own_files("live")
    django.setup()


class LoopThread:
    """An event loop running in a daemon thread: the server's, or a long-lived client's."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 600) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=timeout)


class Arrivals:
    """Receive times of one round, by recipient, recorded by the server thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[tuple[str, int], float] = {}
        self.expected: set[tuple[str, int]] = set()
        self.complete = threading.Event()

    def expect(self, keys: set[tuple[str, int]]) -> None:
        with self.lock:
            self.times = {}
            self.expected = set(keys)
            self.complete.clear()

    def record(self, key: tuple[str, int]) -> None:
        now = time.perf_counter()
        with self.lock:
            if key in self.expected and key not in self.times:
                self.times[key] = now
                if len(self.times) == len(self.expected):
                    self.complete.set()

    def latencies(self, started: float, timeout: float = 90) -> list[float]:
        """Each socket's latency, sorted; a socket that got nothing within `timeout` counts as lost (`self.lost`):
        channels-redis expires a message after 60 s and drops what is over a channel's capacity."""
        self.complete.wait(timeout)
        with self.lock:
            self.lost = len(self.expected) - len(self.times)
            return sorted(arrival - started for arrival in self.times.values())


ARRIVALS = Arrivals()


def _before_consumer() -> type:
    """The consumer as it was before this change, on groups of its own ("before-user-<id>")."""
    from importlib import import_module
    from types import SimpleNamespace

    from channels.db import database_sync_to_async
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from django.conf import settings
    from django.contrib import auth

    from notifications.selectors import notifications_for

    class BeforeConsumer(AsyncJsonWebsocketConsumer):
        async def connect(self) -> None:
            self.user = self.scope["user"]
            self.user_id = self.user.pk
            self.session_key = self.scope["session"].session_key
            await self.channel_layer.group_add(f"before-user-{self.user_id}", self.channel_name)
            await self.accept()
            await self.send_json({"type": "hello"})

        async def notification_message(self, message: dict[str, Any]) -> None:
            if not await self._still_signed_in():
                await self.close(code=4401)
                return
            payload = await self._payload(message["id"])
            if payload is not None:
                await self.send_json({"type": "notification", "notification": payload})

        @database_sync_to_async
        def _still_signed_in(self) -> bool:
            store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=self.session_key)
            user = auth.get_user(SimpleNamespace(session=store))
            return user.is_authenticated and user.pk == self.user_id

        @database_sync_to_async
        def _payload(self, notification_id: int) -> dict[str, object] | None:
            notification = notifications_for(user=self.user).filter(pk=notification_id).first()
            return notification.as_payload() if notification else None

    return BeforeConsumer


async def _read_socket(communicator: Any, key: tuple[str, int]) -> None:
    while True:
        output = await communicator.receive_output(timeout=24 * 3600)
        if output["type"] == "websocket.close":
            raise RuntimeError(f"socket {key} closed: {output}")
        if json.loads(output.get("text") or "{}").get("type") == "notification":
            ARRIVALS.record(key)


async def _read_bare(layer: Any, channel: str, key: tuple[str, int]) -> None:
    while True:
        await layer.receive(channel)
        ARRIVALS.record(key)


async def _open_sockets(kind: str, consumer: type, sessions: dict[int, str], tasks: list) -> list:
    from channels.auth import AuthMiddlewareStack
    from channels.testing import WebsocketCommunicator
    from django.conf import settings

    application = AuthMiddlewareStack(consumer.as_asgi())
    communicators = []
    for user_id, session_key in sessions.items():
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()
        communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=[(b"cookie", cookie)])
        connected, _ = await communicator.connect(timeout=60)
        assert connected, f"{kind} socket of user {user_id} refused"
        await communicator.receive_output(timeout=60)  # hello
        tasks.append(asyncio.ensure_future(_read_socket(communicator, (kind, user_id))))
        communicators.append(communicator)
    return communicators


async def _open_bare(layer: Any, user_ids: list[int], tasks: list) -> None:
    for user_id in user_ids:
        channel = await layer.new_channel()
        await layer.group_add(f"bare-user-{user_id}", channel)
        tasks.append(asyncio.ensure_future(_read_bare(layer, channel, ("bare", user_id))))


async def _bare_send(layer: Any, messages: list[tuple[str, dict]], concurrently: bool) -> None:
    if not concurrently:
        for group, message in messages:
            await layer.group_send(group, message)
        return
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(group: str, message: dict) -> None:
        async with gate:
            await layer.group_send(group, message)

    await asyncio.gather(*(one(group, message) for group, message in messages))


def _population(size: int) -> dict[str, Any]:
    """A Phòng whose unit "Tổ chuyên môn" has `size` people; a plan issued to that unit (every one of them may read it);
    a real session per person."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from organizations.models import Membership, Role, Unit, User
    from tests.factories import advance, make_draft, make_office

    office = make_office(name="Phòng Giáo dục và Đào tạo Cần Giuộc", abbreviation="PGDĐT")
    unit = Unit.objects.create(organization=office.organization, name="Tổ chuyên môn", abbreviation="TCM")
    teachers = User.objects.bulk_create(
        [User(username=f"giaovien{n}", full_name=f"Giáo viên {n}", password="!") for n in range(1, size + 1)]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=t, organization=office.organization, unit=unit, role=Role.STAFF, post_title="CHUYÊN VIÊN")
            for t in teachers
        ]
    )
    issued = advance(
        make_draft(office, recipients=[{"display_name": unit.name, "purpose": "execute", "unit": unit}]),
        office,
        to="issued",
    )
    sessions = {}
    for teacher in teachers:
        store = SessionStore()
        store[SESSION_KEY] = str(teacher.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = teacher.get_session_auth_hash()
        store.create()
        sessions[teacher.pk] = store.session_key
    return {"office": office, "issued": issued, "teachers": teachers, "sessions": sessions}


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fan", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--rounds-one", type=int, default=100)
    parser.add_argument("--rounds-fan", type=int, default=20)
    parser.add_argument("--rounds-large", type=int, default=5, help="rounds for fan-outs above 100")
    parser.add_argument("--rounds-e2e", type=int, default=20)
    args = parser.parse_args()

    _set_up_django()
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        measured, e2e = _run(args)
        _report(measured["latency"], measured["lost"], e2e)
    finally:
        runner.teardown_databases(old_config)


def _run(args: argparse.Namespace) -> tuple[dict, dict]:
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django.db import connection, transaction

    from documents import services
    from notifications.consumers import NotificationConsumer
    from notifications.models import Notification
    from notifications.push import push_notifications
    from tests.factories import advance, make_draft

    largest = max([1, *args.fan])
    print(f"Setting up {largest} teachers with sessions on {connection.vendor}…", flush=True)
    people = _population(largest)
    teachers, sessions, issued = people["teachers"], people["sessions"], people["issued"]
    layer = get_channel_layer()
    server, client = LoopThread("server"), LoopThread("bare-client")
    readers: list = []
    print(f"Connecting {largest} × 3 receivers (now, before, bare)…", flush=True)
    started = time.perf_counter()
    server.run(_open_sockets("now", NotificationConsumer, sessions, readers))
    server.run(_open_sockets("before", _before_consumer(), sessions, readers))
    server.run(_open_bare(layer, list(sessions), readers))
    print(f"  connected in {time.perf_counter() - started:.1f} s", flush=True)

    lost: dict[tuple[str, int], int] = {}

    def round_of(kind: str, people: list, send: Callable[[list], None]) -> list[float]:
        notifications = Notification.objects.bulk_create(
            [
                Notification(recipient=t, document=issued, event="document_issued", message="Văn bản đến")
                for t in recipients
            ]
        )
        ARRIVALS.expect({(kind, n.recipient_id) for n in notifications})
        t0 = time.perf_counter()
        send(notifications)
        return ARRIVALS.latencies(t0)

    def bare(concurrently: bool) -> Callable[[list], None]:
        def send(notifications: list) -> None:
            messages = [
                (f"bare-user-{n.recipient_id}", {"type": "notification.message", "id": n.pk, "url": URL})
                for n in notifications
            ]
            client.run(_bare_send(layer, messages, concurrently))

        return send

    def before(notifications: list) -> None:
        for n in notifications:
            async_to_sync(layer.group_send)(
                f"before-user-{n.recipient_id}", {"type": "notification.message", "id": n.pk}
            )

    ways = {
        "bare": bare(False),
        "bare, 32 at a time": bare(True),
        "now": push_notifications,
        "before": before,
    }
    results: dict[tuple[str, int], list[list[float]]] = {}
    for size in [1, *args.fan]:
        rounds = args.rounds_one if size == 1 else args.rounds_fan if size <= 100 else args.rounds_large
        recipients = teachers[:size]
        print(f"{size} recipient(s): {rounds} rounds of each way…", flush=True)
        for number in range(rounds):
            for way, send in ways.items():
                if way == "before" and size > 100 and number >= 2:
                    continue  # tens of seconds a round, and it loses messages: two rounds show it
                kind = {"now": "now", "before": "before"}.get(way, "bare")
                results.setdefault((way, size), []).append(round_of(kind, recipients, send))
                lost[(way, size)] = lost.get((way, size), 0) + ARRIVALS.lost

    # End to end, from a service's commit: who must know (notify_for_event) + the push + the consumer.
    office = people["office"]
    hundred = [{"display_name": t.full_name, "purpose": "inform", "person": t} for t in teachers[:100]]
    e2e: dict[str, list[float]] = {}
    reviewer_sessions = {office.deputy.pk: _session_of(office.deputy)}
    server.run(_open_sockets("now", NotificationConsumer, reviewer_sessions, readers))
    print(f"End to end: {args.rounds_e2e} submissions, {args.rounds_e2e} issues to 100 people…", flush=True)

    def committed_at(marks: list[float]) -> Callable[[], None]:
        return lambda: marks.append(time.perf_counter())

    for _ in range(args.rounds_e2e):
        draft = make_draft(office)
        ARRIVALS.expect({("now", office.deputy.pk)})
        submitted: list[float] = []
        with transaction.atomic():
            transaction.on_commit(committed_at(submitted))  # registered first: runs at the moment of the commit
            services.document_submit(document=draft, actor=office.drafter, reviewer=office.deputy)
        e2e.setdefault("document_submit → the reviewer", []).append(ARRIVALS.latencies(submitted[0])[-1])

        registered = advance(
            make_draft(office, recipients=hundred),
            office,
            to="registered",
        )
        ARRIVALS.expect({("now", t.pk) for t in teachers[:100]})
        issued_at: list[float] = []
        with transaction.atomic():
            transaction.on_commit(committed_at(issued_at))
            services.document_issue(document=registered, actor=office.clerk)
        e2e.setdefault("document_issue → the last of 100", []).append(ARRIVALS.latencies(issued_at[0])[-1])
    for task in readers:
        server.loop.call_soon_threadsafe(task.cancel)
    server.run(_close_server_connections())
    _end_other_sessions()
    return {"latency": results, "lost": lost}, e2e


async def _close_server_connections() -> None:
    from channels.db import database_sync_to_async
    from django.db import connections

    await database_sync_to_async(connections.close_all)()


def _end_other_sessions() -> None:
    """The consumers' database connections live in the executor's threads (kept between checks, as a server keeps
    them): ended here so that the test database can be dropped."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def _session_of(user: Any) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _last(results: dict, way: str, size: int) -> list[float]:
    return [latencies[-1] * 1000 for latencies in results[(way, size)] if latencies]


def _ratio(results: dict, way: str, bare: str, size: int) -> str:
    mine, base = _stats(_last(results, way, size)), _stats(_last(results, bare, size))
    return f"×{mine[0] / base[0]:.1f} / ×{mine[1] / base[1]:.1f}"


def _report(results: dict, lost: dict, e2e: dict) -> None:
    print()
    print("Commit-to-socket latency on Redis, ms (median / p95 over the rounds); lost: sockets that got nothing")
    header = (
        f"{'recipients':>10} {'way':<20} {'rounds':>6} {'last: p50':>10} {'last: p95':>10} {'median socket':>14}"
        f" {'lost':>6}"
    )
    print(header)
    for (way, size), rounds in results.items():
        last = _stats(_last(results, way, size))
        middle = statistics.median(statistics.median(r) * 1000 for r in rounds if r)
        print(
            f"{size:>10} {way:<20} {len(rounds):>6} {last[0]:>10.2f} {last[1]:>10.2f} {middle:>14.2f}"
            f" {lost.get((way, size), 0):>6}"
        )
    print()
    print("Ratios against bare (p50 / p95 of the last socket)")
    for size in sorted({size for _, size in results}):
        for way in ("now", "before"):
            print(
                f"{size:>10} {way:<8} vs bare: {_ratio(results, way, 'bare', size)}"
                f"   vs bare 32 at a time: {_ratio(results, way, 'bare, 32 at a time', size)}"
            )
    print()
    print("End to end from the service's commit, ms (median / p95)")
    for name, values in e2e.items():
        p50, p95 = _stats([v * 1000 for v in values])
        print(f"  {name:<36} {p50:>8.2f} / {p95:.2f}  ({len(values)} rounds)")


if __name__ == "__main__":
    main()
