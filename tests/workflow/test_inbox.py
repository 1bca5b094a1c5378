"""inbox_for: the four tabs, the filters, overdue in Vietnam's time, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt

import pytest

from documents.dates import vn_today
from documents.models import Urgency
from tests.factories import Office, document_type, make_office, start_draft
from tests.workflow.helpers import run_steps
from workflow.selectors import inbox_for

pytestmark = pytest.mark.django_db


def subjects(rows) -> list[str]:
    return [row.document.subject for row in rows]


def test_assigned_tab_lists_the_user_s_open_tasks(office: Office) -> None:
    # given one document in review and one still a draft
    in_review = run_steps(start_draft(office, subject="Đang duyệt"), office, "submit")
    start_draft(office, subject="Còn dự thảo")

    # then the reviewer sees the first, the drafter the second
    assert subjects(inbox_for(user=office.deputy)) == ["Đang duyệt"]
    assert subjects(inbox_for(user=office.drafter)) == ["Còn dự thảo"]
    row = inbox_for(user=office.deputy).get()
    assert (row.step, row.document_id, row.doc_status) == ("review", in_review.pk, "in_review")


def test_queue_tab_lists_unassigned_clerk_tasks_of_the_clerk_s_organizations(office: Office) -> None:
    # given a signed document here and one in another organization
    run_steps(start_draft(office, subject="Chờ cấp số"), office, "submit", "approve", "sign")
    other = make_office()
    run_steps(start_draft(other, subject="Cơ quan khác"), other, "submit", "approve", "sign")

    # then each clerk sees only their own organization's queue; others see none
    assert subjects(inbox_for(user=office.clerk, kind="queue")) == ["Chờ cấp số"]
    assert subjects(inbox_for(user=other.clerk, kind="queue")) == ["Cơ quan khác"]
    assert list(inbox_for(user=office.head, kind="queue")) == []
    assert list(inbox_for(user=office.clerk, kind="assigned")) == []


def test_submitted_tab_shows_where_each_document_stands(office: Office) -> None:
    run_steps(start_draft(office, subject="A"), office, "submit")
    run_steps(start_draft(office, subject="B"), office, "submit", "approve", "sign", "register", "issue", "archive")
    rows = {
        row.document.subject: (row.step, row.doc_status) for row in inbox_for(user=office.drafter, kind="submitted")
    }
    assert rows == {"A": ("review", "in_review"), "B": ("end", "archived")}


def test_done_tab_lists_finished_tasks(office: Office) -> None:
    run_steps(start_draft(office, subject="A"), office, "submit", "approve")
    assert [row.step for row in inbox_for(user=office.deputy, kind="done")] == ["review"]
    assert [row.step for row in inbox_for(user=office.drafter, kind="done")] == ["draft"]


def test_overdue_is_a_deadline_before_today_in_vietnam(office: Office) -> None:
    today = vn_today()
    run_steps(start_draft(office, subject="Quá hạn", deadline=today - dt.timedelta(days=1)), office, "submit")
    run_steps(start_draft(office, subject="Hôm nay", deadline=today), office, "submit")
    run_steps(start_draft(office, subject="Không hạn"), office, "submit")

    rows = {row.document.subject: row.is_overdue for row in inbox_for(user=office.deputy)}
    assert rows == {"Quá hạn": True, "Hôm nay": False, "Không hạn": False}
    assert subjects(inbox_for(user=office.deputy, overdue=True)) == ["Quá hạn"]
    assert subjects(inbox_for(user=office.deputy, overdue=False)) == ["Hôm nay", "Không hạn"]


def test_filters_by_urgency_type_and_organization(office: Office) -> None:
    run_steps(start_draft(office, subject="Hỏa tốc", urgency=Urgency.HOA_TOC), office, "submit")
    run_steps(start_draft(office, subject="Thông báo", doc_type=document_type("thong_bao")), office, "submit")

    assert subjects(inbox_for(user=office.deputy, urgency=Urgency.HOA_TOC)) == ["Hỏa tốc"]
    assert subjects(inbox_for(user=office.deputy, doc_type="thong_bao")) == ["Thông báo"]
    assert subjects(inbox_for(user=office.deputy, doc_type=document_type("thong_bao").pk)) == ["Thông báo"]
    assert len(inbox_for(user=office.deputy, organization=office.organization)) == 2
    assert list(inbox_for(user=office.deputy, organization=make_office().organization)) == []


def test_default_order_is_soonest_deadline_then_most_urgent(office: Office) -> None:
    today = vn_today()
    run_steps(start_draft(office, subject="Không hạn"), office, "submit")
    run_steps(start_draft(office, subject="Hạn xa", deadline=today + dt.timedelta(days=9)), office, "submit")
    run_steps(start_draft(office, subject="Hạn gần", deadline=today + dt.timedelta(days=1)), office, "submit")
    run_steps(
        start_draft(office, subject="Hạn gần, khẩn", deadline=today + dt.timedelta(days=1), urgency=Urgency.KHAN),
        office,
        "submit",
    )
    assert subjects(inbox_for(user=office.deputy)) == ["Hạn gần, khẩn", "Hạn gần", "Hạn xa", "Không hạn"]
    assert subjects(inbox_for(user=office.deputy, ordering="urgency"))[0] == "Hạn gần, khẩn"


def read_rows(user, kind: str) -> list[tuple]:
    return [
        (
            row.document.subject,
            row.document.organization.name,
            row.document.doc_type.name,
            row.document.drafter.display_name,
            row.owner.display_name if row.owner else "",
            row.flow_task.task_title,
            row.urgency,
            row.deadline,
            row.is_overdue,
        )
        for row in inbox_for(user=user, kind=kind)
    ]


@pytest.mark.parametrize("count", [5, 30])
def test_inbox_query_count_does_not_grow_with_the_rows(
    office: Office, count: int, django_assert_max_num_queries
) -> None:
    # given `count` documents in review with the deputy and `count` in the clerk's queue
    for n in range(count):
        run_steps(start_draft(office, subject=f"Văn bản {n}"), office, "submit")
    for n in range(count):
        run_steps(start_draft(office, subject=f"Đã ký {n}"), office, "submit", "approve", "sign")

    # then reading every row with its document, organization, type, drafter and owner is one query a tab
    with django_assert_max_num_queries(1):
        assert len(read_rows(office.deputy, "assigned")) == count
    # the queue first reads the clerk's organizations and units, then its task ids: 3 small queries, whatever the rows
    with django_assert_max_num_queries(4):
        assert len(read_rows(office.clerk, "queue")) == count
    with django_assert_max_num_queries(1):  # the rows, from the drafter's documents
        assert len(read_rows(office.drafter, "submitted")) == 2 * count
    with django_assert_max_num_queries(1):
        assert len(read_rows(office.drafter, "done")) == 2 * count
