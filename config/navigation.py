"""The header's links: which parts of the desk a person may open, worked out once per session.

Each flag comes from the selector the page itself asks (one rule, one place); they are computed at login and kept
in the session, so no page pays a query for its header. They are links only: every page asks its selector again,
so a role changed since login shows a stale link at worst, never a page one may not read.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

SESSION_KEY = "menu"
NOBODY: dict[str, Any] = {
    "draft": False,
    "register": None,
    "dossiers": False,
    "auditor_desk": False,
    "dashboard": False,
}


def menu_for(*, user: Any) -> dict[str, Any]:
    from auditors.selectors import log_organizations
    from records.selectors import records_menu
    from search.dashboard import dashboard_organizations
    from signing.permissions import drafting_organizations

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return dict(NOBODY)
    return {
        "draft": bool(drafting_organizations(user=user)),
        **records_menu(user=user),
        "auditor_desk": log_organizations(user=user).exists(),
        "dashboard": dashboard_organizations(user=user).exists(),
    }


def remember_menu(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On login (the user_logged_in signal, connected in config.apps)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = menu_for(user=user)


def menu(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `menu` for templates/_nav.html; a session older than this code is filled once here."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return {"menu": NOBODY}
    if SESSION_KEY not in session:
        session[SESSION_KEY] = menu_for(user=user)
    return {"menu": session[SESSION_KEY]}
