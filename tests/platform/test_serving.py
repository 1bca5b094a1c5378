"""The production server (issue 14, part 4): gunicorn with two uvicorn worker processes serves HTTP from both and
a signed-in WebSocket through the same port (scripts/serve, README "Serving")."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from config.serving import WORKER_PID_HEADER
from tests.factories import Office

pytest.importorskip("gunicorn")
pytest.importorskip("uvicorn_worker")
requests = pytest.importorskip("requests")
websockets_client = pytest.importorskip("websockets.sync.client")
websockets_exceptions = pytest.importorskip("websockets.exceptions")

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_file(target: Path) -> Path:
    """The test database (migrated, with this test's rows committed) copied to a file the server can open:
    migrating a new file would take ~15 s."""
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    return target


@pytest.fixture
def server(transactional_db: None, office: Office, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen, str]]:
    if connection.vendor != "sqlite":
        pytest.skip("copies the SQLite test database for the server")
    client = Client()
    client.force_login(office.drafter)  # a session row the server's WebSocket will accept
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}"
    database = _database_file(tmp_path / "serving.sqlite3")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "ENVIRONMENT", "DEBUG"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{database}",
        "SERVE_PID_HEADER": "true",
        "OUTBOX_DISPATCH": "inline",
        "WEB_CONCURRENCY": "2",
        "BIND": f"127.0.0.1:{port}",
        "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
    }
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if requests.get(f"{base}/accounts/login/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or its first request still loading
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{(tmp_path / 'server.log').read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, process, cookie
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _workers_of(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(pid) for pid in children}


def test_two_worker_processes_serve_http_and_the_signed_in_websocket(server) -> None:
    # One server for the three checks: starting it is most of this test's ~15 s.
    # given the server started with WEB_CONCURRENCY=2
    base, process, cookie = server
    workers = _workers_of(process.pid)
    assert len(workers) == 2

    # when the login page is asked for, several at a time, each on a new connection
    seen: set[int] = set()
    statuses: set[int] = set()
    deadline = time.monotonic() + 15
    with ThreadPoolExecutor(max_workers=8) as pool:
        while seen != workers and time.monotonic() < deadline:
            for response in pool.map(lambda _: requests.get(f"{base}/accounts/login/", timeout=10), range(16)):
                statuses.add(response.status_code)
                seen.add(int(response.headers[WORKER_PID_HEADER]))

    # then every answer is the page, and both worker processes answered
    assert statuses == {200}
    assert seen == workers

    # when the browser's socket opens through the same port (same origin, the session cookie)
    url = base.replace("http://", "ws://") + "/ws/notifications/"
    with websockets_client.connect(url, origin=base, additional_headers={"Cookie": cookie}, open_timeout=10) as ws:
        greeting = json.loads(ws.recv(timeout=10))

    # then Channels accepted it as the signed-in user: the consumer's greeting with the unread count
    assert greeting["type"] == "hello"
    assert "unread" in greeting

    # and a socket without a session is refused before any greeting (the auth stack is in front)
    with (
        pytest.raises(websockets_exceptions.WebSocketException),  # the handshake's refusal or the close
        websockets_client.connect(url, origin=base, open_timeout=10) as ws,
    ):
        ws.recv(timeout=10)
