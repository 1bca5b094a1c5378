"""The receiving API: boxes, one delivery with its history, each step, the register; bad ids and bodies are
4xx, never a 500; the paths are in the schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from documents import services
from documents.dates import vn_today
from documents.models import DeliveryStatus
from receiving.actions import ACTIONS
from tests.factories import add_member, advance, make_draft, make_office
from tests.receiving.scenario import school_receives

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_the_steps_through_the_api() -> None:
    # given a plan arrived at the school
    s = school_receives()
    pk = s.delivery.pk
    clerk, head, teacher = api(s.school.clerk), api(s.school.head), api(s.teacher)
    # then it is in the clerk's arrivals, with what the clerk may do
    listed = clerk.get("/api/arrivals/", {"box": "arrivals"}).json()
    assert [row["id"] for row in listed["results"]] == [pk]
    detail = clerk.get(f"/api/arrivals/{pk}/").json()
    assert detail["actions"] == ["accept", "refuse"]
    assert [step["exchange_code"] for step in detail["history"]] == ["01"]
    # when accepted, forwarded, assigned, started and finished
    accepted = clerk.post(f"/api/arrivals/{pk}/accept/").json()
    assert accepted["incoming"]["number"] == 1
    assert clerk.post(f"/api/arrivals/{pk}/forward/", {"leader": s.school.head.pk}, format="json").status_code == 200
    deadline = (vn_today() + dt.timedelta(days=3)).isoformat()
    body = {"unit": s.subjects.pk, "supporting_units": [s.support.pk], "directive": "Triển khai.", "deadline": deadline}
    assigned = head.post(f"/api/arrivals/{pk}/assign/", body, format="json")
    assert assigned.status_code == 200
    assert assigned.json()["incoming"]["supporting_units"] == [s.support.pk]
    assert teacher.post(f"/api/arrivals/{pk}/start/").json()["exchange_code"] == "05"
    done = teacher.post(f"/api/arrivals/{pk}/finish/", {"result": "Xong."}, format="json").json()
    # then 06 with the whole history, and the register row
    assert [step["exchange_code"] for step in done["history"]] == ["01", "03", "03", "04", "05", "06"]
    rows = clerk.get("/api/incoming/", {"year": vn_today().year}).json()["results"]
    assert [(row["number"], row["assigned_unit"], row["subject"]) for row in rows] == [
        (1, s.subjects.pk, s.document.subject)
    ]


def test_a_person_named_acknowledges_and_others_are_refused() -> None:
    # given a plan sent to a named person of the issuing office (a person line names one of its own people)
    office, other = make_office(), make_office()
    person = add_member(office, "staff", full_name="Bà Nguyễn Thị Lan", post_title="CHUYÊN VIÊN")
    lines = [{"display_name": "Bà Nguyễn Thị Lan", "purpose": "inform", "person": person}]
    document = advance(make_draft(office, recipients=lines), office, to="issued")
    pk = document.deliveries.get().pk
    # when someone else tries, then the person acknowledges
    assert api(other.clerk).post(f"/api/arrivals/{pk}/acknowledge/").status_code == 404
    assert api(person).post(f"/api/arrivals/{pk}/accept/").status_code == 409
    answer = api(person).post(f"/api/arrivals/{pk}/acknowledge/")
    # then 03
    assert (answer.status_code, answer.json()["status"]) == (200, DeliveryStatus.ACCEPTED)


def test_bad_input_is_a_4xx() -> None:
    s = school_receives()
    pk = s.delivery.pk
    clerk, head = api(s.school.clerk), api(s.school.head)
    assert clerk.get("/api/arrivals/", {"box": "nope"}).status_code == 400
    assert clerk.get("/api/arrivals/999999/").status_code == 404
    assert clerk.post(f"/api/arrivals/{pk}/refuse/", {}, format="json").status_code == 400
    assert clerk.post(f"/api/arrivals/{pk}/refuse/", {"reason": "x\x00"}, format="json").status_code == 400
    assert clerk.post(f"/api/arrivals/{pk}/forward/", {"leader": s.school.head.pk}, format="json").status_code == 409
    clerk.post(f"/api/arrivals/{pk}/accept/")
    assert clerk.post(f"/api/arrivals/{pk}/forward/", {"leader": s.teacher.pk}, format="json").status_code == 400
    assert clerk.post(f"/api/arrivals/{pk}/forward/", {"leader": 2**70}, format="json").status_code == 400
    assert clerk.post(f"/api/arrivals/{pk}/forward/", ["x"], format="json").status_code == 400
    assert head.post(f"/api/arrivals/{pk}/assign/", {}, format="json").status_code == 400
    assert head.post(f"/api/arrivals/{pk}/assign/", {"unit": 1, "deadline": "x"}, format="json").status_code == 400
    assert clerk.post(f"/api/arrivals/{pk}/assign/", {"unit": s.subjects.pk}, format="json").status_code == 403
    assert api(s.teacher).post(f"/api/arrivals/{pk}/start/").status_code == 404
    assert clerk.get("/api/incoming/", {"year": "abc"}).status_code == 400
    assert clerk.get("/api/incoming/", {"register": "regular"}).status_code == 400
    assert api(s.teacher).get("/api/incoming/").status_code == 403
    assert APIClient().get("/api/arrivals/").status_code in (401, 403)
    assert s.refresh().status == DeliveryStatus.ACCEPTED


def test_recall_answers_through_the_api() -> None:
    # given a plan accepted at the school, asked back
    s = school_receives()
    s.accept()
    services.document_recall(document=s.document, actor=s.sender.head, reason="Nhầm.")
    pk = s.delivery.pk
    clerk = api(s.school.clerk)
    assert [row["id"] for row in clerk.get("/api/arrivals/", {"box": "recall"}).json()["results"]] == [pk]
    # when the clerk agrees
    answer = clerk.post(f"/api/arrivals/{pk}/recall-agree/")
    # then 15, and the delivery is no longer the school's
    assert answer.json()["exchange_code"] == "15"
    assert clerk.get(f"/api/arrivals/{pk}/").status_code == 404
    assert clerk.get("/api/incoming/").json()["results"] == []


@pytest.mark.parametrize("count", [2, 10])
def test_the_box_reads_a_constant_number_of_queries(count: int) -> None:
    # given `count` plans assigned to the school's subject unit
    s = school_receives()
    s.accept()
    s.assign()
    for _ in range(count - 1):
        s.next_plan()
        s.accept()
        s.assign()
    teacher = api(s.teacher)
    # when the teacher reads the box
    with CaptureQueriesContext(connection) as queries:
        rows = teacher.get("/api/arrivals/", {"box": "handling"}).json()["results"]
    # then all rows, in the same few queries (count, rows, supporting units)
    assert len(rows) == count
    assert len(queries) == 3


def test_the_paths_are_in_the_schema() -> None:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    steps = [f"/api/arrivals/{{id}}/{action}/" for action in ACTIONS]
    expected = ["/api/arrivals/", "/api/arrivals/{id}/", "/api/incoming/", *steps]
    assert [path for path in expected if path not in paths] == []
