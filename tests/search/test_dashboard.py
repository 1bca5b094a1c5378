"""The leaders' dashboard: numbers per organization, for its head, deputies and auditors only, in fixed queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from search.dashboard import _quantile, dashboard_for, dashboard_organizations
from tests.factories import advance_routed, make_office, start_draft
from tests.search.helpers import client_for

pytestmark = pytest.mark.django_db


def test_only_leaders_and_auditors_open_it(office) -> None:
    for person in (office.head, office.deputy, office.auditor):
        assert list(dashboard_organizations(user=person)) == [office.organization]
        assert client_for(person).get("/dashboard/").status_code == 200
    for person in (office.drafter, office.clerk):
        response = client_for(person).get("/dashboard/")
        assert response.status_code == 403
        assert "Trang tổng hợp dành cho lãnh đạo" in response.content.decode()


def test_issued_steps_and_acknowledgements_are_counted(office) -> None:
    # given a plan taken through the flow to issued, and a draft still with its drafter
    document = advance_routed(start_draft(office), office, to="issued")
    start_draft(office)
    other = make_office()
    advance_routed(start_draft(other), other, to="issued")
    # when the head opens the dashboard
    data = dashboard_for(user=office.head, organization=office.organization)
    # then this month counts one issued document of this organization, and nothing of the other
    assert data.months[-1].issued == 1
    assert sum(row.issued for row in data.months) == 1
    assert data.months[-1].month == document.issue_date.replace(day=1)
    # the steps it went through have their times
    assert {step.step for step in data.steps} >= {"review", "sign", "register", "issue"}
    assert all(step.count >= 1 and step.p90_hours >= step.median_hours >= 0 for step in data.steps)
    # the deliveries of the internal lines (none here: external lines only) and the rate follow from them
    assert data.totals["rate"] is None or 0 <= data.totals["rate"] <= 100
    assert set(data.waiting) == {"arrivals", "to_assign", "handling", "recall"}


def test_the_page_shows_the_numbers_in_tables_and_the_chart_data(office, django_assert_max_num_queries) -> None:
    advance_routed(start_draft(office), office, to="issued")
    client = client_for(office.head)
    client.get("/dashboard/")
    with django_assert_max_num_queries(14):
        response = client.get("/dashboard/")
    html = response.content.decode()
    assert 'id="table-months"' in html
    assert 'id="table-steps"' in html
    assert 'id="dashboard-data"' in html
    assert "search/vendor/chart.umd.js" in html
    assert f"{timezone.localdate():%m/%Y}" in html


def test_quantiles_interpolate_like_postgresql() -> None:
    assert _quantile([1.0], 0.9) == 1.0
    assert _quantile([0.0, 10.0], 0.9) == 9.0
    assert _quantile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.5) == pytest.approx(5.5)


def test_months_run_back_twelve_from_today(office) -> None:
    now = dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC)
    data = dashboard_for(user=office.head, organization=office.organization, now=now)
    assert (data.months[0].month, data.months[-1].month) == (dt.date(2025, 3, 1), dt.date(2026, 2, 1))


def _timed_steps(office, documents: int) -> dict[str, list[float]]:
    """`documents` taken through drafting and review, each finished task given a known duration (one negative:
    a clock put back counts as zero). Returns the hours of each step, as the dashboard should see them."""
    from workflow.models import DocumentTask

    for _n in range(documents):
        advance_routed(start_draft(office), office, to="awaiting_signature")
    tasks = DocumentTask.objects.filter(
        process__documentprocess__document__organization_id=office.organization.pk, finished__isnull=False
    ).order_by("pk")
    start = timezone.now() - dt.timedelta(days=3)
    hours: dict[str, list[float]] = {}
    for k, task in enumerate(tasks):
        if task.flow_task.name not in ("draft", "review"):
            continue
        minutes = -60 if k == 0 else (k * 337) % 2900 + k
        DocumentTask.objects.filter(pk=task.pk).update(created=start, finished=start + dt.timedelta(minutes=minutes))
        hours.setdefault(task.flow_task.name, []).append(max(minutes, 0) / 60)
    return hours


def _expected(hours: list[float], q: float) -> float:
    ordered = sorted(hours)
    position = q * (len(ordered) - 1)
    low = int(position)
    return ordered[low] + (ordered[min(low + 1, len(ordered) - 1)] - ordered[low]) * (position - low)


@pytest.mark.parametrize("documents", [3, 8])
def test_step_times_are_the_interpolated_quantiles_in_one_statement(office, documents) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.dashboard import step_times

    hours = _timed_steps(office, documents)
    since = timezone.now() - dt.timedelta(days=30)
    with CaptureQueriesContext(connection) as queries:
        steps = step_times(organization=office.organization, since=since)
    assert len(queries) == 1
    if connection.vendor == "postgresql":
        # The quantiles are the database's: one row a step comes back, however many tasks the year holds.
        assert "percentile_cont(0.5) WITHIN GROUP" in queries[0]["sql"]
        assert "GROUP BY" in queries[0]["sql"]
    assert [step.step for step in steps] == ["draft", "review"]
    for step in steps:
        values = hours[step.step]
        assert step.count == len(values) == documents
        assert step.median_hours == round(_expected(values, 0.5), 1)
        assert step.p90_hours == round(_expected(values, 0.9), 1)
    assert steps[0].median_hours != steps[0].p90_hours


def test_postgresql_and_python_quantiles_agree(office, postgres_only) -> None:
    from search.dashboard import _quantiles_in_database, _quantiles_in_python, _step_tasks

    _timed_steps(office, 7)
    tasks = _step_tasks(organization=office.organization, since=timezone.now() - dt.timedelta(days=30))
    by_step = sorted(_quantiles_in_database(tasks), key=lambda row: row.step)
    assert by_step == sorted(_quantiles_in_python(tasks), key=lambda row: row.step)
    assert len(by_step) == 2


def test_the_page_reads_the_receiving_counts_once_for_its_boxes_and_the_header(office) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    advance_routed(start_draft(office), office, to="issued")
    client = client_for(office.head)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/dashboard/").content.decode()
    # documents.selectors.receiving_counts: one aggregate over the deliveries with the four boxes' filters
    counting = [q["sql"] for q in queries if '"documents_delivery"' in q["sql"] and '"to_assign"' in q["sql"]]
    assert len(counting) == 1
    assert 'id="dashboard-data"' in html
