"""The WebSocket a signed-in person keeps open (one per tab) to receive their notifications live.

A socket lives no longer than the session that opened it: logout closes it at once (see
`notifications.sessions`), and every push first re-reads the session from the store, so an expired
session, a changed password or a deactivated account closes it too, with nothing delivered.

On connect the page says which notification it saw last (`/ws/notifications/?after=<id>`): what arrived
meanwhile — while the page loaded, or while the socket was down — is sent before anything new, so a
reconnecting tab loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from importlib import import_module
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.urls import reverse

from core.converters import MAX_ID
from notifications.models import Notification
from notifications.selectors import PushedNotificationCheck, notification_list, unread_summary
from notifications.services import group_for
from notifications.sessions import fingerprint

logger = logging.getLogger(__name__)

# Close code for "no (longer a) valid session": the browser signs in again before reconnecting.
SESSION_ENDED = 4401
# The session store whose rows a push reads with the notification (the project's; any other works, slower).
DATABASE_SESSIONS = "django.contrib.sessions.backends.db"
# At most this many missed notifications are replayed on connect; beyond, the page points to the centre.
CATCH_UP_LIMIT = 50
# How often a socket renews its place in the person's group. Channel layers drop a member after `group_expiry`
# (a day by default), and a tab left open over a weekend would stop receiving while still connected.
GROUP_RENEWAL_SECONDS = 3600


def renewal_interval(layer: Any) -> float:
    """Well within the layer's group expiry, and at most hourly."""
    return min(GROUP_RENEWAL_SECONDS, getattr(layer, "group_expiry", 86400) / 3)


def after_id(scope: dict[str, Any]) -> int | None:
    """The `after` of the socket's query string: a notification id, or None when absent or not an id."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("after", [])
    value = values[-1].strip() if values else ""
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
        return None
    return int(value) if int(value) <= MAX_ID else None


def payload_of(notification: Notification) -> dict[str, object]:
    """What a page shows of a notification; `url` leads to the reader's task or the document, decided when clicked
    (notifications.views.open_notification): a task taken meanwhile by someone else is not offered."""
    return {**notification.as_payload(), "url": reverse("notifications:open", args=[notification.pk])}


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        session_key = getattr(self.scope.get("session"), "session_key", None)
        if user is None or not user.is_authenticated or not session_key:
            await self.close(code=SESSION_ENDED)
            return
        self.user = user
        self.user_id = user.pk
        self.session_key = session_key
        self._session_verified: tuple[str, tuple[Any, ...]] | None = None
        # Joined first, read second: a push racing with the read is sent twice rather than never (the page
        # keeps the last id it showed and skips what it already has).
        await self.channel_layer.group_add(group_for(self.user_id), self.channel_name)
        self._renewal = asyncio.ensure_future(self._renew_group_membership())
        await self.accept()
        after = after_id(self.scope)
        summary, missed, more = await self._greeting(after)
        await self.send_json({"type": "hello", **summary})
        if after is not None:
            for payload in missed:
                await self.send_json({"type": "notification", "notification": payload, "catch_up": True})
            # `more`: over CATCH_UP_LIMIT were missed; the rest are in the centre (and counted in `unread`).
            await self.send_json({"type": "caught_up", "count": len(missed), "more": more})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "_renewal"):
            self._renewal.cancel()
        if hasattr(self, "user_id"):
            await self.channel_layer.group_discard(group_for(self.user_id), self.channel_name)

    async def _renew_group_membership(self) -> None:
        every = renewal_interval(self.channel_layer)
        while True:
            await asyncio.sleep(every)
            try:
                await self.channel_layer.group_add(group_for(self.user_id), self.channel_name)
            except Exception:  # Redis away for a moment: the next renewal, well within the expiry, tries again
                logger.warning("Renewing the group of user %s failed", self.user_id, exc_info=True)

    async def notification_message(self, message: dict[str, Any]) -> None:
        # Checked per message, in one trip to the database (one query while nothing changed): the session still
        # valid, and only the recipient's own notification, about a document they may still read, leaves the server.
        signed_in, payload = await self._checked_payload(message["id"])
        if not signed_in:
            await self.close(code=SESSION_ENDED)
            return
        if payload is not None:
            await self.send_json({"type": "notification", "notification": payload})

    async def notifications_read(self, message: dict[str, Any]) -> None:
        # Read in another tab (or through the API): this tab's badge follows.
        signed_in, summary = await self._checked_summary()
        if not signed_in:
            await self.close(code=SESSION_ENDED)
            return
        await self.send_json({"type": "unread", **summary})

    async def session_ended(self, message: dict[str, Any]) -> None:
        # Sent to all the person's sockets on logout; only those of the ended session close.
        if message["session"] == fingerprint(self.session_key):
            await self.close(code=SESSION_ENDED)

    def _signed_in_user(self) -> Any:
        # A fresh read of the store (the scope's session is a cached copy): missing or expired session,
        # another user, a password change (auth hash) or a deactivated account all come back as None.
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=self.session_key)
        user = auth.get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
        return user if user.is_authenticated and user.pk == self.user_id else None

    @database_sync_to_async
    def _checked_payload(self, notification_id: int) -> tuple[bool, dict[str, object] | None]:
        in_database = settings.SESSION_ENGINE == DATABASE_SESSIONS
        notification = self._push_check.own(notification_id, session_key=self.session_key if in_database else None)
        if notification is None:
            return True, None  # not theirs: nothing leaves the server (the session is checked on their next one)
        if in_database:
            signed_in = self._session_still_valid(notification.session_data, notification.recipient)
        else:  # another session store: Django's get_user on every push
            signed_in = self._signed_in_user() is not None
        if not signed_in:
            return False, None
        return True, payload_of(notification) if self._push_check.readable(notification) else None

    def _session_still_valid(self, session_data: str | None, user: Any) -> bool:
        """Django's get_user decides, on a fresh read of the store; it is asked again whenever what it reads — the
        session's stored data, the person's row — differs from when it last said yes (the read that brought them
        is the push's one query, so an unchanged session costs nothing more)."""
        if session_data is None:  # expired, deleted, or given a new key
            return False
        read = (session_data, tuple(getattr(user, field.attname) for field in type(user)._meta.concrete_fields))
        if read == self._session_verified:
            return True
        self._session_verified = read if self._signed_in_user() is not None else None
        return self._session_verified is not None

    @database_sync_to_async
    def _checked_summary(self) -> tuple[bool, dict[str, int]]:
        user = self._signed_in_user()
        return (False, {}) if user is None else (True, unread_summary(user=user))

    @database_sync_to_async
    def _greeting(self, after: int | None) -> tuple[dict[str, int], list[dict[str, object]], bool]:
        # Built once per socket: what each push asks (PushedNotificationCheck: why it is cheap).
        self._push_check = PushedNotificationCheck(user=self.user)
        summary = unread_summary(user=self.user)
        if after is None or after >= summary["last"]:
            return summary, [], False
        missed = list(notification_list(user=self.user, after=after)[: CATCH_UP_LIMIT + 1])
        return summary, [payload_of(n) for n in missed[:CATCH_UP_LIMIT]], len(missed) > CATCH_UP_LIMIT
