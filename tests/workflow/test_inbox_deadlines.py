"""The inboxes sort by the step's deadline (soonest first, none last) and mark rows "sắp đến hạn" / "quá hạn" in
words as well as colour; the API says the same."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from documents.models import Urgency
from tests.factories import Office, advance, make_draft, start_draft
from tests.receiving.scenario import school_receives
from tests.workflow.deadline_helpers import at, vietnam_calendar
from tests.workflow.helpers import run_steps
from workflow.deadlines import load_demo_rules
from workflow.selectors import inbox_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_reviews(office: Office) -> None:
    """On Monday 02/03/2026: a plan submitted before any rule existed (no deadline), then, with the demo rules, an
    ordinary one (due Thursday 09:00) and a Hỏa tốc one (due 13:00, "sắp đến hạn" from 11:00)."""
    vietnam_calendar()
    with time_machine.travel(at(2026, 3, 2, 8), tick=False):
        run_steps(start_draft(office, subject="Không hạn"), office, "submit")
    load_demo_rules()
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        run_steps(start_draft(office, subject="Thường"), office, "submit")
        run_steps(start_draft(office, subject="Hỏa tốc", urgency=Urgency.HOA_TOC), office, "submit")


def row_classes(html: str) -> dict[str, str]:
    """Each row's subject → its class and its deadline cell's text."""
    found = {}
    for row in re.findall(r"<tr class=\"([^\"]*)\" id=\"row-\d+\">(.*?)</tr>", html, flags=re.S):
        subject = re.search(r'href="/flow/documents/\d+/">([^<]+)</a>', row[1]).group(1)
        cell = re.search(r'class="deadline">(.*?)</td>', row[1], flags=re.S).group(1)
        found[subject] = (row[0], re.sub(r"<[^>]+>", "", cell).strip())
    return found


def test_the_task_inbox_sorts_by_the_step_s_deadline(office: Office, three_reviews) -> None:
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        rows = list(inbox_for(user=office.deputy))
    assert [row.document.subject for row in rows] == ["Hỏa tốc", "Thường", "Không hạn"]
    assert [row.due_at for row in rows] == [at(2026, 3, 2, 13), at(2026, 3, 5, 9), None]


def test_rows_say_due_soon_and_overdue_in_words(office: Office, three_reviews) -> None:
    client = Client()
    client.force_login(office.deputy)
    # at 10:00 nothing is near its deadline; the due time is shown
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        rows = row_classes(client.get(reverse("workflow:inbox")).content.decode())
    assert rows["Hỏa tốc"] == ("", "13:00 02/03/2026")
    assert rows["Không hạn"] == ("", "—")
    # at 11:30 the Hỏa tốc review is "sắp đến hạn" (amber), in words
    with time_machine.travel(at(2026, 3, 2, 11, 30), tick=False):
        rows = row_classes(client.get(reverse("workflow:inbox")).content.decode())
    assert rows["Hỏa tốc"] == ("due-soon", "13:00 02/03/2026 (sắp đến hạn)")
    assert rows["Thường"] == ("", "09:00 05/03/2026")
    # at 13:30 it is "quá hạn" (red), in words; the overdue filter finds it alone
    with time_machine.travel(at(2026, 3, 2, 13, 30), tick=False):
        rows = row_classes(client.get(reverse("workflow:inbox")).content.decode())
        overdue = [row.document.subject for row in inbox_for(user=office.deputy, overdue=True)]
    assert rows["Hỏa tốc"] == ("overdue", "13:00 02/03/2026 (quá hạn)")
    assert overdue == ["Hỏa tốc"]


def test_the_inbox_api_gives_the_due_time_and_the_state(office: Office, three_reviews) -> None:
    client = Client()
    client.force_login(office.deputy)
    with time_machine.travel(at(2026, 3, 2, 11, 30), tick=False):
        results = client.get(reverse("api-inbox")).json()["results"]
    assert [(r["document"]["subject"], r["deadline_state"]) for r in results] == [
        ("Hỏa tốc", "due_soon"),
        ("Thường", ""),
        ("Không hạn", ""),
    ]
    assert results[0]["due_at"].startswith("2026-03-02T13:00:00")
    assert results[2]["due_at"] is None


def test_the_arrivals_box_sorts_and_marks_by_the_acceptance_deadline(django_capture_on_commit_callbacks) -> None:
    # given, with the demo rules, an ordinary plan reaching a school on Monday 09:00 (to accept by Tuesday 09:00)
    # and a Hỏa tốc one at 10:00 (to accept within 4 working hours: by 14:00)
    vietnam_calendar()
    load_demo_rules()
    with time_machine.travel(at(2026, 3, 2, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        s = school_receives(subject="Kế hoạch thường")
    lines = [{"display_name": "Trường", "purpose": "execute", "organization": s.school.organization}]
    with time_machine.travel(at(2026, 3, 2, 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        urgent = advance(make_draft(s.sender, recipients=lines, urgency=Urgency.HOA_TOC), s.sender, to="issued")
    urgent_delivery = urgent.deliveries.get()
    client = Client()
    client.force_login(s.school.clerk)

    # when the clerk opens the arrivals at 15:00
    with time_machine.travel(at(2026, 3, 2, 15), tick=False):
        html = client.get(reverse("receiving:arrivals")).content.decode()
        api = client.get(reverse("receiving-api:arrivals")).json()["results"]

    # then the Hỏa tốc plan comes first and says it is overdue; the ordinary one shows its due time
    rows = re.findall(r'<tr id="delivery-(\d+)" class="([^"]*)">.*?class="deadline">(.*?)</td>', html, flags=re.S)
    cells = [(int(pk), css, re.sub(r"<[^>]+>", "", cell).strip()) for pk, css, cell in rows]
    assert cells == [
        (urgent_delivery.pk, "overdue", "14:00 02/03/2026 (quá hạn)"),
        (s.delivery.pk, "", "09:00 03/03/2026"),
    ]
    # and the API lists them in the same order, with the same state
    assert [(row["id"], row["deadline_state"]) for row in api] == [(urgent_delivery.pk, "overdue"), (s.delivery.pk, "")]
