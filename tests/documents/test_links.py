"""Documents that point at each other: căn cứ (seed 002's cascade Sở → Phòng → trường), reports back, reporting
duties, corrections (docs/distribution.md, "Links between documents")."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from documents import events, services
from documents.citing import issuer_name
from documents.errors import InvalidTransition, PermissionDenied, ValidationFailed
from documents.events import DocumentEvent
from documents.models import Document, Recurrence, ReplacementKind, ReportingObligation
from documents.selectors import cascade_tree, document_links, reporting_status, visible_documents
from tests.documents.cascade import (
    SUBJECT,
    accepted,
    complete_and_issue,
    issued_plan,
    line,
    make_cascade,
    on_day,
)
from tests.factories import add_member, advance, document_type, make_draft, make_office

pytestmark = pytest.mark.django_db


def test_the_directory_name_gains_its_place_from_the_parent_line() -> None:
    # given the three levels of seed 002
    cascade = make_cascade()
    # when their names are written in a căn cứ line
    names = [issuer_name(o.organization) for o in (cascade.so, cascade.phong, cascade.schools[0])]
    # then the place comes from a local government's parent line; a school's name stands alone
    assert names == [
        "Sở Giáo dục và Đào tạo tỉnh Đồng Tháp",
        "Phòng Giáo dục và Đào tạo huyện Tân Hồng",
        "Trường THCS Nguyễn Du",
    ]


def test_seed_002_cascades_from_the_so_to_the_phong_to_the_school(monkeypatch: pytest.MonkeyPatch) -> None:
    # given the Sở's plan issued to the Phòng on 26/9/2022, accepted by the Phòng's clerk
    cascade = make_cascade()
    so, phong, school = cascade.so, cascade.phong, cascade.schools[0]
    on_day(monkeypatch, dt.date(2022, 9, 26))
    so_plan = issued_plan(so, [line(phong.organization)])
    delivery = accepted(so_plan, phong)
    # when a Phòng officer drafts a plan on its basis
    phong_plan = services.draft_on_basis_of(delivery=delivery, actor=phong.drafter, doc_type=document_type())
    # then the căn cứ line is seed 002's first line (with this system's number), and the two are linked both ways
    assert phong_plan.legal_bases == [
        "Căn cứ Kế hoạch số 01/KH-SGDĐT ngày 26 tháng 9 năm 2022 của Sở Giáo dục và Đào tạo tỉnh Đồng Tháp "
        f"về việc {SUBJECT};"
    ]
    assert (phong_plan.organization, phong_plan.drafter, phong_plan.subject) == (
        phong.organization,
        phong.drafter,
        SUBJECT,
    )
    assert list(phong_plan.bases.all()) == [so_plan]
    assert list(so_plan.implemented_by.all()) == [phong_plan]

    # when the Phòng's plan goes to the school (and to the Sở, b/c) on 28/9, and the school does the same
    on_day(monkeypatch, dt.date(2022, 9, 28))
    phong_plan = complete_and_issue(phong_plan, phong, [line(school.organization), line(so.organization, "report")])
    school_plan = services.draft_on_basis_of(
        delivery=accepted(phong_plan, school), actor=school.drafter, doc_type=document_type()
    )
    # then the school's căn cứ is seed 002's second line
    assert school_plan.legal_bases == [
        "Căn cứ Kế hoạch số 01/KH-PGDĐT ngày 28 tháng 9 năm 2022 của Phòng Giáo dục và Đào tạo huyện Tân Hồng "
        f"về việc {SUBJECT};"
    ]
    school_plan = complete_and_issue(school_plan, school, [line(phong.organization, "report")])

    # when the Sở's clerk looks at what was done on the basis of its plan
    tree = cascade_tree(document=so_plan, user=so.clerk)
    # then: the Phòng, its plan (sent to the Sở b/c: readable), and below it the school and its plan
    [to_phong] = tree.branches
    assert (to_phong.organization_id, to_phong.delivery_status) == (phong.organization.pk, "assigned")
    [phong_node] = to_phong.documents
    assert (phong_node.id, phong_node.readable, phong_node.subject) == (phong_plan.pk, True, SUBJECT)
    assert [b.organization_id for b in phong_node.branches] == [school.organization.pk, so.organization.pk]
    [school_node] = phong_node.branches[0].documents
    # and the school's plan, not addressed to the Sở, shows issuer, code, date and status only
    assert not visible_documents(user=so.clerk).filter(pk=school_plan.pk).exists()
    assert (school_node.id, school_node.readable, school_node.subject, school_node.doc_type) == (
        school_plan.pk,
        False,
        "",
        "",
    )
    assert (school_node.issuer, school_node.code, school_node.issue_date, school_node.status) == (
        "Trường THCS Nguyễn Du",
        "01/KH-THCS1",
        dt.date(2022, 9, 28),
        "issued",
    )


def test_a_draft_below_is_not_shown_to_others_and_a_secret_one_only_as_such(monkeypatch) -> None:
    # given the Sở's plan accepted by the Phòng, which drafts on its basis twice: one kept as a draft, one Mật issued
    cascade = make_cascade()
    so, phong = cascade.so, cascade.phong
    so_plan = issued_plan(so, [line(phong.organization)])
    delivery = accepted(so_plan, phong)
    services.draft_on_basis_of(delivery=delivery, actor=phong.drafter, doc_type=document_type())
    secret = services.draft_on_basis_of(delivery=delivery, actor=phong.drafter, doc_type=document_type())
    services.document_update_draft(document=secret, actor=phong.drafter, confidentiality="mat")
    complete_and_issue(secret, phong, [line(cascade.schools[0].organization)])
    # when the Sở's clerk reads the cascade, and the Phòng's drafter the links of the Sở's plan
    [branch] = cascade_tree(document=so_plan, user=so.clerk).branches
    drafter_view = document_links(document=so_plan, user=phong.drafter)
    # then the Sở sees only "a secret document", nothing of the draft; the drafter sees both as theirs
    assert [(n.id, n.secret, n.code, n.issuer) for n in branch.documents] == [(None, True, "", "")]
    assert [n.readable for n in drafter_view["implemented_by"]] == [True, True]


def test_only_someone_of_the_receiving_organization_drafts_from_an_accepted_arrival() -> None:
    # given the Sở's plan delivered to the Phòng, not yet accepted
    cascade = make_cascade()
    so, phong = cascade.so, cascade.phong
    so_plan = issued_plan(so, [line(phong.organization)])
    delivery = so_plan.deliveries.get()
    # when the Phòng drafts before acceptance, or a school's officer after it
    with pytest.raises(InvalidTransition):
        services.draft_on_basis_of(delivery=delivery, actor=phong.drafter, doc_type=document_type())
    delivery = accepted(so_plan, phong)
    with pytest.raises(PermissionDenied):
        services.draft_reply(
            delivery=delivery, actor=cascade.schools[0].drafter, doc_type=document_type("bao_cao"), subject="x"
        )
    # nor someone of the Phòng the arrival was not assigned to, who may not read it
    bystander = add_member(phong, "staff", full_name="Trịnh Văn Ngoài", post_title="CHUYÊN VIÊN")
    with pytest.raises(PermissionDenied):
        services.draft_on_basis_of(delivery=delivery, actor=bystander, doc_type=document_type())
    # then nothing was drafted
    assert not Document.objects.exclude(pk=so_plan.pk).exists()


def test_a_yearly_reporting_duty_tracks_who_reported_and_who_is_late(monkeypatch: pytest.MonkeyPatch) -> None:
    # given the Phòng's plan (seed 004) asking its two schools to report "trước ngày 20/10 hằng năm", issued 01/7/2020
    cascade = make_cascade(schools=2)
    phong, (first, second) = cascade.phong, cascade.schools
    plan = make_draft(phong, recipients=[line(first.organization), line(second.organization)])
    duty = services.reporting_duty_add(
        document=plan,
        actor=phong.drafter,
        description="Báo cáo kết quả thực hiện về Phòng GD&ĐT (qua tổ CM THCS)",
        due_date=dt.date(2020, 10, 20),
        recurrence=Recurrence.YEARLY,
    )
    on_day(monkeypatch, dt.date(2020, 7, 1))
    plan = advance(plan, phong, to="issued")
    # then each school owes one report for 2020
    assert sorted(duty.obligations.values_list("organization_id", "period", "due_date")) == sorted(
        [(school.organization.pk, 2020, dt.date(2020, 10, 20)) for school in (first, second)]
    )

    # when the first school reports back (a Báo cáo answering the plan) on 10/10/2020
    report = services.draft_reply(
        delivery=accepted(plan, first),
        actor=first.drafter,
        doc_type=document_type("bao_cao"),
        subject="Báo cáo kết quả thực hiện Kế hoạch khuyến học, khuyến tài năm 2020",
    )
    assert [(r.organization, r.purpose) for r in report.recipients.all()] == [(phong.organization, "report")]
    on_day(monkeypatch, dt.date(2020, 10, 10))
    report = complete_and_issue(report, first, [line(phong.organization, "report")])

    # then on 21/10/2020 the Phòng sees: the first reported (with the report's code), the second is late,
    # and the first owes next year's report, not yet late
    rows = reporting_status(document=plan, user=phong.clerk, today=dt.date(2020, 10, 21))
    assert [(r.organization_id, r.period, r.state, r.fulfilled_code, r.readable) for r in rows] == [
        (first.organization.pk, 2020, "fulfilled", report.code, True),
        (second.organization.pk, 2020, "late", "", False),
        (first.organization.pk, 2021, "open", "", False),
    ]
    assert report.answers == plan

    # when the year turns (command open_reporting_periods), twice
    call_command("open_reporting_periods", "--date", "2021-01-02", stdout=StringIO())
    call_command("open_reporting_periods", "--date", "2021-01-03", stdout=StringIO())
    # then the second school owes 2021 as well, once, and the first still one 2021 report; the plan's log says so
    assert AuditEvent.objects.filter(action="document.reporting_periods_open", object_id=str(plan.pk)).count() == 1
    assert sorted(ReportingObligation.objects.filter(period=2021).values_list("organization_id", "due_date")) == sorted(
        [(first.organization.pk, dt.date(2021, 10, 20)), (second.organization.pk, dt.date(2021, 10, 20))]
    )


def test_reporting_duties_are_the_drafters_while_it_is_a_draft() -> None:
    # given a Phòng's plan
    phong = make_office()
    plan = make_draft(phong)
    # when someone else adds a duty, or the drafter with no text, or after it was submitted
    with pytest.raises(PermissionDenied):
        services.reporting_duty_add(
            document=plan, actor=phong.head, description="Báo cáo", due_date=dt.date(2030, 1, 1)
        )
    with pytest.raises(ValidationFailed):
        services.reporting_duty_add(document=plan, actor=phong.drafter, description=" ", due_date=dt.date(2030, 1, 1))
    plan = advance(plan, phong, to="in_review")
    with pytest.raises(InvalidTransition):
        services.reporting_duty_add(
            document=plan, actor=phong.drafter, description="Báo cáo", due_date=dt.date(2030, 1, 1)
        )
    # then it has none
    assert not plan.reporting_duties.exists()


def test_a_correction_is_a_new_document_its_recipients_see_linked(monkeypatch: pytest.MonkeyPatch) -> None:
    # given the Phòng's plan issued to a school on 28/9/2022
    cascade = make_cascade()
    phong, school = cascade.phong, cascade.schools[0]
    on_day(monkeypatch, dt.date(2022, 9, 28))
    plan = issued_plan(phong, [line(school.organization)])
    # when someone of the school tries to correct it, then the Phòng's drafter drafts a correction
    with pytest.raises(PermissionDenied):
        services.draft_correction(document=plan, actor=school.head, kind=ReplacementKind.CORRECTION)
    correction = services.draft_correction(document=plan, actor=phong.drafter, kind=ReplacementKind.CORRECTION)
    # then it is a công văn đính chính, to the same recipients, pointing at the plan
    assert (correction.doc_type.code, correction.subject, correction.replaces, correction.replacement_kind) == (
        "cong_van",
        "đính chính Kế hoạch số 01/KH-PGDĐT ngày 28 tháng 9 năm 2022 của Phòng Giáo dục và Đào tạo huyện Tân Hồng",
        plan,
        "correction",
    )
    assert [r.organization for r in correction.recipients.all()] == [school.organization]
    # and before it is issued the school sees no link; once issued, it sees it both ways
    assert document_links(document=plan, user=school.clerk)["replaced_by"] == []
    correction = complete_and_issue(correction, phong, [line(school.organization)])
    [seen] = document_links(document=plan, user=school.clerk)["replaced_by"]
    assert (seen.id, seen.readable, seen.code) == (correction.pk, True, correction.code)
    back = document_links(document=correction, user=school.clerk)["replaces"]
    assert (back.id, back.readable) == (plan.pk, True)


def test_a_replacement_keeps_the_form_and_a_draft_cannot_be_replaced() -> None:
    # given an issued plan and a draft of the same Phòng
    phong = make_office()
    plan = advance(make_draft(phong), phong, to="issued")
    draft = make_draft(phong)
    # when its head drafts a replacement of each
    replacement = services.draft_correction(document=plan, actor=phong.head, kind=ReplacementKind.REPLACEMENT)
    with pytest.raises(InvalidTransition):
        services.draft_correction(document=draft, actor=phong.head, kind=ReplacementKind.REPLACEMENT)
    # then the replacement has the plan's type, subject, content and legal bases, drafted by the head
    assert (replacement.doc_type, replacement.subject, replacement.body, replacement.legal_bases) == (
        plan.doc_type,
        plan.subject,
        plan.body,
        plan.legal_bases,
    )
    assert (replacement.drafter, replacement.replaces, replacement.replacement_kind) == (
        phong.head,
        plan,
        "replacement",
    )


def test_the_cascade_costs_three_queries_a_level_whatever_its_breadth(monkeypatch: pytest.MonkeyPatch) -> None:
    # given two Sở plans to the Phòng, each passed on to one and to three schools which all implement it
    counts = []
    for size in (1, 3):
        cascade = make_cascade(schools=size)
        so, phong = cascade.so, cascade.phong
        so_plan = issued_plan(so, [line(phong.organization)])
        phong_plan = services.draft_on_basis_of(
            delivery=accepted(so_plan, phong), actor=phong.drafter, doc_type=document_type()
        )
        phong_plan = complete_and_issue(phong_plan, phong, [line(s.organization) for s in cascade.schools])
        for school in cascade.schools:
            plan = services.draft_on_basis_of(
                delivery=accepted(phong_plan, school), actor=school.drafter, doc_type=document_type()
            )
            complete_and_issue(plan, school, [line(phong.organization, "report")])
        # when the Sở's clerk reads the cascade
        with CaptureQueriesContext(connection) as queries:
            tree = cascade_tree(document=so_plan, user=so.clerk, depth=3)
        counts.append(len(queries))
        # then every school's plan is there (below the Phòng's plan, which the Sở may not read: in one list)
        [phong_node] = tree.branches[0].documents
        assert [len(branch.documents) for branch in phong_node.branches] == [size]
    # and the same number of statements: three a level for the two levels found, two for the empty third
    assert counts[0] == counts[1]
    assert counts[0] <= 3 * 3


def test_each_link_is_audited_and_announced_after_commit(django_capture_on_commit_callbacks) -> None:
    # given the Sở's plan accepted by the Phòng, and someone listening to domain events
    cascade = make_cascade()
    so, phong = cascade.so, cascade.phong
    so_plan = issued_plan(so, [line(phong.organization)])
    delivery = accepted(so_plan, phong)
    seen: list[DocumentEvent] = []
    handler = events.subscribe(seen.append)
    try:
        # when the Phòng drafts a plan on its basis, a report back, and the Sở a correction
        with django_capture_on_commit_callbacks(execute=True):
            plan = services.draft_on_basis_of(delivery=delivery, actor=phong.drafter, doc_type=document_type())
            report = services.draft_reply(delivery=delivery, actor=phong.drafter, doc_type=document_type("bao_cao"))
            correction = services.draft_correction(document=so_plan, actor=so.head, kind=ReplacementKind.CORRECTION)
    finally:
        events.unsubscribe(handler)
    # then each is in its organization's audit chain, and announced with what it points at
    linked = [e for e in seen if e.name != "document_created"]
    assert [
        (e.name, e.document_id, e.data.get("basis") or e.data.get("answers") or e.data.get("replaces")) for e in linked
    ] == [
        ("document_drafted_on_basis", plan.pk, so_plan.pk),
        ("document_drafted_reply", report.pk, so_plan.pk),
        ("document_drafted_correction", correction.pk, so_plan.pk),
    ]
    assert sorted(
        AuditEvent.objects.filter(action__startswith="document.link_").values_list("action", "organization_id")
    ) == sorted(
        [
            ("document.link_answer", phong.organization.pk),
            ("document.link_basis", phong.organization.pk),
            ("document.link_correction", so.organization.pk),
        ]
    )
