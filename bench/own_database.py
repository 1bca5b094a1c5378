"""The benchmarks' own PostgreSQL database, named by DATABASE_URL: made fresh before a run, dropped after it.

Imported by the bench scripts (bench_inbox, bench_lifecycle, bench_http) once they have put the project's root on
sys.path; nothing of the project's data is touched.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse


def recreate_database() -> str:
    """Drop and create the database DATABASE_URL names; returns the URL of the server's `postgres` database."""
    import psycopg

    url = urlparse(os.environ.get("DATABASE_URL", ""))
    if url.scheme not in ("postgres", "postgresql"):
        sys.exit("DATABASE_URL=postgres://…/vanban_bench_<name> is required")
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin


def drop_database(admin: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
