"""The Redis channel layer stays connected however long a socket is idle, and two server processes share it.

Why: channels-redis blocks 5 s in each BZPOPMIN, and redis-py 8 reads every reply within a 5 s socket timeout by
default — an idle socket's read timed out just before Redis answered, and the socket closed with 1011
(config/channel_layers.py). The tests marked `redis` run on a real Redis server (REDIS_URL)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator

import pytest
from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import HttpCommunicator
from django.core.exceptions import ImproperlyConfigured
from django.urls import path

from config.channel_layers import blocking_read_seconds, redis_channel_layer
from documents import services
from notifications.consumers import NotificationConsumer
from notifications.models import Notification
from organizations.models import Role
from tests.factories import TokenFactory, add_member, advance, make_draft, make_office, start_draft
from tests.notifications.sockets import signed_in_socket

IDLE_SECONDS = 30


def test_the_socket_timeout_stays_above_channels_redis_blocking_read() -> None:
    # given the layer the settings build for a Redis URL
    host = redis_channel_layer("redis://127.0.0.1:6379/0")["CONFIG"]["hosts"][0]
    # then redis-py waits comfortably longer for a reply than channels-redis blocks, and checks idle connections
    assert host["socket_timeout"] >= blocking_read_seconds() + 2
    assert host["health_check_interval"] > 0
    assert host["socket_keepalive"] is True
    # and a fan-out to a thousand sockets of one server process is not cut at channels-redis's default 100
    assert redis_channel_layer("redis://127.0.0.1:6379/0")["CONFIG"]["capacity"] >= 1000


@pytest.mark.parametrize(
    ("url", "socket_timeout"),
    [("redis://127.0.0.1:6379/0", 5), ("redis://127.0.0.1:6379/0?socket_timeout=5", 15)],
)
def test_a_socket_timeout_the_blocking_read_would_hit_is_refused(url: str, socket_timeout: float) -> None:
    # a timeout given in the URL wins in redis-py, so it is checked too
    with pytest.raises(ImproperlyConfigured, match="socket timeout"):
        redis_channel_layer(url, socket_timeout=socket_timeout)


@pytest.fixture
def two_processes_layers(settings) -> Iterator[None]:
    """The layer of the settings, twice: "default" as this process has it, "process_b" as another would. Groups
    expire after 10 s here (a day in production): a socket idle longer must renew its place to keep receiving."""
    layer = redis_channel_layer(os.environ["REDIS_URL"])
    layer["CONFIG"]["group_expiry"] = 10
    settings.CHANNEL_LAYERS = {"default": layer, "process_b": layer}
    channel_layers.backends.clear()  # forget the layers built for earlier tests
    yield
    channel_layers.backends.clear()


async def submit_and_receive(communicator, office, document) -> dict:
    await database_sync_to_async(services.document_submit)(document=document, actor=office.drafter)
    return await communicator.receive_json_from(timeout=5)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_socket_idle_for_30_seconds_still_receives(two_processes_layers) -> None:
    # given the deputy's open socket on the Redis layer of the settings
    office = make_office()
    document = make_draft(office)
    communicator, _ = signed_in_socket(office.deputy)

    async def scenario() -> dict:
        assert (await communicator.connect())[0]
        assert (await communicator.receive_json_from())["type"] == "hello"
        # when nothing happens for 30 s (six of channels-redis's blocking reads, three group expiries)
        assert await communicator.receive_nothing(timeout=IDLE_SECONDS, interval=0.5)
        assert not communicator.future.done(), "the consumer died while idle"
        # then a submission still reaches it
        pushed = await submit_and_receive(communicator, office, document)
        await communicator.disconnect()
        return pushed

    pushed = async_to_sync(scenario)()
    assert pushed["notification"]["event"] == "document_submitted"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_redis_pys_default_timeout_an_idle_socket_dies(settings) -> None:
    # given the layer configured as before the fix: the bare URL, redis-py's 5-second socket timeout
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [os.environ["REDIS_URL"]]}}
    }
    channel_layers.backends.clear()
    office = make_office()
    communicator, _ = signed_in_socket(office.deputy)

    async def scenario() -> BaseException | None:
        assert (await communicator.connect())[0]
        await communicator.receive_json_from()
        # when the socket idles a little longer than one blocking read
        await communicator.receive_nothing(timeout=blocking_read_seconds() + 3, interval=0.5)
        return communicator.future.exception() if communicator.future.done() else None

    try:
        failure = async_to_sync(scenario)()
    finally:
        channel_layers.backends.clear()
    # then the consumer is dead of a read timeout: what the browser saw as a 1011 close (what the fix prevents)
    assert type(failure).__name__ == "TimeoutError"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_an_event_raised_through_one_application_reaches_a_socket_held_by_the_other(two_processes_layers) -> None:
    # given two ASGI applications, each with its own channel layer as two server processes have: A is the
    # project's, B holds the deputy's socket
    from config.asgi import application as application_a

    application_b = AuthMiddlewareStack(
        URLRouter([path("ws/notifications/", NotificationConsumer.as_asgi(channel_layer_alias="process_b"))])
    )
    office = make_office()
    document = start_draft(office, subject="Kế hoạch hai tiến trình")
    communicator, _ = signed_in_socket(office.deputy, application=application_b)
    token = TokenFactory(user=office.drafter)

    async def scenario() -> tuple[int, dict, bool]:
        assert (await communicator.connect())[0]
        await communicator.receive_json_from()
        # when the drafter submits through application A's HTTP API
        request = HttpCommunicator(
            application_a,
            "POST",
            f"/api/documents/{document.pk}/submit/",
            body=json.dumps({"reviewer": office.deputy.pk}).encode(),
            headers=[
                (b"host", b"testserver"),
                (b"authorization", f"Token {token.key}".encode()),
                (b"content-type", b"application/json"),
            ],
        )
        answer = await request.get_response(timeout=30)
        pushed = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        layers_differ = channel_layers["default"] is not channel_layers["process_b"]
        return answer["status"], pushed, layers_differ

    status, pushed, layers_differ = async_to_sync(scenario)()
    # then B's socket receives it, through Redis
    assert status == 200
    assert layers_differ
    assert pushed["notification"]["message"].endswith("Kế hoạch hai tiến trình")
    assert pushed["notification"]["url"] == f"/notifications/{pushed['notification']['id']}/open/"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_fan_out_to_150_sockets_of_one_server_loses_none(two_processes_layers) -> None:
    # given 150 people of one unit, each with a tab open on the same server process, and a plan issued to the unit
    from notifications.push import push_notifications

    office = make_office()
    people = [add_member(office, Role.STAFF, full_name=f"Chuyên viên {n}") for n in range(150)]
    unit_line = {"display_name": office.unit.name, "purpose": "execute", "unit": office.unit}
    document = advance(make_draft(office, recipients=[unit_line]), office, to="issued")
    sockets = [signed_in_socket(person)[0] for person in people]

    def notify_everyone() -> None:
        push_notifications(
            Notification.objects.bulk_create(
                [Notification(recipient=p, document=document, event="document_issued", message="Xem") for p in people]
            )
        )

    async def first_message(communicator) -> str:
        return (await communicator.receive_json_from(timeout=30))["type"]

    async def scenario() -> list[str]:
        for communicator in sockets:
            assert (await communicator.connect(timeout=30))[0]
            await communicator.receive_json_from(timeout=30)
        # when one notification each is made and pushed at once
        await database_sync_to_async(notify_everyone)()
        received = await asyncio.gather(*(first_message(c) for c in sockets), return_exceptions=True)
        for communicator in sockets:
            await communicator.disconnect()
        return received

    # then every socket got its own: none dropped at the channel layer's capacity
    received = async_to_sync(scenario)()
    assert received.count("notification") == 150, [r for r in received if r != "notification"][:3]
