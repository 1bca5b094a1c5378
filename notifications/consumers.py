"""The WebSocket a signed-in person keeps open to receive their notifications live."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from notifications.selectors import notifications_for
from notifications.services import group_for


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user = user
        self.user_id = user.pk
        await self.channel_layer.group_add(group_for(self.user_id), self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "unread": await self._unread_count()})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "user_id"):
            await self.channel_layer.group_discard(group_for(self.user_id), self.channel_name)

    async def notification_message(self, message: dict[str, Any]) -> None:
        # Checked again per message: only the recipient's own notification ever leaves the server.
        payload = await self._payload(message["id"])
        if payload is not None:
            await self.send_json({"type": "notification", "notification": payload})

    @database_sync_to_async
    def _payload(self, notification_id: int) -> dict[str, object] | None:
        notification = notifications_for(user=self.user).filter(pk=notification_id).first()
        return notification.as_payload() if notification else None

    @database_sync_to_async
    def _unread_count(self) -> int:
        return notifications_for(user=self.user).filter(read_at__isnull=True).count()
