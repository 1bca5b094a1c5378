"""The receiving side's steps tell the right people: the sender about answers (04/05/06, recall answers), the
leader about a forward, the people in charge about an assignment with its deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from documents import services
from documents.dates import vn_today
from notifications.models import Notification
from tests.receiving.scenario import school_receives

pytestmark = pytest.mark.django_db


def events_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("event", flat=True))


def test_each_handling_step_reaches_its_people(django_capture_on_commit_callbacks) -> None:
    # given a plan issued to a school: its clerk is told of a new arrival
    with django_capture_on_commit_callbacks(execute=True):
        s = school_receives()
    assert events_of(s.school.clerk) == ["document_issued"]
    deadline = vn_today() + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        # when it is accepted, forwarded, assigned, started and finished
        s.accept()
        services.incoming_forward(delivery=s.delivery, actor=s.school.clerk, leader=s.school.deputy)
        s.assign(deadline=deadline)
        services.incoming_start(delivery=s.delivery, actor=s.teacher)
        services.incoming_finish(delivery=s.delivery, actor=s.teacher, result="Đã triển khai.")
    # then the deputy hears of the forward, the unit in charge and the supporting unit of the assignment
    assert events_of(s.school.deputy) == ["delivery_forwarded"]
    assert events_of(s.teacher) == ["delivery_assigned"]
    assert events_of(s.supporter) == ["delivery_assigned"]
    assigned = Notification.objects.get(recipient=s.teacher)
    assert f"hạn {deadline:%d/%m/%Y}" in assigned.message
    # and the sender's clerk and drafter hear of each answer, not of the internal forward
    expected = ["delivery_accepted", "delivery_in_progress", "delivery_done"]
    assert [e for e in events_of(s.sender.clerk) if e.startswith("delivery_")] == expected
    assert [e for e in events_of(s.sender.drafter) if e.startswith("delivery_")] == expected
    assert (
        "Đã triển khai." in Notification.objects.filter(recipient=s.sender.drafter, event="delivery_done").get().message
    )
    # and nobody else at the school
    assert events_of(s.outsider) == []


def test_recall_answers_reach_the_sender(django_capture_on_commit_callbacks) -> None:
    # given two schools' copies asked back
    first, second = school_receives(), school_receives()
    first.accept()
    second.accept()
    services.document_recall(document=first.document, actor=first.sender.head, reason="Nhầm.")
    services.document_recall(document=second.document, actor=second.sender.head, reason="Nhầm.")
    # when one agrees and the other refuses
    with django_capture_on_commit_callbacks(execute=True):
        services.recall_agree(delivery=first.delivery, actor=first.school.clerk)
        services.recall_refuse(delivery=second.delivery, actor=second.school.clerk, reason="Đã triển khai xong.")
    # then each sender's drafter is told, with the reason of the refusal
    assert events_of(first.sender.drafter)[-1] == "delivery_recalled"
    refused = Notification.objects.filter(recipient=second.sender.drafter).order_by("pk").last()
    assert (refused.event, "Đã triển khai xong." in refused.message) == ("delivery_recall_refused", True)
