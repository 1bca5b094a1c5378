"""The WebSocket a signed-in person keeps open to receive their notifications live.

A socket lives no longer than the session that opened it: logout closes it at once (see
`notifications.sessions`), and every push first re-reads the session from the store, so an expired
session, a changed password or a deactivated account closes it too, with nothing delivered.
"""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib import auth

from notifications.selectors import notifications_for
from notifications.services import group_for
from notifications.sessions import fingerprint

# Close code for "no (longer a) valid session": the browser signs in again before reconnecting.
SESSION_ENDED = 4401


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
        await self.channel_layer.group_add(group_for(self.user_id), self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "unread": await self._unread_count()})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "user_id"):
            await self.channel_layer.group_discard(group_for(self.user_id), self.channel_name)

    async def notification_message(self, message: dict[str, Any]) -> None:
        if not await self._still_signed_in():
            await self.close(code=SESSION_ENDED)
            return
        # Checked again per message: only the recipient's own notification ever leaves the server.
        payload = await self._payload(message["id"])
        if payload is not None:
            await self.send_json({"type": "notification", "notification": payload})

    async def session_ended(self, message: dict[str, Any]) -> None:
        # Sent to all the person's sockets on logout; only those of the ended session close.
        if message["session"] == fingerprint(self.session_key):
            await self.close(code=SESSION_ENDED)

    @database_sync_to_async
    def _still_signed_in(self) -> bool:
        # A fresh read of the store (the scope's session is a cached copy): missing or expired session,
        # another user, a password change (auth hash) or a deactivated account all come back anonymous.
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=self.session_key)
        user = auth.get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
        return user.is_authenticated and user.pk == self.user_id

    @database_sync_to_async
    def _payload(self, notification_id: int) -> dict[str, object] | None:
        notification = notifications_for(user=self.user).filter(pk=notification_id).first()
        return notification.as_payload() if notification else None

    @database_sync_to_async
    def _unread_count(self) -> int:
        return notifications_for(user=self.user).filter(read_at__isnull=True).count()
