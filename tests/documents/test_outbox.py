"""The transactional outbox (documents/outbox.py): stored with the change, delivered after commit to every
consumer at least once and in order per document, a failing consumer retried alone and given up loudly,
notifications idempotent by the event's key, old delivered events purged.

A test that does not run the on-commit callbacks (pytest-django's plain `db`) is an after-commit dispatch that
never happened: exactly what the sweep is for. The killed process and the Celery worker are in
test_outbox_processes.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from documents import services
from documents.errors import PermissionDenied
from documents.events import DocumentEvent, consumers, subscribe, unsubscribe
from documents.models import OutboxDelivery, OutboxEvent
from documents.outbox import as_event, backoff, dispatch_document, sweep
from notifications.models import Notification
from notifications.services import notify_for_event
from tests.factories import Office, UserFactory, advance, make_draft, make_office


@dataclass(eq=False)  # compared by identity: the registry tells consumers apart by `==`
class Recorder:
    """A consumer that notes what it receives, and fails its first `failures` calls (a mail server down)."""

    failures: int = 0
    seen: list[DocumentEvent] = field(default_factory=list)
    calls: int = 0

    def __call__(self, event: DocumentEvent) -> None:
        self.calls += 1
        if self.failures:
            self.failures -= 1
            raise RuntimeError("máy chủ thư không trả lời")
        self.seen.append(event)

    @property
    def names(self) -> list[str]:
        return [event.name for event in self.seen]


@pytest.fixture
def subscribed() -> Iterator[Callable[..., Recorder]]:
    made: list[Recorder] = []

    def make(name: str, failures: int = 0) -> Recorder:
        recorder = Recorder(failures=failures)
        subscribe(recorder, name=name)
        made.append(recorder)
        return recorder

    yield make
    for recorder in made:
        unsubscribe(recorder)


def back_off_passes() -> None:
    """Time goes by: every delivery waiting for its next attempt falls due."""
    OutboxDelivery.objects.filter(next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def submit(office: Office, document=None):
    return services.document_submit(
        document=document or make_draft(office), actor=office.drafter, reviewer=office.deputy
    )


@pytest.mark.django_db
def test_a_step_stores_its_event_with_one_insert_in_its_own_transaction(office: Office) -> None:
    # given a draft
    document = make_draft(office)
    # when the drafter submits it (the after-commit dispatch does not run here)
    with CaptureQueriesContext(connection) as queries:
        submit(office, document)
    # then the step wrote its event with one INSERT — the outbox's whole cost inside the step
    outbox_sql = [q["sql"] for q in queries.captured_queries if "documents_outbox" in q["sql"]]
    assert len(outbox_sql) == 1
    assert outbox_sql[0].startswith("INSERT INTO")
    row = OutboxEvent.objects.get(document=document, name="document_submitted")
    assert (row.from_state, row.to_state, row.actor_id, row.organization_id) == (
        "draft",
        "in_review",
        office.drafter.pk,
        office.organization.pk,
    )
    assert row.dispatched_at is None


@pytest.mark.django_db
def test_a_refused_step_leaves_no_event(office: Office) -> None:
    # given a draft
    document = make_draft(office)
    # when the clerk tries to submit it
    with pytest.raises(PermissionDenied):
        services.document_submit(document=document, actor=office.clerk)
    # then nothing was stored to announce
    assert list(OutboxEvent.objects.filter(document=document).values_list("name", flat=True)) == ["document_created"]


@pytest.mark.django_db
def test_after_commit_each_consumer_gets_each_event_once_in_order_with_its_key(
    office: Office, subscribed, django_capture_on_commit_callbacks
) -> None:
    # given a consumer beside the notifications
    recorder = subscribed("tests.recorder")
    # when a draft goes to signature, the callbacks running as after each commit
    with django_capture_on_commit_callbacks(execute=True):
        document = advance(make_draft(office), office, to="awaiting_signature")
    # then the consumer got the three events in order, each with its row's key
    rows = list(OutboxEvent.objects.filter(document=document).order_by("id"))
    assert recorder.names == ["document_created", "document_submitted", "document_approved"]
    assert [event.key for event in recorder.seen] == [str(row.key) for row in rows]
    # and each (event, consumer) was delivered once, and the events are done
    deliveries = OutboxDelivery.objects.filter(event__in=rows)
    names = [name for name, _ in consumers()]  # notifications, the recorder, and the other apps' consumers
    assert {"notifications", "tests.recorder"} <= set(names)
    assert sorted(deliveries.values_list("consumer", "attempts")) == sorted([(name, 1) for name in names] * 3)
    assert all(row.dispatched_at for row in rows)
    # and the notification of the reviewer names the event it came from
    notice = Notification.objects.get(recipient=office.deputy, event="document_submitted")
    assert notice.source_event == rows[1].key


@pytest.mark.django_db
def test_a_failing_consumer_is_retried_alone_after_its_back_off(
    office: Office, subscribed, settings, django_capture_on_commit_callbacks
) -> None:
    # given a steady consumer and one that fails twice
    settings.OUTBOX_RETRY_SECONDS = 30
    steady = subscribed("tests.steady")
    flaky = subscribed("tests.flaky", failures=2)
    # when a draft is created and submitted
    with django_capture_on_commit_callbacks(execute=True):
        document = submit(office)
    # then the steady one has both events; the flaky one failed on the first and, to keep the order, was not
    # given the second
    assert steady.names == ["document_created", "document_submitted"]
    assert (flaky.calls, flaky.names) == (1, [])
    created, submitted = OutboxEvent.objects.filter(document=document).order_by("id")
    failed = OutboxDelivery.objects.get(event=created, consumer="tests.flaky")
    assert failed.attempts == 1
    assert failed.last_error == "RuntimeError: máy chủ thư không trả lời"
    assert dt.timedelta(seconds=29) < failed.next_attempt_at - timezone.now() <= dt.timedelta(seconds=30)
    assert not OutboxDelivery.objects.filter(event=submitted, consumer="tests.flaky").exists()

    # when the sweep runs before the back-off has passed, then nothing is retried
    assert sweep().delivered == 0
    assert flaky.calls == 1
    # when it has passed, the second attempt fails too and waits twice as long
    back_off_passes()
    assert sweep().retrying == 1
    failed.refresh_from_db()
    assert failed.attempts == 2
    assert dt.timedelta(seconds=59) < failed.next_attempt_at - timezone.now() <= dt.timedelta(seconds=60)
    # and the third succeeds: the flaky consumer gets both events, in order
    back_off_passes()
    report = sweep()
    assert (report.delivered, report.events_done) == (2, 2)
    assert flaky.names == ["document_created", "document_submitted"]
    # and the others were not run again: one notification, two events for the steady consumer
    assert steady.names == ["document_created", "document_submitted"]
    assert Notification.objects.filter(recipient=office.deputy).count() == 1
    assert backoff(1) == dt.timedelta(seconds=30)
    assert backoff(20) == dt.timedelta(seconds=settings.OUTBOX_RETRY_MAX_SECONDS)


@pytest.mark.django_db
def test_a_consumer_that_keeps_failing_is_given_up_loudly_and_retried_from_the_admin(
    office: Office, subscribed, settings, caplog, client, django_capture_on_commit_callbacks
) -> None:
    # given a consumer that always fails, three attempts allowed, and a draft whose event is pending
    settings.OUTBOX_MAX_ATTEMPTS = 3
    broken = subscribed("tests.broken", failures=1000)
    document = make_draft(office)
    event = OutboxEvent.objects.get(document=document)
    # when the sweep tries three times
    with caplog.at_level(logging.WARNING, logger="documents.outbox"):
        sweep()
        for _ in range(2):
            back_off_passes()
            sweep()
    # then the consumer is given up on, the event is done, and the give-up was logged as an error
    record = OutboxDelivery.objects.get(event=event, consumer="tests.broken")
    assert (record.attempts, record.next_attempt_at, record.delivered_at) == (3, None, None)
    assert record.gave_up_at is not None
    event.refresh_from_db()
    assert event.dispatched_at is not None
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "gave up" in errors[0]
    assert "tests.broken" in errors[0]
    # and the admin lists it among the failed events
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:documents_outboxevent_changelist")
    failed_page = client.get(changelist, {"state": "failed"}).content.decode()
    assert "tests.broken" in failed_page
    assert "tests.broken" not in client.get(changelist, {"state": "delivered"}).content.decode()
    detail = client.get(reverse("admin:documents_outboxevent_change", args=[event.pk])).content.decode()
    assert "RuntimeError: máy chủ thư không trả lời" in detail

    # when the consumer is mended and an administrator retries the event
    broken.failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "retry", "_selected_action": [event.pk]})
    # then it is delivered at once, the retry is in the organization's audit chain, and nothing else re-ran
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.attempts, record.gave_up_at) == (1, None)
    assert record.delivered_at is not None
    assert broken.names == ["document_created"]
    assert AuditEvent.objects.filter(organization=office.organization, action="outbox.retry").count() == 1
    assert OutboxDelivery.objects.get(event=event, consumer="notifications").attempts == 1


@pytest.mark.django_db
def test_a_second_delivery_of_an_event_notifies_nobody_twice(office: Office) -> None:
    # given a submitted draft and its stored event
    document = submit(office)
    event = as_event(OutboxEvent.objects.get(document=document, name="document_submitted"))
    # when the notifications consumer gets that event twice (delivery is at least once)
    first = notify_for_event(event)
    second = notify_for_event(event)
    # then the reviewer was told once
    assert [n.recipient_id for n in first] == [office.deputy.pk]
    assert second == []
    assert Notification.objects.filter(source_event=event.key).count() == 1
    # and the database itself refuses a second row for the same (event, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=office.deputy, document=document, event=event.name, message="x", source_event=event.key
        )


@pytest.mark.django_db
def test_an_event_whose_dispatch_never_ran_is_delivered_by_the_sweep_exactly_once(office: Office) -> None:
    # given a submit whose after-commit dispatch never ran
    submit(office)
    assert not Notification.objects.filter(recipient=office.deputy).exists()
    # when the sweep command runs, then again
    out = StringIO()
    call_command("dispatch_outbox", stdout=out)
    call_command("dispatch_outbox", stdout=out)
    # then the reviewer was told exactly once, and the second run had nothing to do
    assert Notification.objects.filter(recipient=office.deputy, event="document_submitted").count() == 1
    first, second = out.getvalue().splitlines()
    assert "events_done=2" in first  # created and submitted
    assert "delivered=0" in second
    assert "events_done=0" in second


@pytest.mark.django_db
def test_the_sweep_purges_delivered_events_past_retention_and_keeps_given_up_ones(
    office: Office, subscribed, settings
) -> None:
    # given an old delivered event, an old one a consumer was given up on, and a recent delivered one
    settings.OUTBOX_RETENTION_DAYS = 30
    settings.OUTBOX_MAX_ATTEMPTS = 1
    old_delivered = OutboxEvent.objects.get(document=make_draft(office))
    sweep()
    broken = subscribed("tests.broken", failures=1)
    old_failed = OutboxEvent.objects.get(document=make_draft(office))
    sweep()
    unsubscribe(broken)
    recent = OutboxEvent.objects.get(document=make_draft(office))
    sweep()
    long_ago = timezone.now() - dt.timedelta(days=31)
    OutboxEvent.objects.filter(pk__in=[old_delivered.pk, old_failed.pk]).update(dispatched_at=long_ago)
    # when the sweep runs
    report = sweep()
    # then only the old delivered event (and its delivery records) is gone
    assert report.purged == 1
    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {old_failed.pk, recent.pk}
    assert not OutboxDelivery.objects.filter(event_id=old_delivered.pk).exists()


@pytest.mark.django_db
def test_the_celery_tasks_dispatch_and_sweep_in_process(office: Office, settings) -> None:
    # given a pending event
    from documents.tasks import dispatch_outbox, sweep_outbox

    submit(office)
    document_id = OutboxEvent.objects.latest("id").document_id
    # when the tasks are applied in-process
    dispatched = dispatch_outbox.apply(args=[document_id]).get()
    swept = sweep_outbox.apply().get()
    # then the first delivered both events to the notifications consumer, the second had nothing left
    assert dispatched["events_done"] == 2
    assert swept["delivered"] == 0


def test_consumers_have_stable_names() -> None:
    # given the notifications consumer, subscribed when the app was loaded
    assert ("notifications", notify_for_event) in consumers()

    # when another handler asks for a name already held, then it is refused
    def other(event: DocumentEvent) -> None: ...

    with pytest.raises(ValueError):
        subscribe(other, name="notifications")
    # and an unnamed handler is known by its dotted path; two ad-hoc list.append get distinct names
    first: list[DocumentEvent] = []
    second: list[DocumentEvent] = []
    try:
        subscribe(other)
        subscribe(first.append)
        subscribe(second.append)
        names = [name for name, _ in consumers()]
        assert f"{__name__}.test_consumers_have_stable_names.<locals>.other" in names
        assert {"list.append", "list.append#2"} <= set(names)
    finally:
        for handler in (other, first.append, second.append):
            unsubscribe(handler)
    # and unsubscribing frees the names
    assert not {"list.append", "list.append#2"} & {name for name, _ in consumers()}


class Gate:
    """A consumer that holds its first delivery until released: a dispatcher busy with a slow consumer."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.seen: list[str] = []

    def __call__(self, event: DocumentEvent) -> None:
        if not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(timeout=30)
        self.seen.append(event.name)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_dispatcher_skips_a_document_another_one_holds_and_order_is_kept() -> None:
    # given a draft, then a slow consumer
    office = make_office()
    document = make_draft(office)
    gate = Gate()
    subscribe(gate, name="tests.gate")
    errors: list[BaseException] = []

    def submit_in_a_thread() -> None:
        try:
            submit(office, document)  # commits; its dispatcher then waits in the gate, holding the event's row
        except BaseException as exc:  # pragma: no cover - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    try:
        # when the submit's dispatcher is held by the slow consumer
        holder = threading.Thread(target=submit_in_a_thread)
        holder.start()
        assert gate.entered.wait(timeout=30)
        # and the reviewer approves meanwhile: its own after-commit dispatch runs here, and a sweep too
        services.document_approve(document=document, actor=office.deputy)
        swept = dispatch_document(document.pk)
        # then neither delivered anything: the oldest pending event is locked by the first dispatcher, and
        # the approval may not overtake it
        assert swept.delivered == 0
        approved = OutboxEvent.objects.get(document=document, name="document_approved")
        assert approved.dispatched_at is None
        assert not OutboxDelivery.objects.filter(event=approved).exists()
        # when the slow consumer lets go
        gate.release.set()
        holder.join(timeout=30)
    finally:
        gate.release.set()
        unsubscribe(gate)
    # then the first dispatcher delivered both, in order, each once to each consumer
    assert errors == []
    assert gate.seen == ["document_submitted", "document_approved"]
    rows = OutboxEvent.objects.filter(document=document, name__in=["document_submitted", "document_approved"])
    names = ["tests.gate", *(name for name, _ in consumers())]  # the gate (gone now), notifications, the others
    assert "notifications" in names
    assert sorted(OutboxDelivery.objects.filter(event__in=rows).values_list("consumer", "attempts")) == sorted(
        [(name, 1) for name in names] * 2
    )
    assert Notification.objects.filter(recipient=office.head, event="document_approved").count() == 1
