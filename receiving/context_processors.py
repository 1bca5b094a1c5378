"""What waits for the signed-in person on the receiving side, for the header link and the inbox box.

Lazy: the one counting query (documents.selectors.receiving_counts) runs only on a page that shows a count.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from documents.selectors import receiving_counts


def counts_for(request: HttpRequest) -> dict[str, int]:
    """The person's counts, read once a request (the header and the "Văn bản đến" tabs share them)."""
    if not hasattr(request, "_receiving_counts"):
        request._receiving_counts = receiving_counts(user=request.user)
    return request._receiving_counts


def arrivals(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"receiving_counts": SimpleLazyObject(lambda: counts_for(request))}
