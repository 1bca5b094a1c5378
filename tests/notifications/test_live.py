"""The socket each tab keeps: who receives what, catch-up after a given id, the badge across tabs.

Runs on the in-memory layer by default and on Redis when REDIS_URL is set (CI's second pass)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.permissions import grant_view, revoke_view
from notifications.consumers import CATCH_UP_LIMIT, NotificationConsumer
from notifications.models import Notification
from notifications.selectors import ASKED_AT_CREATION, PushedNotificationCheck, notifications_for
from tests.factories import advance, advance_routed, make_draft, make_office, start_draft
from tests.notifications.sockets import json_until_quiet, outputs_until_quiet, signed_in_socket
from workflow.models import DocumentTask

pytestmark = pytest.mark.django_db(transaction=True)


def stored(recipient: object, document: object, count: int, event: str = "document_submitted") -> list[int]:
    """`count` notifications of `recipient` about `document`, oldest first (ids)."""
    return [
        Notification.objects.create(recipient=recipient, document=document, event=event, message=f"Việc {n}").pk
        for n in range(count)
    ]


def test_a_submit_reaches_the_reviewers_socket_and_no_one_elses() -> None:
    # given the deputy (reviewer), the drafter, the head and another office's deputy, each with a tab open
    office = make_office()
    stranger = make_office()
    people = {"deputy": office.deputy, "drafter": office.drafter, "head": office.head, "stranger": stranger.deputy}
    opened = {name: signed_in_socket(user) for name, user in people.items()}
    sockets = {name: communicator for name, (communicator, _) in opened.items()}
    document = start_draft(office, subject="Kế hoạch phòng chống dịch")

    async def scenario() -> dict[str, list[dict]]:
        for communicator in sockets.values():
            assert (await communicator.connect())[0]
            assert (await communicator.receive_json_from())["type"] == "hello"
        # when the drafter submits the plan through the flow
        await database_sync_to_async(advance_routed)(document, office, to="in_review")
        received = {name: await json_until_quiet(communicator) for name, communicator in sockets.items()}
        for communicator in sockets.values():
            await communicator.disconnect()
        return received

    received = async_to_sync(scenario)()

    # then only the reviewer's socket got it, with a link that leads to their review task
    (pushed,) = received["deputy"]
    task = DocumentTask.objects.get(owner=office.deputy, status__in=["NEW", "ASSIGNED"])
    assert pushed["type"] == "notification"
    assert pushed["notification"]["event"] == "document_submitted"
    assert "Kế hoạch phòng chống dịch" in pushed["notification"]["message"]
    link = pushed["notification"]["url"]
    assert link == reverse("notifications:open", args=[pushed["notification"]["id"]])
    assert opened["deputy"][1].get(link)["Location"] == reverse("workflow:task", args=[task.pk])
    assert received["drafter"] == received["head"] == received["stranger"] == []
    # and that link is the deputy's alone
    assert opened["head"][1].get(link).status_code == 404


def test_a_notification_without_an_open_task_leads_to_the_document() -> None:
    # given the drafter's open tab
    office = make_office()
    document = advance(make_draft(office), office, to="in_review")
    communicator, client = signed_in_socket(office.drafter)

    async def scenario() -> list[dict]:
        assert (await communicator.connect())[0]
        await communicator.receive_json_from()
        # when the deputy returns the draft outside the flow (no task is opened for the drafter)
        await database_sync_to_async(services.document_return)(document=document, actor=office.deputy, comment="Sửa")
        received = await json_until_quiet(communicator)
        await communicator.disconnect()
        return received

    (pushed,) = async_to_sync(scenario)()
    # then the toast leads to the document's page
    assert client.get(pushed["notification"]["url"])["Location"] == reverse("workflow:document", args=[document.pk])


def test_an_anonymous_socket_is_refused_through_the_auth_stack() -> None:
    # given a socket without a session cookie, through the same stack as the server's
    from channels.auth import AuthMiddlewareStack
    from channels.testing import WebsocketCommunicator

    async def scenario() -> tuple[bool, int | None]:
        communicator = WebsocketCommunicator(AuthMiddlewareStack(NotificationConsumer.as_asgi()), "/ws/notifications/")
        refused = await communicator.connect()
        await communicator.disconnect()  # what the server sends after a refusal: the consumer ends here
        return refused

    # then the handshake is refused with "session ended"
    assert async_to_sync(scenario)() == (False, 4401)


def test_an_anonymous_scope_is_refused() -> None:
    communicator = signed_in_socket(make_office().deputy)[0]

    async def scenario() -> bool:
        communicator.scope["user"] = AnonymousUser()
        accepted = (await communicator.connect())[0]
        await communicator.disconnect()
        return accepted

    assert async_to_sync(scenario)() is False


def test_logout_closes_the_socket_with_4401() -> None:
    # given the deputy's open tab
    office = make_office()
    communicator, client = signed_in_socket(office.deputy)

    async def scenario() -> list[dict]:
        assert (await communicator.connect())[0]
        await communicator.receive_json_from()
        # when they log out in that browser (the logout page, a POST)
        await database_sync_to_async(client.post)(reverse("logout"))
        received = await outputs_until_quiet(communicator)
        await communicator.disconnect()
        return received

    # then the socket is closed at once, with the code that tells the page to stop reconnecting
    assert async_to_sync(scenario)() == [{"type": "websocket.close", "code": 4401}]


def test_connecting_after_an_id_replays_what_was_missed_oldest_first() -> None:
    # given five notifications of the deputy; the page saw up to the second
    office = make_office()
    document = advance(make_draft(office), office, to="in_review")
    ids = [Notification.objects.get(recipient=office.deputy).pk, *stored(office.deputy, document, 4)]
    communicator, _ = signed_in_socket(office.deputy, after=ids[1])

    async def scenario() -> list[dict]:
        assert (await communicator.connect())[0]
        received = await json_until_quiet(communicator)
        await communicator.disconnect()
        return received

    hello, *replayed, done = async_to_sync(scenario)()
    # then the socket greets with the count, replays the three it missed in order, and says it is done
    assert hello == {"type": "hello", "unread": 5, "last": ids[-1]}
    assert [m["notification"]["id"] for m in replayed] == ids[2:]
    assert all(m["catch_up"] is True for m in replayed)
    assert replayed[0]["notification"]["url"] == reverse("notifications:open", args=[ids[2]])
    assert done == {"type": "caught_up", "count": 3, "more": False}


def test_catch_up_skips_documents_the_reader_may_no_longer_see_and_stops_at_the_limit() -> None:
    # given a reader shown one document by a grant, told about it many times, then the grant taken back…
    office = make_office()
    reader_office = make_office()
    reader = reader_office.drafter
    hidden = advance(make_draft(office), office, to="in_review")
    grant_view(document=hidden, user=reader, actor=office.head)
    stored(reader, hidden, 3)
    revoke_view(document=hidden, user=reader, actor=office.head)
    # …and more notifications than one catch-up replays about a document of their own
    mine = stored(reader, make_draft(reader_office, subject="Kế hoạch của tôi"), CATCH_UP_LIMIT + 5)
    communicator, _ = signed_in_socket(reader, after=0)

    async def scenario() -> list[dict]:
        assert (await communicator.connect())[0]
        received = await json_until_quiet(communicator)
        await communicator.disconnect()
        return received

    hello, *replayed, done = async_to_sync(scenario)()
    # then nothing of the hidden document is replayed or counted, and the replay stops at the limit
    assert hello["unread"] == CATCH_UP_LIMIT + 5
    assert [m["notification"]["id"] for m in replayed] == mine[:CATCH_UP_LIMIT]
    assert done == {"type": "caught_up", "count": CATCH_UP_LIMIT, "more": True}


def test_without_an_id_nothing_is_replayed() -> None:
    office = make_office()
    advance(make_draft(office), office, to="in_review")
    communicator, _ = signed_in_socket(office.deputy)

    async def scenario() -> list[dict]:
        assert (await communicator.connect())[0]
        received = await json_until_quiet(communicator)
        await communicator.disconnect()
        return received

    assert [m["type"] for m in async_to_sync(scenario)()] == ["hello"]


def test_reading_in_one_tab_updates_the_badge_of_the_other() -> None:
    # given the deputy with two unread notifications and a second tab open
    office = make_office()
    document = advance(make_draft(office), office, to="in_review")
    stored(office.deputy, document, 1)
    communicator, client = signed_in_socket(office.deputy)

    async def scenario() -> list[dict]:
        assert (await communicator.connect())[0]
        assert (await communicator.receive_json_from())["unread"] == 2
        # when everything is marked read in the first tab
        answer = await database_sync_to_async(client.post)(reverse("notifications-api:mark-all-read"))
        assert answer.json() == {"marked_read": 2}
        received = await json_until_quiet(communicator)
        await communicator.disconnect()
        return received

    # then the second tab is told the new count
    assert async_to_sync(scenario)() == [{"type": "unread", "unread": 0, "last": Notification.objects.latest("pk").pk}]


def test_a_push_of_someone_elses_notification_is_not_sent() -> None:
    # given the deputy's socket and a notification of another person
    from channels.layers import get_channel_layer

    from notifications.services import group_for

    office = make_office()
    other_office = make_office()
    theirs = stored(other_office.deputy, make_draft(other_office), 1)[0]
    communicator, _ = signed_in_socket(office.deputy)

    async def scenario() -> list[dict]:
        assert (await communicator.connect())[0]
        await communicator.receive_json_from()
        # when a push names it on the deputy's group (a bug elsewhere, or a forged message)
        forged = {"type": "notification.message", "id": theirs}
        await get_channel_layer().group_send(group_for(office.deputy.pk), forged)
        received = await json_until_quiet(communicator)
        await communicator.disconnect()
        return received

    # then the consumer's own check keeps it on the server
    assert async_to_sync(scenario)() == []


def test_the_page_carries_where_its_socket_catches_up_from(client: Client) -> None:
    # given the deputy with one notification
    office = make_office()
    advance(make_draft(office), office, to="in_review")
    client.force_login(office.deputy)
    # when any page is drawn
    html = client.get(reverse("workflow:inbox")).content.decode()
    # then the header badge shows the count and the live script knows the newest id
    last = Notification.objects.get(recipient=office.deputy).pk
    assert 'id="live-badge" data-count="1"' in html
    assert f'data-after="{last}"' in html
    assert 'aria-live="polite"' in html
    assert "notifications/live.js" in html


def test_the_compiled_rule_is_asked_again_at_each_run() -> None:
    # given a reader shown a plan by a grant, a notification of theirs and one of the deputy's about it
    office = make_office()
    reader = make_office().drafter
    document = advance(make_draft(office), office, to="in_review")
    grant_view(document=document, user=reader, actor=office.head)
    (mine,) = stored(reader, document, 1)
    (theirs,) = stored(office.deputy, document, 1)
    # when a socket compiles its check (once, at connect)
    check = PushedNotificationCheck(user=reader)
    assert check.compiled
    # then the rule finds the reader's own only
    assert check.still_readable(mine)
    assert not check.still_readable(theirs)
    assert not check.still_readable(mine + theirs + 1000)
    # and once the grant is taken back, the same compiled query no longer finds it: the rule runs in the database
    revoke_view(document=document, user=reader, actor=office.head)
    assert not check.still_readable(mine)
    assert not notifications_for(user=reader).filter(pk=mine).exists()


def push_to(user: object, notification_id: int) -> list[dict]:
    """What `user`'s open socket sends when `notification_id` is pushed to their group."""
    from channels.layers import get_channel_layer

    from notifications.services import group_for

    communicator, _ = signed_in_socket(user)

    async def scenario() -> list[dict]:
        assert (await communicator.connect())[0]
        await communicator.receive_json_from()
        await get_channel_layer().group_send(
            group_for(user.pk), {"type": "notification.message", "id": notification_id}
        )
        received = await json_until_quiet(communicator)
        await communicator.disconnect()
        return received

    return async_to_sync(scenario)()


