"""The receiving pages: each role sees its box and its forms, actions go by POST, refusals are a message (never a
500), a copy given back is a 404, and the lists stay a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from documents import services
from documents.dates import vn_today
from documents.models import DeliveryStatus, IncomingDocument
from tests.factories import make_office
from tests.receiving.scenario import school_receives

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user, name: str, *args, **query) -> tuple[int, str]:
    response = client_for(user).get(reverse(name, args=args), query)
    return response.status_code, response.content.decode()


def post(user, pk: int, action: str, **data) -> tuple[int, str]:
    response = client_for(user).post(reverse("receiving:act", args=[pk, action]), data, follow=True)
    return response.status_code, response.content.decode()


def test_the_whole_way_through_the_pages() -> None:
    # given a plan arrived at the school
    s = school_receives()
    pk = s.delivery.pk
    # then the clerk sees it waiting, in the header count and the inbox box too
    status, html = page(s.school.clerk, "receiving:arrivals")
    assert status == 200
    assert "Chờ tiếp nhận" in html
    assert s.document.subject in html
    assert 'id="arrivals-box"' in page(s.school.clerk, "workflow:inbox")[1]
    status, html = page(s.school.clerk, "receiving:arrival", pk)
    assert "Tiếp nhận và vào sổ văn bản đến" in html
    assert reverse("signing:document-pdf", args=[s.document.pk]) in html
    # and the school's clerk may open the issued document's own page
    assert page(s.school.clerk, "workflow:document", s.document.pk)[0] == 200
    # when the clerk accepts and forwards it to the head
    assert post(s.school.clerk, pk, "accept")[0] == 200
    assert IncomingDocument.objects.get(delivery=s.delivery).number == 1
    status, html = post(s.school.clerk, pk, "forward", leader=s.school.head.pk)
    assert "Đã chuyển lãnh đạo cho ý kiến." in html
    # and the head assigns it with a directive and a deadline
    status, html = page(s.school.head, "receiving:arrivals", box="to_assign")
    assert s.document.subject in html
    deadline = vn_today() + dt.timedelta(days=5)
    status, html = post(
        s.school.head,
        pk,
        "assign",
        unit=s.subjects.pk,
        supporting_units=[s.support.pk],
        directive="Tổ chuyên môn triển khai.",
        deadline=deadline.isoformat(),
    )
    assert status == 200
    assert "Đã phân công xử lý." in html
    # and the teacher starts and finishes it
    assert s.document.subject in page(s.teacher, "receiving:arrivals", box="handling")[1]
    assert "Bắt đầu xử lý" in page(s.teacher, "receiving:arrival", pk)[1]
    post(s.teacher, pk, "start")
    status, html = post(s.teacher, pk, "finish", result="Đã họp tổ, triển khai.")
    # then it is done, with its history, and in the register with its unit
    assert s.refresh().status == DeliveryStatus.DONE
    assert "Đã xử lý xong (06)" in html
    assert "Đã họp tổ, triển khai." in html
    status, html = page(s.school.clerk, "receiving:incoming")
    assert status == 200
    assert "Sổ văn bản đến" in html
    assert s.subjects.name in html
    assert s.document.code in html


def test_wrong_people_and_bad_input_get_a_message_not_a_500() -> None:
    # given an accepted plan
    s = school_receives()
    s.accept()
    pk = s.delivery.pk
    # when the clerk tries to assign, an outsider opens it, the head posts a past deadline or a bad date
    assert post(s.school.clerk, pk, "assign", unit=s.subjects.pk)[0] == 403
    assert post(s.teacher, pk, "assign", unit=s.subjects.pk)[0] == 404  # not named yet: not shown
    assert page(make_office().clerk, "receiving:arrival", pk)[0] == 404
    assert page(s.outsider, "receiving:arrival", pk)[0] == 404
    yesterday = (vn_today() - dt.timedelta(days=1)).isoformat()
    status, html = post(s.school.head, pk, "assign", unit=s.subjects.pk, deadline=yesterday)
    assert status == 400
    assert "Hạn xử lý không được trước hôm nay." in html
    assert post(s.school.head, pk, "assign", unit=s.subjects.pk, deadline="31/02/2026")[0] == 400
    assert post(s.school.head, pk, "assign", unit="99999999999999999999999")[0] == 400
    assert post(s.school.head, pk, "nonsense")[0] == 404
    assert post(s.school.clerk, pk, "accept")[0] == 409
    # and a GET does not act
    assert client_for(s.school.clerk).get(reverse("receiving:act", args=[pk, "refuse"])).status_code == 405
    # then nothing changed
    assert s.refresh().status == DeliveryStatus.ACCEPTED


def test_an_agreed_recall_takes_the_copy_away_from_the_pages() -> None:
    # given a plan sent to the school, recalled by its sender
    s = school_receives()
    s.accept()
    services.document_recall(document=s.document, actor=s.sender.head, reason="Ban hành nhầm.")
    pk = s.delivery.pk
    status, html = page(s.school.clerk, "receiving:arrivals", box="recall")
    assert "Đề nghị thu hồi" in html
    assert s.document.subject in html
    assert "Đồng ý thu hồi" in page(s.school.clerk, "receiving:arrival", pk)[1]
    # when the clerk agrees
    status, html = post(s.school.clerk, pk, "recall-agree")
    # then back on the list, without it; its page and the document page are gone for the school
    assert status == 200
    assert "Đã đồng ý thu hồi" in html
    assert page(s.school.clerk, "receiving:arrival", pk)[0] == 404
    assert page(s.school.clerk, "workflow:document", s.document.pk)[0] == 404
    assert s.document.subject not in page(s.school.clerk, "receiving:incoming")[1]


def test_the_secret_register_is_for_the_clerk_and_the_head() -> None:
    s = school_receives()
    assert page(s.school.head, "receiving:incoming", register="in_secret")[0] == 200
    assert page(s.school.deputy, "receiving:incoming", register="in_secret")[0] == 404
    assert page(s.school.deputy, "receiving:incoming")[0] == 200
    assert page(s.teacher, "receiving:incoming")[0] == 404


@pytest.mark.parametrize("count", [2, 12])
def test_the_lists_do_not_grow_in_queries(count: int, django_assert_max_num_queries) -> None:
    # given `count` plans sent to one school, each accepted and assigned
    s = school_receives()
    s.accept()
    s.assign()
    for _ in range(count - 1):
        s.next_plan()
        s.accept()
        s.assign()
    # then the box page and the register page read a bounded number of queries whatever the rows (9: one of them
    # the header's notification badge, notifications.context_processors)
    teacher, clerk = client_for(s.teacher), client_for(s.school.clerk)
    with django_assert_max_num_queries(9):
        response = teacher.get(reverse("receiving:arrivals"), {"box": "handling"})
    assert len(response.context["page"].object_list) == count
    with django_assert_max_num_queries(9):
        response = clerk.get(reverse("receiving:incoming"))
    assert len(response.context["page"].object_list) == count


def test_a_document_without_a_signed_pdf_has_nothing_to_check() -> None:
    # given a plan issued without the flow's PDFs (straight through the services)
    s = school_receives()
    # then its signature check is a 404 with a reason, not an empty verdict
    response = client_for(s.school.clerk).get(reverse("signing:document-verify", args=[s.document.pk]))
    assert response.status_code == 404
