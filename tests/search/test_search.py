"""Search: accents and đ ignored, codes exact, filters, only what the person may read, ranking, highlight."""

from __future__ import annotations

import datetime as dt

import pytest

from documents.models import Confidentiality, Status
from organizations.models import Role
from search.normalize import code_key, fold, similarity
from search.selectors import SearchQuery, highlight, search_documents
from tests.factories import add_member, advance, document_type, make_draft, make_office
from tests.search.helpers import arrival, issued

pytestmark = pytest.mark.django_db


def found(user, q: str = "", **filters) -> list[int]:
    return [d.pk for d in search_documents(user=user, query=SearchQuery(q=q, **filters))]


def test_the_normal_form_ignores_marks_case_and_d_stroke() -> None:
    assert fold("Kế hoạch TRUYỀN THÔNG Đào tạo") == "ke hoach truyen thong dao tao"
    assert code_key("106 / kh-sgdđt") == code_key("106/KH-SGDĐT") == "106/KH-SGDDT"
    assert similarity("ke hoach", "ke hoach") == 1.0
    assert similarity("ke hoach", "bao cao") == 0.0


def test_words_without_accents_find_the_subject_and_the_body(office) -> None:
    # given a draft "Kế hoạch truyền thông giáo dục năm 2026" whose body speaks of "chất lượng"
    draft = make_draft(office)
    # when its drafter types without accents, in any case, words in any order
    # then it is found by its trích yếu and by its body
    assert found(office.drafter, "ke hoach truyen thong") == [draft.pk]
    assert found(office.drafter, "TRUYEN THONG ke hoach") == [draft.pk]
    assert found(office.drafter, "nang cao chat luong") == [draft.pk]
    assert found(office.drafter, "Kế hoạch truyền thông") == [draft.pk]
    assert found(office.drafter, "ke hoach tuyen sinh") == []


def test_d_stroke_is_searched_as_d(office) -> None:
    draft = make_draft(office, subject="Đề án đào tạo đội ngũ giáo viên")
    assert found(office.drafter, "de an dao tao doi ngu") == [draft.pk]
    assert found(office.drafter, "ĐỀ ÁN") == [draft.pk]


def test_a_code_is_found_exactly_first_however_it_is_typed(office) -> None:
    # given the Sở's plan 106/KH-SGDĐT arrived, and a plan of ours that cites it in its body
    plan = arrival(
        office, subject="Kế hoạch tổ chức Hội khỏe Phù Đổng", code="106/KH-SGDĐT", issue_date=dt.date(2026, 3, 2)
    )
    citing = issued(office, subject="Kế hoạch thực hiện", body="Căn cứ Kế hoạch số 106/KH-SGDĐT của Sở GD&ĐT;")
    other = arrival(office, subject="Kế hoạch khác", code="1106/KH-SGDĐT", issue_date=dt.date(2026, 3, 3))
    for typed in ("106/KH-SGDĐT", "106/kh-sgdđt", "106 / KH-SGDĐT", " 106/KH-SGDDT "):
        results = list(search_documents(user=office.clerk, query=SearchQuery(q=typed)))
        # then the exact code comes first, then what mentions it
        assert results[0].pk == plan.document_id, typed
        assert results[0].exact_code is True
        assert citing.pk in [d.pk for d in results]
        assert other.document_id not in [d.pk for d in results[:1]]


def test_arrivals_from_outside_are_found_by_those_they_reached(office) -> None:
    delivery = arrival(
        office, subject="Kế hoạch truyền thông của Sở", code="12/KH-SGDĐT", issue_date=dt.date(2026, 1, 2)
    )
    stranger = make_office()
    assert found(office.clerk, "truyen thong cua so") == [delivery.document_id]
    assert found(stranger.clerk, "truyen thong cua so") == []
    assert found(stranger.head, "12/KH-SGDĐT") == []


def test_filters_issuer_type_state_and_issue_date(office) -> None:
    ours = issued(office, subject="Kế hoạch truyền thông tháng 3")
    report = issued(office, subject="Báo cáo truyền thông", doc_type=document_type("bao_cao"))
    outside = arrival(office, subject="Kế hoạch truyền thông của Sở", code="7/KH-SGDĐT", issue_date=dt.date(2025, 6, 1))
    clerk, sender_id = office.clerk, outside.document.organization_id
    assert set(found(clerk, "truyen thong")) == {ours.pk, report.pk, outside.document_id}
    assert set(found(clerk, "truyen thong", organization_id=office.organization.pk)) == {ours.pk, report.pk}
    assert found(clerk, "truyen thong", organization_id=sender_id) == [outside.document_id]
    assert found(clerk, "truyen thong", doc_type="bao_cao") == [report.pk]
    assert set(found(clerk, "", doc_type="ke_hoach")) == {ours.pk, outside.document_id}
    assert found(clerk, "truyen thong", date_to=dt.date(2025, 12, 31)) == [outside.document_id]
    assert set(found(clerk, "truyen thong", date_from=ours.issue_date)) == {ours.pk, report.pk}
    assert found(clerk, "truyen thong", status=Status.REGISTERED) == []


def test_someone_elses_draft_is_never_found(office) -> None:
    # given a draft of the drafter's, never submitted
    make_draft(office, subject="Kế hoạch bí mật riêng")
    colleague = add_member(office, Role.STAFF, full_name="Nguyễn Văn Khác")
    # then nobody else finds it: not a colleague, not the head, not the clerk, not the auditor
    for person in (colleague, office.head, office.deputy, office.clerk, office.auditor):
        assert found(person, "ke hoach bi mat") == [], person
    assert len(found(office.drafter, "ke hoach bi mat")) == 1


def test_secret_documents_follow_the_one_rule(office) -> None:
    # given a Mật plan in review before the deputy
    secret = advance(
        make_draft(office, subject="Kế hoạch bảo vệ bí mật", confidentiality=Confidentiality.MAT),
        office,
        to="in_review",
    )
    # then the drafter, the reviewer and the signer find it; the auditor and other staff do not
    assert found(office.drafter, "bao ve bi mat") == [secret.pk]
    assert found(office.deputy, "bao ve bi mat") == [secret.pk]
    assert found(office.head, "bao ve bi mat") == [secret.pk]  # the named signer
    assert found(office.auditor, "bao ve bi mat") == []
    assert found(office.clerk, "bao ve bi mat") == []


def test_results_are_ranked_by_likeness_of_the_subject(office) -> None:
    close = make_draft(office, subject="Kế hoạch truyền thông")
    far = make_draft(office, subject="Kế hoạch công tác năm học, có phần truyền thông và nhiều việc khác nữa")
    assert found(office.drafter, "ke hoach truyen thong") == [close.pk, far.pk]


def test_highlight_marks_the_words_in_the_text_as_written_and_escapes_the_rest() -> None:
    marked = highlight("Kế hoạch <b>truyền thông</b>", "ke hoach truyen")
    assert str(marked) == "<mark>Kế</mark> <mark>hoạch</mark> &lt;b&gt;<mark>truyền</mark> thông&lt;/b&gt;"


def test_percent_and_underscore_are_taken_literally(office) -> None:
    make_draft(office, subject="Kế hoạch đạt 100% chỉ tiêu")
    assert len(found(office.drafter, "100%")) == 1
    assert found(office.drafter, "1_0") == []
