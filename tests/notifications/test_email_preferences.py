"""E-mail as each person chose, per kind of notification: defaults (urgent, arrivals, overdue at once; the rest
not), choices respected, one query for everyone's choices; the settings page and the API."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from documents import services
from documents.models import Urgency
from notifications.preferences import mailboxes, preferences_of, set_preferences
from organizations.models import User
from tests.factories import Office, advance, make_draft, make_office
from tests.receiving.scenario import school_receives

pytestmark = pytest.mark.django_db


def give_address(user: User) -> str:
    address = f"{user.username}@example.gov.vn"
    User.objects.filter(pk=user.pk).update(email=address)
    user.email = address
    return address


def mailed_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_by_default_an_ordinary_task_is_not_mailed_an_urgent_one_is(
    office: Office, django_capture_on_commit_callbacks
) -> None:
    # given a reviewer with an address, and two plans submitted to them, one of them Khẩn
    address = give_address(office.deputy)
    with django_capture_on_commit_callbacks(execute=True):
        advance(make_draft(office, subject="Thường"), office, to="in_review")
        advance(make_draft(office, subject="Khẩn", urgency=Urgency.KHAN), office, to="in_review")
    # then only the urgent one is mailed, with its urgency in the subject
    assert mailed_to() == [address]
    assert mail.outbox[0].subject.startswith("[Khẩn] ")
    assert "Khẩn" in mail.outbox[0].body


def test_arrivals_are_mailed_by_default(django_capture_on_commit_callbacks) -> None:
    # given a school whose clerk has an address
    with django_capture_on_commit_callbacks(execute=True):
        s = school_receives()
    assert mail.outbox == []  # the clerk had no address yet
    address = give_address(s.school.clerk)
    # when the Phòng sends another plan
    with django_capture_on_commit_callbacks(execute=True):
        s.next_plan()
    # then its clerk gets it by e-mail at once
    assert mailed_to() == [address]


def test_each_person_s_choice_is_respected(office: Office, django_capture_on_commit_callbacks) -> None:
    # given a reviewer who wants tasks at once, and a drafter who wants no e-mail at all, even urgent
    give_address(office.deputy)
    give_address(office.drafter)
    set_preferences(actor=office.deputy, choices={"tasks": "immediate"})
    set_preferences(actor=office.drafter, choices={"urgent": "none", "tasks": "none"})
    document = make_draft(office, urgency=Urgency.HOA_TOC)
    # when an urgent plan is submitted and sent back
    with django_capture_on_commit_callbacks(execute=True):
        document = advance(document, office, to="in_review")
        services.document_return(document=document, actor=office.deputy, comment="Bổ sung số liệu.")
    # then the reviewer got the submission, the drafter nothing
    assert mailed_to() == [office.deputy.email]


def test_choices_equal_to_the_default_are_not_stored(office: Office) -> None:
    # when a person sets a kind to its default and another away from it
    chosen = set_preferences(actor=office.drafter, choices={"arrivals": "immediate", "results": "digest"})
    # then all kinds are answered, and only the change is kept
    assert chosen == preferences_of(user=office.drafter)
    assert chosen["results"] == "digest"
    assert chosen["arrivals"] == "immediate"
    assert list(office.drafter.email_preferences.values_list("category", flat=True)) == ["results"]


def test_everyone_s_address_and_choices_are_one_query(office: Office, django_assert_num_queries) -> None:
    # given four people with addresses, two with choices
    people = [office.head, office.deputy, office.drafter, office.clerk]
    for person in people:
        give_address(person)
    set_preferences(actor=office.head, choices={"tasks": "digest", "results": "immediate"})
    set_preferences(actor=office.clerk, choices={"arrivals": "none"})
    # when they are read for one event
    with django_assert_num_queries(1):
        boxes = mailboxes(person.pk for person in [*people, office.auditor])
    # then the auditor (no address) is not there, the others with their choices
    assert set(boxes) == {person.pk for person in people}
    assert boxes[office.head.pk].choices == {"tasks": "digest", "results": "immediate"}
    assert boxes[office.deputy.pk].choices == {}


def test_unknown_kinds_and_choices_are_refused_in_vietnamese(office: Office) -> None:
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="Loại thông báo không có: spam"):
        set_preferences(actor=office.drafter, choices={"spam": "none"})
    with pytest.raises(ValidationFailed, match="Cách nhận thư phải là"):
        set_preferences(actor=office.drafter, choices={"tasks": "sometimes"})
    assert not office.drafter.email_preferences.exists()


def test_the_api_reads_and_writes_my_choices(office: Office) -> None:
    # given the drafter logged in
    client = Client()
    client.force_login(office.drafter)
    url = reverse("api-notification-preferences")

    # when they read, then every kind is there with its default
    answer = client.get(url).json()
    kinds = {kind["code"]: kind for kind in answer["kinds"]}
    assert set(kinds) == {"tasks", "arrivals", "urgent", "due_soon", "overdue", "results"}
    assert (kinds["arrivals"]["choice"], kinds["tasks"]["choice"]) == ("immediate", "none")

    # when they put a digest for tasks, then it is kept and answered
    response = client.put(url, {"preferences": {"tasks": "digest"}}, content_type="application/json")
    assert response.status_code == 200
    assert {kind["code"]: kind["choice"] for kind in response.json()["kinds"]}["tasks"] == "digest"
    assert preferences_of(user=office.drafter)["tasks"] == "digest"

    # bad input is a 400 with a Vietnamese message, never a 500
    unknown = client.put(url, {"preferences": {"lung_tung": "none"}}, content_type="application/json")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "validation_error")
    assert "Loại thông báo không có" in unknown.json()["message"]
    bad = client.put(url, {"preferences": {"tasks": "đôi khi"}}, content_type="application/json")
    assert bad.status_code == 400
    assert client.put(url, {"preferences": "tasks"}, content_type="application/json").status_code == 400
    # and someone else's choices are not theirs to read: the answer is always the caller's own
    other = make_office().drafter
    set_preferences(actor=other, choices={"tasks": "none", "arrivals": "none"})
    assert {kind["code"]: kind["choice"] for kind in client.get(url).json()["kinds"]}["arrivals"] == "immediate"


def test_the_settings_page_is_linked_from_the_header_and_saves(office: Office) -> None:
    # given the deputy on their inbox
    client = Client()
    client.force_login(office.deputy)
    url = reverse("notification-preferences")
    assert url in client.get(reverse("workflow:inbox")).content.decode()

    # when they open the settings page, then each kind offers the three choices, the default marked
    page = client.get(url).content.decode()
    assert "Việc chờ tôi xử lý" in page
    assert page.count('type="radio"') == 6 * 3
    assert "chưa có địa chỉ thư điện tử" in page

    # when they choose a digest for "sắp đến hạn" and save, then it is kept and they come back to the page
    response = client.post(url, {"due_soon": "digest", "tasks": "none"})
    assert response.status_code == 302
    assert preferences_of(user=office.deputy)["due_soon"] == "digest"
    assert "Đã lưu cách nhận thư thông báo." in client.get(url).content.decode()

    # a forged value is refused with the page and its message, nothing stored
    refused = client.post(url, {"tasks": "spam"})
    assert refused.status_code == 400
    assert "Cách nhận thư phải là" in refused.content.decode()
    assert preferences_of(user=office.deputy)["tasks"] == "none"


def test_the_settings_page_needs_a_login() -> None:
    response = Client().get(reverse("notification-preferences"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_settings_page_speaks_english_when_asked(office: Office) -> None:
    client = Client()
    client.force_login(office.drafter)
    html = client.get(reverse("notification-preferences"), headers={"accept-language": "en"}).content.decode()
    assert "<h1>Notification settings</h1>" in html
    assert "Daily digest" in html
    assert "Cài đặt thông báo" not in html
