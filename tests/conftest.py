"""Shared fixtures. Services that need PostgreSQL or Redis are marked and skip elsewhere."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from channels.layers import channel_layers
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.test import override_settings
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


def _flush_past_the_audit_triggers(self: PostgresOperations, sql_list: list[str]) -> None:
    """Django's flush, with triggers off for its own transaction only.

    The audit tables refuse TRUNCATE for everyone (audit/migrations/0004); transactional tests end with a
    flush that truncates every table. The test runner is a superuser, so it may set
    session_replication_role, which production's application role may not (docs/audit.md).
    """
    atomic = transaction.atomic(using=self.connection.alias, savepoint=self.connection.features.can_rollback_ddl)
    with atomic, self.connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql in sql_list:
            cursor.execute(sql)


@pytest.fixture(autouse=True, scope="session")
def flush_despite_audit_triggers() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PostgresOperations, "execute_sql_flush", _flush_past_the_audit_triggers)
        yield


@pytest.fixture(autouse=True, scope="session")
def documents_storage_in_a_temp_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The files of documents.blobs go to a directory of this session, never into the repository's var/."""
    location = tmp_path_factory.mktemp("documents-storage")
    documents = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location), "base_url": None, "allow_overwrite": True},
    }
    with override_settings(STORAGES={**django_settings.STORAGES, "documents": documents}):
        yield location


@pytest.fixture
def own_documents_storage(tmp_path: Path) -> Iterator[Path]:
    """A storage of this test alone, for tests that tamper with stored files: the session's storage is content-
    addressed, so a changed file would be found again by any later test storing the same bytes."""
    documents = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "documents-storage"), "base_url": None, "allow_overwrite": True},
    }
    with override_settings(STORAGES={**django_settings.STORAGES, "documents": documents}):
        yield tmp_path / "documents-storage"


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture(autouse=True)
def outbox_dispatch_in_process(settings) -> None:
    # With REDIS_URL set (CI's second pass) the outbox would hand events to a Celery worker; tests are about
    # what happens after commit, in this process. The worker's own test starts one and switches this back.
    settings.OUTBOX_DISPATCH = "inline"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Real hashing costs ~0.2 s a user; the tests are about documents, not password storage.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    # The cache is per process (locmem): a rendering or a preview kept by one test must not answer another's
    # (signing.rendering keeps each PDF layout a day).
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    # Each test gets its own channel layer, as each server process has its own. channels-redis keeps state
    # across event loops on the instance (the receive lock and count, the per-channel cleaning locks, buffered
    # messages), and every test's async_to_sync runs a new loop: a receive cut off in one test must not leave
    # a lock the next one waits on.
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def vietnamese_by_default() -> Iterator[None]:
    # A request with another language leaves it active in this thread; each test starts in Vietnamese.
    translation.activate("vi")
    yield
    translation.activate("vi")
