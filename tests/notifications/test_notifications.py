"""Domain events become stored notifications for the right people and reach their open WebSocket."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from documents import services
from documents.permissions import grant_view, revoke_view
from notifications.consumers import NotificationConsumer
from notifications.models import Notification
from notifications.services import group_for
from tests.factories import Office, advance, make_draft, make_office


def messages_for(user: object) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("event", flat=True))


@pytest.mark.django_db(transaction=True)
def test_each_step_tells_the_next_person_and_not_the_actor() -> None:
    office = make_office()
    school = make_office(name="Trường THCS Nguyễn Du", head_title="HIỆU TRƯỞNG")
    document = make_draft(
        office,
        recipients=[
            {"display_name": "Trường THCS Nguyễn Du", "purpose": "execute", "organization": school.organization},
        ],
    )

    document = advance(document, office, to="in_review")
    assert messages_for(office.deputy) == ["document_submitted"]
    assert messages_for(office.drafter) == []

    document = advance(document, office, to="awaiting_signature")
    assert messages_for(office.head) == ["document_approved"]

    document = advance(document, office, to="issued")
    assert "document_signed" in messages_for(office.clerk)
    assert messages_for(school.clerk) == ["document_issued"]
    issued = Notification.objects.get(recipient=school.clerk)
    assert document.code in issued.message
    assert messages_for(school.head) == []


@pytest.mark.django_db(transaction=True)
def test_returned_document_tells_the_drafter_with_the_comment() -> None:
    office = make_office()
    document = advance(make_draft(office), office, to="in_review")
    services.document_return(document=document, actor=office.deputy, comment="Bổ sung kinh phí.")
    notification = Notification.objects.get(recipient=office.drafter, event="document_returned")
    assert "Bổ sung kinh phí." in notification.message


@pytest.mark.django_db(transaction=True)
def test_api_lists_only_my_notifications_and_marks_them_read() -> None:
    office = make_office()
    advance(make_draft(office), office, to="in_review")
    client = Client()
    client.force_login(office.deputy)

    listing = client.get("/api/notifications/").json()
    assert listing["unread"] == 1
    mine = listing["results"][0]["id"]
    stranger = make_office()
    advance(make_draft(stranger), stranger, to="in_review")
    theirs = Notification.objects.get(recipient=stranger.deputy).pk

    response = client.post("/api/notifications/read/", {"ids": [mine, theirs]}, content_type="application/json")
    assert response.json() == {"marked_read": 1}
    assert Notification.objects.get(pk=theirs).read_at is None
    assert client.post("/api/notifications/read/", {"ids": []}, content_type="application/json").status_code == 400


def signed_in_socket(user: object) -> tuple[WebsocketCommunicator, Client]:
    """A socket opened the browser's way: the session cookie of a real login, through channels' auth stack."""
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}".encode()
    application = AuthMiddlewareStack(NotificationConsumer.as_asgi())
    return WebsocketCommunicator(application, "/ws/notifications/", headers=[(b"cookie", cookie)]), client


async def outputs_until_quiet(communicator: WebsocketCommunicator) -> list[dict]:
    """Everything the consumer sends until it has been quiet for a moment."""
    received = []
    while not await communicator.receive_nothing(timeout=0.5):
        received.append(await communicator.receive_output())
    return received


def push_through_websocket(office: Office) -> tuple[dict, dict]:
    """Open the reviewer's socket, submit a draft, return what the socket received."""
    communicator, _client = signed_in_socket(office.deputy)

    async def scenario() -> tuple[dict, dict]:
        connected, _ = await communicator.connect()
        assert connected
        hello = await communicator.receive_json_from()
        document = await database_sync_to_async(make_draft)(office)
        await database_sync_to_async(services.document_submit)(document=document, actor=office.drafter)
        pushed = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return hello, pushed

    return async_to_sync(scenario)()


