"""The application's PostgreSQL role: full rights on the ordinary tables, append-only rights on the audit log.

Migrations run as the owner of the tables; the application connects as a role that owns nothing, so it
can neither ALTER TABLE ... DISABLE TRIGGER nor TRUNCATE the log (docs/adr/0004-restricted-database-role.md).
"""

from __future__ import annotations

from django.db import connection

from audit.models import AuditChainHead, AuditEvent


class UnsafeAppRole(Exception):
    """The role given would keep the powers the grants are meant to take away."""


def app_role_grants(*, role: str, schema: str = "public") -> list[str]:
    """Idempotent statements, run by the tables' owner after every `migrate`."""
    quote = connection.ops.quote_name
    role_q, schema_q = quote(role), quote(schema)
    event, head = quote(AuditEvent._meta.db_table), quote(AuditChainHead._meta.db_table)
    return [
        f"GRANT USAGE ON SCHEMA {schema_q} TO {role_q}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema_q} FROM {role_q}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} TO {role_q}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {role_q}",
        # The log: read and append. The head is moved by every append (UPDATE), never removed.
        f"REVOKE ALL ON {event}, {head} FROM {role_q}",
        f"GRANT SELECT, INSERT ON {event} TO {role_q}",
        f"GRANT SELECT, INSERT, UPDATE ON {head} TO {role_q}",
        # Tables the next migrations create; audit tables among them need this command run again.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_q}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} GRANT USAGE, SELECT ON SEQUENCES TO {role_q}",
    ]


def check_app_role_is_restricted(*, role: str) -> None:
    """Refuse a role that is superuser, bypasses row security, or owns (or is a member of the owner of) the log."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise UnsafeAppRole(f"role {role} does not exist: create it first (CREATE ROLE ... LOGIN PASSWORD ...)")
        if any(row):
            raise UnsafeAppRole(f"role {role} is a superuser or bypasses row security")
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relname IN (%s, %s) AND pg_has_role(%s, c.relowner, 'USAGE')",
            [AuditEvent._meta.db_table, AuditChainHead._meta.db_table, role],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise UnsafeAppRole(f"role {role} owns {', '.join(owned)}: the application must not own the audit log")


def grant_app_role(*, role: str, schema: str = "public") -> list[str]:
    if connection.vendor != "postgresql":
        raise UnsafeAppRole("database roles exist on PostgreSQL only")
    check_app_role_is_restricted(role=role)
    statements = app_role_grants(role=role, schema=schema)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements
