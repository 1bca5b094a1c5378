"""What the audit tests share: a finished lifecycle and a forger's way around the append-only trigger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from tests.factories import Office, advance, make_draft


@contextmanager
def tampering() -> Iterator[None]:
    """Write to the log as a forger with database rights would: on PostgreSQL a superuser can switch the
    append-only trigger off for the session; verification must catch what they did anyway."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def lifecycle(office: Office) -> Office:
    advance(make_draft(office), office, to="archived")
    advance(make_draft(office), office, to="issued")
    return office
