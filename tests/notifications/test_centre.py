"""The notification centre (/notifications/) and its API: unread first, paginated, each entry leading to the task or
the document, marking read, the one visibility rule, bad input, and query counts that do not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.permissions import grant_view, revoke_view
from notifications.models import Notification
from tests.factories import Office, advance, advance_routed, make_draft, make_office, start_draft
from workflow.models import DocumentTask

pytestmark = pytest.mark.django_db


def notify(recipient: object, document: object, *, message: str, minutes_ago: int, read: bool = False) -> Notification:
    """A stored notification as notify_for_event makes it, `minutes_ago` old."""
    created = timezone.now() - dt.timedelta(minutes=minutes_ago)
    notification = Notification.objects.create(
        recipient=recipient, document=document, event="document_submitted", message=message
    )
    Notification.objects.filter(pk=notification.pk).update(created_at=created, read_at=created if read else None)
    notification.refresh_from_db()
    return notification


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reviewed_plans(office: Office, count: int) -> list:
    """`count` plans in review with the deputy, through the flow (each gives the deputy an open task)."""
    return [
        advance_routed(start_draft(office, subject=f"Kế hoạch số {n}"), office, to="in_review") for n in range(count)
    ]


def test_unread_come_first_newest_first_each_leading_to_the_task_or_the_document() -> None:
    # given the deputy with a plan to review (open task) and an issued one they only read about
    office = make_office()
    (in_review,) = reviewed_plans(office, 1)
    issued = advance(make_draft(office), office, to="issued")
    Notification.objects.filter(recipient=office.deputy).delete()
    old_read = notify(office.deputy, issued, message="Cũ, đã đọc", minutes_ago=50, read=True)
    old_unread = notify(office.deputy, in_review, message="Cũ, chưa đọc", minutes_ago=40)
    new_unread = notify(office.deputy, issued, message="Mới, chưa đọc", minutes_ago=10)
    new_read = notify(office.deputy, in_review, message="Mới, đã đọc", minutes_ago=5, read=True)

    # when the API lists them
    listing = signed_in(office.deputy).get(reverse("notifications-api:list")).json()

    # then unread first, newest first within each, and each links to the task (open) or the document
    assert [entry["id"] for entry in listing["results"]] == [new_unread.pk, old_unread.pk, new_read.pk, old_read.pk]
    assert (listing["count"], listing["unread"], listing["last"]) == (4, 2, new_read.pk)
    task = DocumentTask.objects.get(owner=office.deputy, status__in=["NEW", "ASSIGNED"])
    urls = {entry["id"]: entry["url"] for entry in listing["results"]}
    assert urls[old_unread.pk] == urls[new_read.pk] == reverse("workflow:task", args=[task.pk])
    assert urls[new_unread.pk] == urls[old_read.pk] == reverse("workflow:document", args=[issued.pk])

    # and the page shows them in the same order, with the same links
    html = signed_in(office.deputy).get(reverse("notifications:centre")).content.decode()
    positions = [html.index(text) for text in ("Mới, chưa đọc", "Cũ, chưa đọc", "Mới, đã đọc", "Cũ, đã đọc")]
    assert positions == sorted(positions)
    assert f'href="{reverse("workflow:task", args=[task.pk])}" data-notification-id="{old_unread.pk}"' in html


def test_the_api_filters_unread_and_after_an_id_and_pages() -> None:
    # given thirty notifications, the first ten read
    office = make_office()
    document = advance(make_draft(office), office, to="in_review")
    Notification.objects.filter(recipient=office.deputy).delete()
    made = [
        notify(office.deputy, document, message=f"Thông báo {n}", minutes_ago=60 - n, read=n < 10) for n in range(30)
    ]
    client = signed_in(office.deputy)

    # unread only
    unread = client.get(reverse("notifications-api:list"), {"unread": "1", "page_size": 100}).json()
    assert unread["count"] == 20
    assert {entry["id"] for entry in unread["results"]} == {n.pk for n in made[10:]}

    # everything after an id, oldest first (a catch-up), paginated
    after = client.get(reverse("notifications-api:list"), {"after": made[24].pk, "page_size": 3}).json()
    assert [entry["id"] for entry in after["results"]] == [n.pk for n in made[25:28]]
    assert after["count"] == 5
    assert after["next"] is not None


def test_marking_one_and_all_read_touches_only_my_own() -> None:
    # given two people each told about their own documents
    office, other = make_office(), make_office()
    mine = [notify(office.deputy, make_draft(office), message=f"Của tôi {n}", minutes_ago=n) for n in range(3)]
    theirs = notify(other.deputy, make_draft(other), message="Của người khác", minutes_ago=1)
    client = signed_in(office.deputy)

    # when one is marked read from the page, then someone else's id through the API, then all
    response = client.post(reverse("notifications:read"), {"id": mine[0].pk, "next": "/notifications/?show=unread"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?show=unread"
    assert client.post(reverse("notifications-api:mark-read"), {"ids": [theirs.pk]}, "application/json").json() == {
        "marked_read": 0
    }
    assert client.post(reverse("notifications-api:mark-all-read")).json() == {"marked_read": 2}

    # then mine are read, theirs is not
    assert Notification.objects.filter(recipient=office.deputy, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.post(reverse("notifications:read-all")).status_code == 302


def test_the_centre_hides_notifications_of_documents_the_reader_may_no_longer_see() -> None:
    # given another organization's person shown a plan in review, and told about it
    office = make_office()
    reader = make_office().drafter
    document = advance(make_draft(office, subject="Kế hoạch bảo mật"), office, to="in_review")
    grant_view(document=document, user=reader, actor=office.head)
    shown = notify(reader, document, message="Xem giúp: Kế hoạch bảo mật", minutes_ago=1)
    client = signed_in(reader)
    assert client.get(reverse("notifications-api:list")).json()["unread"] == 1

    # when the grant is taken back
    revoke_view(document=document, user=reader, actor=office.head)

    # then neither the page, its badge, nor the API shows or counts it, and the socket will not replay it
    html = client.get(reverse("notifications:centre")).content.decode()
    assert "Kế hoạch bảo mật" not in html
    assert 'data-count="0"' in html
    listing = client.get(reverse("notifications-api:list")).json()
    assert (listing["count"], listing["unread"], listing["last"]) == (0, 0, 0)
    assert Notification.objects.filter(pk=shown.pk).exists()  # kept: a grant given back shows it again


def test_bad_input_is_a_400_with_a_vietnamese_message() -> None:
    office = make_office()
    client = signed_in(office.deputy)
    for after in ("abc", "0", "-1", str(2**63), "1.5"):
        answer = client.get(reverse("notifications-api:list"), {"after": after})
        assert answer.status_code == 400, after
        assert answer.json()["code"] == "validation_error"
    assert client.post(reverse("notifications-api:mark-read"), {"ids": []}, "application/json").status_code == 400
    assert client.post(reverse("notifications-api:mark-read"), {"ids": ["x"]}, "application/json").status_code == 400
    for value in ("", "abc", "²", str(2**64)):
        page = client.post(reverse("notifications:read"), {"id": value})
        assert page.status_code == 400
        assert "Thông báo không hợp lệ." in page.content.decode()
    assert client.get(reverse("notifications:centre"), {"page": "9999"}).status_code == 200
    assert client.get(reverse("notifications:read")).status_code == 405


def test_a_form_returns_only_to_a_page_of_this_site() -> None:
    office = make_office()
    notification = notify(office.deputy, make_draft(office), message="Thông báo", minutes_ago=1)
    response = signed_in(office.deputy).post(
        reverse("notifications:read"), {"id": notification.pk, "next": "https://example.com/lừa-đảo"}
    )
    assert response["Location"] == reverse("notifications:centre")


def test_anonymous_people_are_sent_to_log_in_or_refused() -> None:
    client = Client()
    assert client.get(reverse("notifications:centre"))["Location"].startswith("/accounts/login/")
    assert client.get(reverse("notifications-api:list")).status_code in (401, 403)


def test_the_centre_speaks_english_when_asked() -> None:
    office = make_office()
    notify(office.drafter, make_draft(office), message="Văn bản bị trả lại để chỉnh sửa", minutes_ago=1)
    html = signed_in(office.drafter).get(reverse("notifications:centre"), headers={"accept-language": "en"})
    text = html.content.decode()
    assert "<h1>Notifications</h1>" in text
    assert "Mark all as read" in text
    assert "Đánh dấu tất cả đã đọc" not in text


@pytest.mark.parametrize("count", [20, 200])
def test_query_counts_do_not_grow_with_the_notifications(count: int, django_assert_max_num_queries) -> None:
    # given a deputy with ten plans to review (open tasks) and `count` notifications spread over them
    office = make_office()
    plans = reviewed_plans(office, 10)
    Notification.objects.bulk_create(
        [
            Notification(recipient=office.deputy, document=plans[n % 10], event="document_submitted", message=f"#{n}")
            for n in range(count)
        ]
    )
    client = signed_in(office.deputy)

    # then the API page costs 6 queries: session, user, count, rows, links (one for the page), badge
    with django_assert_max_num_queries(6):
        listing = client.get(reverse("notifications-api:list")).json()
    assert len(listing["results"]) == min(count, 25)
    assert all(entry["url"].startswith("/flow/tasks/") for entry in listing["results"])
    # and the centre page 7: the same, and the header's "Văn bản đến" count
    with django_assert_max_num_queries(7):
        page = client.get(reverse("notifications:centre"))
    assert len(page.context["entries"]) == min(count, 25)
