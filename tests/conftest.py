"""Shared fixtures. Services that need PostgreSQL or Redis are marked and skip elsewhere."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import connection
from django.utils import translation

from tests.factories import Office, make_office


@pytest.fixture
def office(db: None) -> Office:
    return make_office()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (.ci/run does)"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://… (.ci/run does)"))


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Real hashing costs ~0.2 s a user; the tests are about documents, not password storage.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def vietnamese_by_default() -> Iterator[None]:
    # A request with another language leaves it active in this thread; each test starts in Vietnamese.
    translation.activate("vi")
    yield
    translation.activate("vi")
