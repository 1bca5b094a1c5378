"""Logout closes the person's open WebSockets of that session (NotificationConsumer.session_ended)."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from notifications.services import group_for

logger = logging.getLogger(__name__)


def fingerprint(session_key: str) -> str:
    # The channel layer (Redis) never carries the session key itself: it is a credential.
    return hashlib.sha256(session_key.encode()).hexdigest()


def close_sockets_on_logout(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    layer = get_channel_layer()
    if user is None or not session_key or layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            group_for(user.pk), {"type": "session.ended", "session": fingerprint(session_key)}
        )
    except Exception:  # a channel-layer outage must not stop a logout; pushes re-check the session anyway
        logger.exception("Closing the sockets of user %s on logout failed", user.pk)
