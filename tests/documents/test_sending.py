"""The sender's side: lines from the directory, the "Lưu:" copies, e-mail to outside bodies, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from audit.models import AuditEvent
from documents import services
from documents.errors import InvalidTransition, PermissionDenied, ValidationFailed
from documents.models import Delivery, DeliveryStatus, FiledCopy
from documents.services.sending import filing_labels
from notifications.models import Notification
from organizations.models import GroupRule, OrganizationKind, RecipientGroup, Role
from tests.factories import UnitFactory, add_member, advance, make_draft, make_office

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% the issued copy, numbered and sealed\n%%EOF\n"


def school_under(office, name: str = "Trường Tiểu học Long Hậu"):
    school = make_office(name=name, head_title="HIỆU TRƯỞNG")
    school.organization.parent = office.organization
    school.organization.kind = OrganizationKind.SCHOOL
    school.organization.save(update_fields=["parent", "kind"])
    return school


def issue(document, office, *, pdf: bytes | None = PDF):
    document = advance(document, office, to="registered")
    return services.document_issue(document=document, actor=office.clerk, issued_pdf=pdf)


# --- lines from the directory -----------------------------------------------------------------------


def test_directory_lines_take_the_directory_name_unless_the_drafter_wrote_one() -> None:
    # given a Phòng with a school, a named group, a unit and a leader
    office = make_office()
    school = school_under(office)
    group = RecipientGroup.objects.create(organization=office.organization, name="TP, các PTP", rule=GroupRule.LEADERS)
    # when a draft names them by id, one with its own printed text, and an outside body with an e-mail
    document = make_draft(
        office,
        recipients=[
            {"organization": school.organization.pk, "purpose": "execute"},
            {"group": group.pk},
            {"unit": office.unit.pk, "display_name": "Tổ TH"},
            {"person": office.deputy.pk, "purpose": "inform"},
            {"display_name": "Báo Long An", "email": "toasoan@baolongan.vn"},
        ],
    )
    # then the lines keep the directory links and the printed text
    lines = list(document.recipients.order_by("position"))
    assert [line.display_name for line in lines] == [
        "Trường Tiểu học Long Hậu Cần Giuộc",
        "TP, các PTP",
        "Tổ TH",
        "Trần Thị Phó",
        "Báo Long An",
    ]
    assert [lines[0].organization_id, lines[1].group_id, lines[2].unit_id, lines[3].person_id] == [
        school.organization.pk,
        group.pk,
        office.unit.pk,
        office.deputy.pk,
    ]
    assert lines[4].email == "toasoan@baolongan.vn"
    assert not lines[4].is_internal


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"unit": "other-unit"}, "Đơn vị nhận không thuộc cơ quan ban hành"),
        ({"person": "stranger"}, "không phải cán bộ đang công tác"),
        ({"group": "other-group"}, "Nhóm nơi nhận không thuộc"),
        ({"organization": "self"}, "chính cơ quan ban hành"),
        ({"organization": 9_999_999}, "không có trong danh bạ"),
        ({"organization": "abc"}, "Mã nơi nhận không hợp lệ"),
        ({"unit": "own-unit", "person": "deputy"}, "chỉ chọn một"),
        ({"unit": "own-unit", "email": "vt@example.vn"}, "chỉ ghi cho nơi nhận ngoài hệ thống"),
        ({"display_name": "Báo Long An", "email": "không phải địa chỉ"}, "không hợp lệ"),
        ({"display_name": ""}, "cần có tên"),
    ],
)
def test_a_line_outside_the_issuers_directory_is_refused_naming_the_line(line, message) -> None:
    # given a Phòng and another Phòng with its own unit, group and staff
    office = make_office()
    other = make_office()
    other_group = RecipientGroup.objects.create(organization=other.organization, name="Ban Giám hiệu", rule="leaders")
    values = {
        "other-unit": other.unit.pk,
        "stranger": other.drafter.pk,
        "other-group": other_group.pk,
        "self": office.organization.pk,
        "own-unit": office.unit.pk,
        "deputy": office.deputy.pk,
    }
    bad = {
        key: values.get(value, value) if isinstance(value, str) and key != "email" else value
        for key, value in line.items()
    }
    # when a draft has it on its second line
    with pytest.raises(ValidationFailed) as refused:
        make_draft(office, recipients=[{"display_name": "Sở GD&ĐT tỉnh Long An"}, bad])
    # then the refusal says why, in Vietnamese, on line 2; nothing is written
    assert message in refused.value.message
    assert refused.value.details == {"field": "recipients", "line": 2}
    assert not office.organization.documents.exists()


# --- "Lưu:" copies ----------------------------------------------------------------------------------


def test_filing_labels_read_the_printed_line() -> None:
    assert filing_labels("VT, TH, T/Ph.") == ["VT", "TH", "T/Ph"]
    assert filing_labels("Lưu VT, CM -THCS.") == ["VT", "CM-THCS"]
    assert filing_labels("VT; vt") == ["VT"]
    assert filing_labels("") == []


def test_issue_files_the_office_copy_and_the_units_copy_once() -> None:
    # given a draft filed "VT, TH, HSCV." where TH is the drafting unit
    office = make_office()
    document = make_draft(office, filing_line=f"VT, {office.unit.abbreviation}, HSCV.")
    # when it is issued
    document = issue(document, office)
    # then three filed copies: the clerk's, the unit's and one kept as printed
    copies = [(c.label, c.is_office_copy, c.unit_id) for c in FiledCopy.objects.filter(document=document)]
    assert copies == [("VT", True, None), (office.unit.abbreviation, False, office.unit.pk), ("HSCV", False, None)]
    # and writing them again adds nothing
    services.sending.write_filed_copies(document=document, now=document.issued_at)
    assert FiledCopy.objects.filter(document=document).count() == 3


# --- e-mail to outside bodies -------------------------------------------------------------------------


def test_an_outside_body_with_an_address_is_sent_the_issued_pdf_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    # given a plan for the Sở (in the directory) and a newspaper reached by e-mail, and one on paper
    office = make_office()
    school = school_under(office)
    document = make_draft(
        office,
        recipients=[
            {"organization": school.organization.pk, "purpose": "execute"},
            {"display_name": "Báo Long An", "email": "toasoan@baolongan.vn"},
            {"display_name": "UBND huyện", "purpose": "report"},
        ],
    )
    # when it is issued with its sealed PDF
    with django_capture_on_commit_callbacks(execute=True):
        document = issue(document, office)
    # then one e-mail, to the newspaper, carrying exactly the issued PDF
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["toasoan@baolongan.vn"]
    assert document.code in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert (filename, content, mimetype) == (f"{document.code.replace('/', '_')}.pdf", PDF, "application/pdf")
    # and its delivery says so, with a history step and an audit event; the paper one still waits
    statuses = dict(document.deliveries.values_list("recipient__display_name", "status"))
    assert statuses["Báo Long An"] == DeliveryStatus.EMAILED
    assert statuses["UBND huyện"] == DeliveryStatus.QUEUED
    emailed = document.deliveries.get(status=DeliveryStatus.EMAILED)
    assert list(emailed.events.values_list("status", flat=True)) == [DeliveryStatus.QUEUED, DeliveryStatus.EMAILED]
    assert AuditEvent.objects.filter(action="delivery.emailed", actor=office.clerk).count() == 1


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_a_sending_failure_is_recorded_and_the_issue_stands(settings, django_capture_on_commit_callbacks) -> None:
    # given the mail server is down
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailServer"
    office = make_office()
    document = make_draft(office, recipients=[{"display_name": "Báo Long An", "email": "toasoan@baolongan.vn"}])
    # when the plan is issued
    with django_capture_on_commit_callbacks(execute=True):
        document = issue(document, office)
    # then the document is issued, the delivery still waits (queued) and its history says what failed
    document.refresh_from_db()
    assert document.status == "issued"
    delivery = document.deliveries.get()
    assert delivery.status == DeliveryStatus.QUEUED
    assert "không thành công: mail server down" in delivery.events.order_by("pk").last().note
    assert AuditEvent.objects.filter(action="delivery.email_failed").count() == 1


def test_without_a_pdf_nothing_is_sent_and_the_reason_is_recorded(django_capture_on_commit_callbacks) -> None:
    office = make_office()
    document = make_draft(office, recipients=[{"display_name": "Báo Long An", "email": "toasoan@baolongan.vn"}])
    with django_capture_on_commit_callbacks(execute=True):
        document = issue(document, office, pdf=None)
    assert mail.outbox == []
    delivery = document.deliveries.get()
    assert delivery.status == DeliveryStatus.QUEUED
    assert "chưa có bản PDF" in delivery.events.order_by("pk").last().note


# --- reminders ----------------------------------------------------------------------------------------


def issued_to_two_schools():
    office = make_office()
    first, second = school_under(office, "Trường Tiểu học Long Hậu"), school_under(office, "Trường THCS Long Thượng")
    document = make_draft(
        office,
        recipients=[
            {"organization": first.organization.pk, "purpose": "execute"},
            {"organization": second.organization.pk, "purpose": "execute"},
        ],
    )
    return office, first, second, issue(document, office)


def test_the_clerk_reminds_the_late_ones_once_an_hour(django_capture_on_commit_callbacks) -> None:
    # given a plan issued to two schools; the first has accepted
    office, first, second, document = issued_to_two_schools()
    services.arrival_accept(delivery=document.deliveries.get(organization=first.organization), actor=first.clerk)
    # when the issuing clerk reminds
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.deliveries_remind(document=document, actor=office.clerk)
    # then only the late school is reminded: its history, its time, its clerk told, an audit event
    late = document.deliveries.get(organization=second.organization)
    assert reminded == [late.pk]
    late.refresh_from_db()
    assert late.reminded_at is not None
    assert late.events.order_by("pk").last().note == services.sending.REMINDER_NOTE
    assert Notification.objects.filter(recipient=second.clerk, event="deliveries_reminded").count() == 1
    assert not Notification.objects.filter(recipient=first.clerk, event="deliveries_reminded").exists()
    assert AuditEvent.objects.filter(action="document.remind", actor=office.clerk).count() == 1
    # and reminding again within the hour is refused politely, with nothing written
    with pytest.raises(InvalidTransition) as refused:
        services.deliveries_remind(document=document, actor=office.drafter)
    assert "một lần mỗi giờ" in refused.value.message
    assert late.events.count() == 2
    # and an hour later it may be reminded again
    Delivery.objects.filter(pk=late.pk).update(reminded_at=late.reminded_at - dt.timedelta(hours=1))
    assert services.deliveries_remind(document=document, actor=office.head) == [late.pk]


def test_only_the_issuing_side_may_remind() -> None:
    office, first, _, document = issued_to_two_schools()
    colleague = add_member(
        office, Role.STAFF, full_name="Ngô Văn Khác", unit=UnitFactory(organization=office.organization)
    )
    for outsider in (first.clerk, colleague, office.auditor):
        with pytest.raises(PermissionDenied):
            services.deliveries_remind(document=document, actor=outsider)
    assert not Delivery.objects.filter(reminded_at__isnull=False).exists()


def test_nothing_to_remind_when_everyone_answered() -> None:
    office, first, second, document = issued_to_two_schools()
    for school in (first, second):
        services.arrival_accept(delivery=document.deliveries.get(organization=school.organization), actor=school.clerk)
    with pytest.raises(InvalidTransition) as refused:
        services.deliveries_remind(document=document, actor=office.clerk)
    assert "không còn nơi nào cần nhắc" in refused.value.message
