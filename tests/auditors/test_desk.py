"""The auditor's desk: scope, filters, trail, log paging and its readers, the chain check (docs/auditors.md)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from auditors.selectors import PAGE_SIZE
from documents import services
from tests.audit.conftest import tampering
from tests.factories import Office, advance, make_draft, make_office

pytestmark = pytest.mark.django_db


def test_an_auditor_sees_the_documents_of_their_organization_only(client, office: Office) -> None:
    # given a submitted document in A, one in B, and a draft never submitted in A
    mine = advance(make_draft(office, subject="Kế hoạch của A"), office, to="in_review")
    other = make_office()
    advance(make_draft(other, subject="Kế hoạch của B"), other, to="in_review")
    make_draft(office, subject="Dự thảo chưa trình")
    # when the auditor of A opens the desk
    client.force_login(office.auditor)
    response = client.get(reverse("auditors:documents"))
    # then only A's submitted document is listed
    assert response.status_code == 200
    assert list(response.context["rows"]) == [mine]
    assert "Kế hoạch của B" not in response.content.decode()


def test_filters_by_text_state_and_type_and_reject_bad_input_in_vietnamese(client, office: Office) -> None:
    plan = advance(make_draft(office, subject="Kế hoạch truyền thông"), office, to="issued")
    advance(make_draft(office, subject="Kế hoạch thi đua"), office, to="in_review")
    client.force_login(office.auditor)
    by_code = client.get(reverse("auditors:documents"), {"q": plan.code})
    assert list(by_code.context["rows"]) == [plan]
    by_state = client.get(reverse("auditors:documents"), {"status": "issued", "doc_type": "ke_hoach"})
    assert list(by_state.context["rows"]) == [plan]
    by_text = client.get(reverse("auditors:documents"), {"q": "thi đua", "year": plan.created_at.year})
    assert [d.subject for d in by_text.context["rows"]] == ["Kế hoạch thi đua"]
    bad = client.get(reverse("auditors:documents"), {"year": "abc", "q": "giữ lại"})
    assert bad.status_code == 400
    assert "Năm phải là một số, ví dụ 2026." in bad.content.decode()
    assert 'value="giữ lại"' in bad.content.decode()


def test_the_document_list_pages_by_keyset_with_constant_queries(
    client, office: Office, django_assert_max_num_queries
) -> None:
    for n in range(PAGE_SIZE + 3):
        advance(make_draft(office, subject=f"Kế hoạch số {n}"), office, to="in_review")
    client.force_login(office.auditor)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("auditors:documents"))
    assert len(first.context["rows"]) == PAGE_SIZE
    second = client.get(reverse("auditors:documents") + "?" + first.context["next_query"])
    assert len(second.context["rows"]) == 3
    assert not {d.pk for d in first.context["rows"]} & {d.pk for d in second.context["rows"]}


def _trail_queries(client, document_pk: int, django_assert_max_num_queries, limit: int) -> str:
    with django_assert_max_num_queries(limit):
        response = client.get(reverse("auditors:trail", args=[document_pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_trail_shows_every_step_and_costs_the_same_whatever_its_length(
    client, office: Office, django_assert_num_queries
) -> None:
    short = advance(make_draft(office), office, to="archived")
    long = make_draft(office)
    for round_ in range(3):  # returned and edited three times: a trail twice as long
        long = services.document_submit(document=long, actor=office.drafter, reviewer=office.deputy)
        long = services.document_return(document=long, actor=office.deputy, comment=f"Sửa lần {round_}")
        long = services.document_update_draft(document=long, actor=office.drafter, subject=f"Kế hoạch bản {round_}")
    long = advance(long, office, to="archived")
    client.force_login(office.auditor)

    counts = []
    for document in (short, long):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("auditors:trail", args=[document.pk]))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 16
    page = response.content.decode()
    assert "Sửa lần 2" in page  # the comment of a return
    for label in ("Tạo dự thảo", "Trình duyệt", "Duyệt", "Ký", "Cấp số", "Phát hành", "Lưu hồ sơ"):
        assert label in page
    assert office.deputy.full_name in page
    assert long.current_version.content_hash in page  # the version's hash
    assert long.code in page


def test_the_trail_of_another_organizations_document_is_not_found(client, office: Office) -> None:
    other = make_office()
    theirs = advance(make_draft(other), other, to="issued")
    client.force_login(office.auditor)
    assert client.get(reverse("auditors:trail", args=[theirs.pk])).status_code == 404


def test_the_log_shows_one_organization_pages_by_keyset_and_keeps_its_query_count(
    client, office: Office, django_assert_max_num_queries
) -> None:
    other = make_office()
    advance(make_draft(other, subject="Bí mật của B"), other, to="issued")
    for _ in range(12):
        advance(make_draft(office), office, to="awaiting_signature")  # 3 events each: 36, two pages
    client.force_login(office.auditor)
    url = reverse("auditors:log")
    with django_assert_max_num_queries(14):
        first = client.get(url, {"organization": office.organization.pk})
    assert first.status_code == 200
    rows = first.context["rows"]
    assert len(rows) == PAGE_SIZE or len(rows) == AuditEvent.objects.filter(organization=office.organization).count()
    assert {e.organization_id for e in rows} == {office.organization.pk}
    assert [e.sequence for e in rows] == sorted((e.sequence for e in rows), reverse=True)
    with django_assert_max_num_queries(14):
        filtered = client.get(url, {"organization": office.organization.pk, "action": "document.approve"})
    assert {e.action for e in filtered.context["rows"]} == {"document.approve"}
    by_actor = client.get(url, {"organization": office.organization.pk, "actor": office.deputy.pk})
    assert {e.actor_id for e in by_actor.context["rows"]} == {office.deputy.pk}
    # asking for the other organization's log gives a form error, never its events
    theirs = client.get(url, {"organization": other.organization.pk})
    assert theirs.status_code == 400
    assert not theirs.context["rows"]
    assert "Bí mật của B" not in theirs.content.decode()


def test_the_log_pages_past_the_first(client, office: Office) -> None:
    for _ in range(20):
        advance(make_draft(office), office, to="awaiting_signature")  # 60 events
    client.force_login(office.head)  # the head reads the log too
    first = client.get(reverse("auditors:log"))
    assert len(first.context["rows"]) == PAGE_SIZE
    second = client.get(reverse("auditors:log") + "?" + first.context["next_query"])
    assert [e.sequence for e in second.context["rows"]] == list(range(60 - PAGE_SIZE, 0, -1))


def test_staff_may_not_read_the_log(client, office: Office) -> None:
    client.force_login(office.drafter)
    response = client.get(reverse("auditors:log"))
    assert response.status_code == 403
    assert "Bạn không có quyền xem nhật ký" in response.content.decode()


def test_the_chain_page_says_intact_then_broken_at_the_edited_event(client, office: Office) -> None:
    advance(make_draft(office), office, to="issued")
    client.force_login(office.auditor)
    intact = client.get(reverse("auditors:chain"))
    assert 'data-result="intact"' in intact.content.decode()
    victim = AuditEvent.objects.filter(organization=office.organization).order_by("sequence")[2]
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["Kẻ giả mạo", victim.pk])
    broken = client.get(reverse("auditors:chain")).content.decode()
    assert 'data-result="broken"' in broken
    assert f"#{victim.sequence} — Nội dung không khớp mã băm" in broken


def test_the_auditor_sees_the_desk_link_and_every_header_link_of_the_desk_works(client, office: Office) -> None:
    client.force_login(office.auditor)
    link = f'href="{reverse("auditors:documents")}"'
    assert link in client.get(reverse("workflow:inbox")).content.decode()
    for name in ("auditors:documents", "auditors:log", "auditors:chain"):
        assert client.get(reverse(name)).status_code == 200
    client.force_login(office.drafter)
    assert link not in client.get(reverse("workflow:inbox")).content.decode()


def test_the_desk_speaks_english_when_asked(client, office: Office) -> None:
    advance(make_draft(office), office, to="in_review")
    client.force_login(office.auditor)
    chain = client.get(reverse("auditors:chain"), headers={"accept-language": "en"}).content.decode()
    assert "Chain intact" in chain
    assert "Auditor&#x27;s desk" in chain or "Auditor's desk" in chain
    assert "Chuỗi nguyên vẹn" not in chain
    log = client.get(reverse("auditors:log"), headers={"accept-language": "en"}).content.decode()
    assert "The organization's audit log" in log.replace("&#x27;", "'")
    assert "Nhật ký của cơ quan" not in log
