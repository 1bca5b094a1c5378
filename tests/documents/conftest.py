"""A real Celery worker process on the Redis of REDIS_URL, for the outbox's worker test."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.documents.processes import ROOT, process_env


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    name: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def celery_worker(transactional_db: None, tmp_path: Path) -> Iterator[Worker]:
    """`celery -A config worker` against the test database and REDIS_URL; stopped (SIGTERM, then SIGKILL)
    after the test, whatever happened."""
    from config.celery import app

    name = f"outbox-test-{uuid.uuid4().hex[:8]}@localhost"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO", "-n", name]
    quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat"]  # one worker: no peers to talk to
    app.control.purge()  # messages left by an earlier run would only slow this one down
    log = tmp_path / "worker.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and app, fixed arguments
            [*command, *quiet],
            cwd=ROOT,
            env=process_env(CELERY_BROKER_URL=settings.CELERY_BROKER_URL, OUTBOX_DISPATCH="celery"),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process=process, name=name, log=log)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{worker.output()}")
        yield worker
    finally:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the task at hand
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
