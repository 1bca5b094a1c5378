"""Sockets opened the browser's way, for the notification tests."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from notifications.consumers import NotificationConsumer


def signed_in_socket(
    user: object, *, after: int | None = None, application: object = None
) -> tuple[WebsocketCommunicator, Client]:
    """A socket with the session cookie of a real login, through channels' auth stack (not yet connected)."""
    # The URLconf is loaded on first use (half a second): here, not while a test waits for a quiet socket.
    reverse("notifications:centre")
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}".encode()
    path = "/ws/notifications/" if after is None else f"/ws/notifications/?after={after}"
    application = application or AuthMiddlewareStack(NotificationConsumer.as_asgi())
    return WebsocketCommunicator(application, path, headers=[(b"cookie", cookie)]), client


async def outputs_until_quiet(communicator: WebsocketCommunicator, quiet: float = 0.5) -> list[dict]:
    """Everything the consumer sends until it has been quiet for a moment (raw ASGI messages)."""
    received = []
    while not await communicator.receive_nothing(timeout=quiet):
        received.append(await communicator.receive_output())
    return received


async def json_until_quiet(communicator: WebsocketCommunicator, quiet: float = 0.5) -> list[dict]:
    """The JSON messages sent until the socket has been quiet for a moment."""
    import json

    return [json.loads(m["text"]) for m in await outputs_until_quiet(communicator, quiet) if m.get("text")]