def test_a_late_push_of_a_document_the_reader_may_no_longer_see_is_not_sent() -> None:
    # given a notification made a minute ago for a reader shown the plan by a grant, since taken back
    office = make_office()
    reader = make_office().drafter
    document = advance(make_draft(office), office, to="in_review")
    grant_view(document=document, user=reader, actor=office.head)
    (late,) = stored(reader, document, 1)
    Notification.objects.filter(pk=late).update(created_at=timezone.now() - ASKED_AT_CREATION * 12)
    revoke_view(document=document, user=reader, actor=office.head)
    # when it is pushed only now (a worker that was behind)
    # then the rule is asked again, and nothing leaves the server
    assert push_to(reader, late) == []


def test_a_late_push_of_a_readable_document_is_sent() -> None:
    office = make_office()
    document = advance(make_draft(office), office, to="in_review")
    (late,) = stored(office.deputy, document, 1)
    Notification.objects.filter(pk=late).update(created_at=timezone.now() - ASKED_AT_CREATION * 12)
    (pushed,) = push_to(office.deputy, late)
    assert pushed["notification"]["id"] == late


def test_a_socket_open_longer_than_the_group_expiry_still_receives(settings, monkeypatch) -> None:
    # given a channel layer whose groups forget a member after 2 s (a day in production)
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"group_expiry": 2}}
    }
    channel_layers.backends.clear()
    office = make_office()
    document = make_draft(office)
    communicator, _ = signed_in_socket(office.deputy)

    async def scenario() -> list[dict]:
        assert (await communicator.connect())[0]
        await communicator.receive_json_from()
        # when the tab stays open, idle, twice as long
        assert await communicator.receive_nothing(timeout=4, interval=0.2)
        await database_sync_to_async(services.document_submit)(document=document, actor=office.drafter)
        received = await json_until_quiet(communicator)
        await communicator.disconnect()
        return received

    try:
        received = async_to_sync(scenario)()
    finally:
        channel_layers.backends.clear()
    # then it renewed its place in the group and still receives
    assert [m["notification"]["event"] for m in received] == ["document_submitted"]