def push_after(office: Office, end_session: Callable[[Client], None]) -> list[dict]:
    """Open the reviewer's socket, end its session some way, submit a draft: what did the socket get?"""
    communicator, client = signed_in_socket(office.deputy)

    async def scenario() -> list[dict]:
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["type"] == "hello"
        await database_sync_to_async(end_session)(client)
        document = await database_sync_to_async(make_draft)(office)
        await database_sync_to_async(services.document_submit)(document=document, actor=office.drafter)
        received = await outputs_until_quiet(communicator)
        await communicator.disconnect()
        return received

    return async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_submitted_draft_reaches_the_reviewers_open_socket() -> None:
    office = make_office()
    hello, pushed = push_through_websocket(office)
    assert hello == {"type": "hello", "unread": 0, "last": 0}
    assert pushed["type"] == "notification"
    assert pushed["notification"]["event"] == "document_submitted"


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_socket_is_refused() -> None:
    from django.contrib.auth.models import AnonymousUser

    async def scenario() -> bool:
        communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
        communicator.scope["user"] = AnonymousUser()
        connected, _ = await communicator.connect()
        return connected

    assert async_to_sync(scenario)() is False


def deactivate(user: object) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


@pytest.mark.django_db(transaction=True)
def test_logout_closes_the_socket_and_nothing_more_is_delivered() -> None:
    office = make_office()
    received = push_after(office, lambda client: client.logout())
    assert received[0] == {"type": "websocket.close", "code": 4401}
    assert [m for m in received if m["type"] == "websocket.send"] == []
    assert messages_for(office.deputy) == ["document_submitted"]  # stored, readable after signing in again


@pytest.mark.django_db(transaction=True)
def test_an_expired_session_closes_the_socket_on_the_next_push() -> None:
    office = make_office()
    # Deleted from the store without a logout signal: what expiry or a purge of sessions looks like.
    received = push_after(office, lambda client: SessionStore(session_key=client.session.session_key).delete())
    assert received[0] == {"type": "websocket.close", "code": 4401}
    assert [m for m in received if m["type"] == "websocket.send"] == []


@pytest.mark.django_db(transaction=True)
def test_a_deactivated_account_closes_the_socket_on_the_next_push() -> None:
    # given the deputy's open socket and a notification already stored for them
    office = make_office()
    document = advance(make_draft(office), office, to="in_review")
    stored = Notification.objects.get(recipient=office.deputy, document=document)
    communicator, _client = signed_in_socket(office.deputy)

    async def scenario() -> list[dict]:
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["type"] == "hello"
        # when the account is deactivated and the notification is pushed again
        await database_sync_to_async(deactivate)(office.deputy)
        await get_channel_layer().group_send(
            group_for(office.deputy.pk), {"type": "notification.message", "id": stored.pk}
        )
        received = await outputs_until_quiet(communicator)
        await communicator.disconnect()
        return received

    received = async_to_sync(scenario)()
    # then the socket is closed and nothing is delivered
    assert received[0] == {"type": "websocket.close", "code": 4401}
    assert [m for m in received if m["type"] == "websocket.send"] == []


@pytest.mark.django_db(transaction=True)
def test_logging_out_elsewhere_keeps_this_socket_open() -> None:
    office = make_office()
    other_browser = Client()
    other_browser.force_login(office.deputy)
    received = push_after(office, lambda client: other_browser.logout())
    assert [m["type"] for m in received] == ["websocket.send"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_push_crosses_a_real_redis_channel_layer(settings) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [os.environ["REDIS_URL"]]}}
    }
    channel_layers.backends.clear()  # forget the in-memory layer built for earlier tests
    try:
        office = make_office()
        _, pushed = push_through_websocket(office)
        assert type(channel_layers["default"]).__name__ == "RedisChannelLayer"
        assert pushed["notification"]["event"] == "document_submitted"
    finally:
        channel_layers.backends.clear()


@pytest.mark.django_db
def test_notifications_of_a_document_no_longer_readable_are_not_shown() -> None:
    # given another organization's person shown one document, and told about it
    office = make_office()
    reader = make_office().drafter
    document = advance(make_draft(office), office, to="in_review")
    grant_view(document=document, user=reader, actor=office.head)
    Notification.objects.create(recipient=reader, document=document, event="document_submitted", message="Xem giúp")
    client = Client()
    client.force_login(reader)
    assert client.get("/api/notifications/").json()["unread"] == 1
    # when the grant is taken back
    revoke_view(document=document, user=reader, actor=office.head)
    # then the notification, which carries the trích yếu, is no longer shown nor counted
    listing = client.get("/api/notifications/").json()
    assert (listing["unread"], listing["count"], listing["results"]) == (0, 0, [])
