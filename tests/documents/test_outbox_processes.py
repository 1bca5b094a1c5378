"""The outbox across real processes: a web process killed between its commit and the dispatch, whose event
the restarted sweep delivers exactly once; a Celery worker on Redis delivering what a service committed; and
the settings that choose between them."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import services
from documents.models import OutboxDelivery, OutboxEvent, Status
from notifications.models import Notification
from tests.documents.conftest import Worker
from tests.documents.processes import run
from tests.factories import make_draft, make_office

T = TypeVar("T")


def eventually(read: Callable[[], T], *, timeout: float = 30) -> T:
    """The first truthy value of `read()` within `timeout` seconds (another process is at work)."""
    deadline = time.monotonic() + timeout
    while not (value := read()):
        if time.monotonic() > deadline:
            pytest.fail(f"nothing after {timeout} s")
        time.sleep(0.2)
    return value


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_by_a_process_killed_before_dispatch_is_delivered_after_restart_exactly_once() -> None:
    # given a draft, committed
    office = make_office()
    document = make_draft(office)
    # when another process submits it and is killed (SIGKILL) right after its COMMIT, before the dispatch
    killed = run(
        "-m",
        "tests.documents.crash_after_commit",
        str(document.pk),
        str(office.drafter.pk),
        str(office.deputy.pk),
        OUTBOX_DISPATCH="inline",
    )
    # then the change is there, its event is stored and undelivered, and nobody was told
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    document.refresh_from_db()
    assert document.status == Status.IN_REVIEW
    event = OutboxEvent.objects.get(document=document, name="document_submitted")
    assert event.dispatched_at is None
    assert not OutboxDelivery.objects.filter(event=event).exists()
    assert not Notification.objects.filter(recipient=office.deputy).exists()

    # when the restarted system sweeps (a new process, as cron or beat would), twice
    first = run("manage.py", "dispatch_outbox")
    second = run("manage.py", "dispatch_outbox")
    # then the reviewer is told exactly once, and the second sweep found nothing to deliver
    assert first.returncode == 0, first.stderr
    assert "events_done=1" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "delivered=0" in second.stdout
    assert Notification.objects.filter(recipient=office.deputy, event="document_submitted").count() == 1
    assert OutboxDelivery.objects.get(event=event, consumer="notifications").attempts == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_on_redis_delivers_what_a_service_committed(celery_worker: Worker, settings) -> None:
    # given a broker-backed outbox (as in production) and a draft whose own events the worker delivers
    settings.OUTBOX_DISPATCH = "celery"
    office = make_office()
    document = make_draft(office)
    # when the drafter submits it
    with CaptureQueriesContext(connection) as queries:
        services.document_submit(document=document, actor=office.drafter, reviewer=office.deputy)
    # then the request did no delivery work after its commit: no notification, no delivery record
    delivery_sql = [
        q["sql"]
        for q in queries.captured_queries
        if "notifications_notification" in q["sql"] or "documents_outboxdelivery" in q["sql"]
    ]
    assert delivery_sql == []
    # and the worker delivered it: the reviewer's notification appears, from one attempt
    notice = eventually(
        lambda: Notification.objects.filter(recipient=office.deputy, event="document_submitted").first()
    )
    event = OutboxEvent.objects.get(document=document, name="document_submitted")
    assert notice.source_event == event.key
    record = eventually(
        lambda: OutboxDelivery.objects.filter(event=event, consumer="notifications", delivered_at__isnull=False).first()
    )
    assert record.attempts == 1
    log = eventually(lambda: "succeeded" in celery_worker.output() and celery_worker.output())
    assert "Task documents.dispatch_outbox" in log


def test_the_broker_follows_redis_and_the_embedded_default_needs_none() -> None:
    show = (
        "from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.OUTBOX_DISPATCH,"
        " 'outbox-sweep' in s.CELERY_BEAT_SCHEDULE)"
    )
    clean = {"REDIS_URL": "", "CELERY_BROKER_URL": "", "OUTBOX_DISPATCH": "", "DATABASE_URL": "sqlite:///:memory:"}
    # given no Redis: an in-memory broker, tasks run in-process, events dispatched in-process
    embedded = run("manage.py", "shell", "-v", "0", "-c", show, **clean)
    assert embedded.stdout.split() == ["memory://", "True", "inline", "True"], embedded.stderr
    # given REDIS_URL: the broker is that Redis, and the outbox hands events to the workers
    production = run("manage.py", "shell", "-v", "0", "-c", show, **{**clean, "REDIS_URL": "redis://127.0.0.1:6379/7"})
    assert production.stdout.split()[:3] == ["redis://127.0.0.1:6379/7", "False", "celery"], production.stderr
    # given an unknown dispatch mode: refused at start
    refused = run("manage.py", "check", **{**clean, "OUTBOX_DISPATCH": "later"})
    assert refused.returncode != 0
    assert "OUTBOX_DISPATCH" in refused.stderr