def consumer_of(user: object, client: Client) -> NotificationConsumer:
    """A consumer as connect() leaves it, without a socket: to count what one push costs."""
    consumer = NotificationConsumer()
    consumer.user, consumer.user_id, consumer.session_key = user, user.pk, client.session.session_key
    consumer._session_verified = None
    consumer._push_check = PushedNotificationCheck(user=user)
    return consumer


def checked(consumer: NotificationConsumer, notification_id: int) -> tuple[bool, dict | None]:
    return NotificationConsumer.__dict__["_checked_payload"].func(consumer, notification_id)


def test_a_push_costs_one_query_while_the_session_is_unchanged(django_assert_num_queries) -> None:
    # given the deputy's socket and three notifications of theirs
    office = make_office()
    document = advance(make_draft(office), office, to="in_review")
    first, second, third = stored(office.deputy, document, 3)
    client = Client()
    client.force_login(office.deputy)
    consumer = consumer_of(office.deputy, client)

    # the first push reads the notification with the session and the person, and asks Django's get_user
    with django_assert_num_queries(3):
        assert checked(consumer, first)[1]["id"] == first
    # a second one, nothing changed: the one read
    with django_assert_num_queries(1):
        assert checked(consumer, second)[1]["id"] == second
    # the session's data changed (something stored in it): get_user is asked again, and says yes
    session = client.session
    session["seen"] = True
    session.save()
    with django_assert_num_queries(3):
        assert checked(consumer, third)[0] is True
    # the password changed elsewhere: get_user says no (and ends that session), nothing is sent
    office.deputy.set_password("mat-khau-moi-2026")
    office.deputy.save()
    assert checked(consumer, third) == (False, None)
    assert checked(consumer, first) == (False, None)  # the session is gone now


def test_with_sessions_kept_elsewhere_every_push_asks_get_user(settings) -> None:
    # given sessions in the cache rather than the database, and the deputy's open socket
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    office = make_office()
    document = advance(make_draft(office), office, to="in_review")
    first, second = stored(office.deputy, document, 2)
    communicator, client = signed_in_socket(office.deputy)
    from channels.layers import get_channel_layer

    from notifications.services import group_for

    async def scenario() -> tuple[dict, list[dict]]:
        assert (await communicator.connect())[0]
        await communicator.receive_json_from()
        layer = get_channel_layer()
        await layer.group_send(group_for(office.deputy.pk), {"type": "notification.message", "id": first})
        delivered = await communicator.receive_json_from(timeout=5)
        # when the session is removed from the store, without a logout
        await database_sync_to_async(client.session.delete)()
        await layer.group_send(group_for(office.deputy.pk), {"type": "notification.message", "id": second})
        after = await outputs_until_quiet(communicator)
        await communicator.disconnect()
        return delivered, after

    delivered, after = async_to_sync(scenario)()
    # then the first is delivered, and the next push finds the session gone and closes the socket
    assert delivered["notification"]["id"] == first
    assert after == [{"type": "websocket.close", "code": 4401}]
