"""A login lockout (django-axes) written into the audit chain of each organization the person works in.

Axes keeps every attempt in its own tables (AccessAttempt, AccessFailureLog); the audit log gets the one
event a reviewer of an organization needs: "this account was locked, from this address". Unknown
usernames belong to no organization and stay in axes' tables only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from audit.services import record_event
from organizations.models import Membership, User


@transaction.atomic
def record_login_lockout(*, username: str, ip_address: str | None) -> int:
    """Append `auth.login_locked` to each of the user's organizations' chains; returns how many."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return 0
    organization_ids = sorted(set(Membership.objects.filter(user=user).values_list("organization_id", flat=True)))
    for organization_id in organization_ids:
        record_event(
            organization_id=organization_id,
            actor=None,  # whoever typed the passwords is unknown; the account is the object
            action="auth.login_locked",
            obj=user,
            details={"username": username, "failure_limit": settings.AXES_FAILURE_LIMIT},
            client_address=ip_address,
        )
    return len(organization_ids)


def on_user_locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    # Axes signals again for every attempt during a lockout; only the attempt that locked is recorded,
    # so nobody can flood an organization's chain by hammering a locked account.
    if username and getattr(request, "axes_failures_since_start", None) == settings.AXES_FAILURE_LIMIT:
        record_login_lockout(username=username, ip_address=kwargs.get("ip_address"))
