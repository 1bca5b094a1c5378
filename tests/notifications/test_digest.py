"""The daily digest: one e-mail per person with what they chose to get that way, once a day, and nothing twice."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import close_old_connections, connection

from documents import services
from notifications import tasks
from notifications.digest import send_digest
from notifications.models import DigestSent
from notifications.preferences import set_preferences
from organizations.models import User
from tests.factories import Office, advance, make_draft, make_office
from tests.workflow.deadline_helpers import at

pytestmark = pytest.mark.django_db


def give_address(user: User) -> str:
    address = f"{user.username}@example.gov.vn"
    User.objects.filter(pk=user.pk).update(email=address)
    return address


def submit_two_plans(office: Office, capture) -> None:
    """Two plans submitted to the deputy on Monday 02/03/2026 morning: two "trình duyệt" notifications."""
    for hour, subject in ((9, "Kế hoạch tuyển sinh"), (10, "Kế hoạch kiểm tra học kỳ")):
        with time_machine.travel(at(2026, 3, 2, hour), tick=False), capture(execute=True):
            advance(make_draft(office, subject=subject), office, to="in_review")


def test_the_digest_gathers_the_day_and_is_sent_once(office: Office, django_capture_on_commit_callbacks) -> None:
    # given a deputy who wants their tasks in a daily digest, and two plans submitted to them on Monday
    address = give_address(office.deputy)
    set_preferences(actor=office.deputy, choices={"tasks": "digest"})
    submit_two_plans(office, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # nothing at once

    # when the digest runs at 17:30, and again at 18:00
    with django_capture_on_commit_callbacks(execute=True):
        first = send_digest(now=at(2026, 3, 2, 17, 30))
        second = send_digest(now=at(2026, 3, 2, 18))

    # then one e-mail lists both, and the second run sends nothing
    assert (first, second) == (1, 0)
    assert [message.to for message in mail.outbox] == [[address]]
    digest = mail.outbox[0]
    assert digest.subject == "Tóm tắt thông báo ngày 02/03/2026: 2 thông báo"
    assert "Kế hoạch tuyển sinh" in digest.body
    assert "Kế hoạch kiểm tra học kỳ" in digest.body

    # when a third plan comes in the evening, then Tuesday's digest has it alone
    with time_machine.travel(at(2026, 3, 2, 19), tick=False), django_capture_on_commit_callbacks(execute=True):
        advance(make_draft(office, subject="Kế hoạch buổi tối"), office, to="in_review")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digest(now=at(2026, 3, 3, 17, 30)) == 1
    tuesday = mail.outbox[1].body
    assert "Kế hoạch buổi tối" in tuesday
    assert "Kế hoạch tuyển sinh" not in tuesday


def test_only_the_kinds_chosen_for_the_digest_go_into_it(office: Office, django_capture_on_commit_callbacks) -> None:
    # given a drafter who wants results in the digest, tasks not at all
    give_address(office.drafter)
    set_preferences(actor=office.drafter, choices={"results": "digest", "tasks": "none"})
    with time_machine.travel(at(2026, 3, 2, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        document = advance(make_draft(office, subject="Kế hoạch được trả lại"), office, to="in_review")
        services.document_return(document=document, actor=office.deputy, comment="Sửa mục II.")  # a task
        numbered = advance(make_draft(office, subject="Kế hoạch được cấp số"), office, to="registered")  # a result
    # when the digest runs
    with django_capture_on_commit_callbacks(execute=True):
        send_digest(now=at(2026, 3, 2, 17, 30))
    # then it holds the number given, not the return
    body = mail.outbox[0].body
    assert numbered.code in body
    assert "Sửa mục II." not in body


def test_nobody_without_a_digest_choice_or_an_address_gets_one(
    office: Office, django_capture_on_commit_callbacks
) -> None:
    # given the deputy chose a digest but has no address, and the head has an address but no digest
    set_preferences(actor=office.deputy, choices={"tasks": "digest"})
    give_address(office.head)
    submit_two_plans(office, django_capture_on_commit_callbacks)
    # then the digest sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digest(now=at(2026, 3, 2, 17, 30)) == 0
    assert mail.outbox == []


def test_the_command_and_the_task(office: Office, django_capture_on_commit_callbacks) -> None:
    give_address(office.deputy)
    set_preferences(actor=office.deputy, choices={"tasks": "digest"})
    submit_two_plans(office, django_capture_on_commit_callbacks)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digest", at="2026-03-02 17:30", stdout=out)
        with time_machine.travel(at(2026, 3, 2, 17, 45), tick=False):
            assert tasks.send_digest() == 0  # the same day: already sent
    assert "Đã gửi 1 thư tóm tắt." in out.getvalue()
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_the_same_time_send_one_e_mail() -> None:
    # given a deputy with a digest due, and three copies of send_digest started together
    assert connection.vendor == "postgresql"
    office = make_office()
    give_address(office.deputy)
    set_preferences(actor=office.deputy, choices={"tasks": "digest"})
    for hour in (9, 10):
        with time_machine.travel(at(2026, 3, 2, hour), tick=False):
            advance(make_draft(office, subject=f"Kế hoạch {hour}"), office, to="in_review")
    start = threading.Barrier(3)
    results: list[int] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(send_digest(now=at(2026, 3, 2, 17, 30)))
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one run sent it, the others found it done
    assert failures == []
    assert sorted(results) == [0, 0, 1]
    assert len(mail.outbox) == 1
    assert DigestSent.objects.get(user=office.deputy).count == 2
