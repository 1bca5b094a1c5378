"""The header's notification badge on every page of a signed-in person, and where the page's live script
catches up from (notifications/static/notifications/live.js).

Lazy: the one query (notifications.selectors.unread_summary) runs when the page is drawn, once.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_summary


def live_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"live_notifications": SimpleLazyObject(lambda: unread_summary(user=user))}
