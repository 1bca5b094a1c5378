"""A real ASGI server (daphne) in a child process, for browser tests that need the WebSocket.

pytest-django's live_server speaks WSGI only (no socket), and a server in a child process can be stopped and
started again, as a deployment restarts it. The child serves the project's ASGI application with its static
files, on the test database (PostgreSQL: a child cannot see an in-memory SQLite) and the Redis channel layer,
so a change made by the test process is pushed through Redis to a socket the child holds.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DAPHNE = Path(sys.executable).with_name("daphne")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(database_name: str) -> str:
    """DATABASE_URL with the test database's name in place of the configured one."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{database_name}", parts.query, parts.fragment))


class AsgiServer:
    """daphne on 127.0.0.1:<port>; `stop()` and `start()` again keep the port, as a restart does."""

    def __init__(self, database_name: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # Playwright's, not ours
        self.environment = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(database_name),
            "CONN_MAX_AGE": "0",  # no connection outlives a request: the test database can be dropped after
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own daphne, fixed arguments
            [
                str(DAPHNE),
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--application-close-timeout",
                "2",
                "tests.browser.asgi_static:application",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne stopped: {self.process.stderr.read().decode()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("daphne did not start in time")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
