"""On the embedded SQLite database, simultaneous writers queue instead of failing with "database is locked".

pytest-django's SQLite test database is in memory and private to one connection, so the race runs in a
subprocess against a real file database: 8 threads, each with its own connection, create a draft through
workflow.actions.create_document at the same instant. Before BEGIN IMMEDIATE + WAL + busy timeout, 7 of
the 8 failed at once ("database is locked").
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], database: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ENVIRONMENT", "DEBUG"}}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(  # noqa: S603 - our own scripts with fixed arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_eight_simultaneous_drafts_on_a_file_database_all_succeed(tmp_path: Path) -> None:
    database = tmp_path / "vanban.sqlite3"
    migrated = run(["manage.py", "migrate", "--noinput", "-v0"], database)
    assert migrated.returncode == 0, migrated.stderr

    raced = run([str(ROOT / "tests" / "platform" / "concurrent_drafts.py"), "8"], database)

    assert raced.returncode == 0, raced.stderr
    assert json.loads(raced.stdout.strip().splitlines()[-1]) == {"created": 8, "errors": []}
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT count(*) FROM documents_document").fetchone() == (9,)  # 8 + the warm-up
