"""PostgreSQL: the application's role can append to the log and nothing else; nobody truncates it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.models import AuditChainHead, AuditEvent
from audit.verification import verify_chain
from tests.factories import Office, advance, make_draft

pytestmark = pytest.mark.postgres


@pytest.fixture
def app_role() -> Iterator[str]:
    """A login role that owns nothing, granted as production grants it; dropped afterwards (roles are global)."""
    role = f"vanban_app_test_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    try:
        call_command("audit_grant_app_role", role)
        yield role
    finally:
        connection.close()  # in case a test left the connection as the role
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def connect_as(role: str) -> psycopg.Connection:
    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"], port=database["PORT"] or 5432, dbname=database["NAME"], user=role, autocommit=True
    )


@contextmanager
def django_connected_as(role: str) -> Iterator[None]:
    """The application's own code path, logged in as `role` instead of the test runner's superuser."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(USER=role, PASSWORD="")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET actor_name = 'Người Khác'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "TRUNCATE audit_auditchainhead",
        "DELETE FROM audit_auditchainhead",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_event_append_only ON audit_auditevent",
        "SET session_replication_role = replica",
    ],
)
def test_the_app_role_cannot_rewrite_the_log(office: Office, app_role: str, statement: str) -> None:
    # given a log with events
    advance(make_draft(office), office, to="signed")
    count = AuditEvent.objects.count()

    # when the application's role tries to rewrite it, or to switch the trigger off, it is refused
    with connect_as(app_role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
        conn.execute(statement)
    # by its rights, not by the trigger (which the owner could switch off)
    assert "append-only" not in str(refused.value)

    assert AuditEvent.objects.count() == count
    assert verify_chain(office.organization.pk) is None


@pytest.mark.django_db(transaction=True)
def test_the_app_role_appends_events_through_the_services(office: Office, app_role: str) -> None:
    # given the application logged in as its restricted role
    with django_connected_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role,)

        # when a document goes through its lifecycle
        advance(make_draft(office), office, to="issued")

    # then its events are in the chain, which is intact
    assert AuditChainHead.objects.get(organization=office.organization).last_sequence > 0
    assert verify_chain(office.organization.pk) is None


@pytest.mark.django_db(transaction=True)
def test_ordinary_tables_keep_their_normal_rights(office: Office, app_role: str) -> None:
    with connect_as(app_role) as conn:
        conn.execute("UPDATE organizations_organization SET name = name")
        conn.execute("DELETE FROM documents_document WHERE id < 0")


@pytest.mark.django_db
def test_the_grants_refuse_a_role_that_could_undo_them() -> None:
    with pytest.raises(CommandError, match="superuser"):
        call_command("audit_grant_app_role", connection.settings_dict["USER"] or "postgres")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("audit_grant_app_role", "no_such_role_here")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    ["TRUNCATE audit_auditevent", "TRUNCATE audit_auditchainhead", "DELETE FROM audit_auditchainhead"],
)
def test_even_the_owner_cannot_truncate_the_log(lifecycle: Office, statement: str) -> None:
    # given the test runner, a superuser who owns the tables, with the triggers in place
    events = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE would otherwise stop at pending FK checks

    refused = pytest.raises(DatabaseError, match=r"append-only: (TRUNCATE|DELETE) refused")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert AuditEvent.objects.count() == events
    assert verify_chain(lifecycle.organization.pk) is None
