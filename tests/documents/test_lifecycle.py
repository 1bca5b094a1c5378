"""Every lifecycle transition: allowed from the right state by the right role, refused otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from audit.models import AuditEvent
from documents import services
from documents.dates import vn_today
from documents.errors import InvalidTransition, PermissionDenied, ValidationFailed
from documents.models import DeliveryStatus, Document, Status
from organizations.models import Delegation, SignatureForm
from tests.factories import DossierFactory, Office, advance, make_draft, make_office

pytestmark = pytest.mark.django_db


def snapshot(document: Document) -> tuple:
    """What a refused action must leave untouched."""
    fresh = Document.objects.get(pk=document.pk)
    return (
        fresh.status,
        fresh.number,
        fresh.code,
        fresh.current_version_id,
        fresh.signed_version_id,
        AuditEvent.objects.filter(organization_id=fresh.organization_id).count(),
    )


def test_full_lifecycle_by_the_right_people(office: Office) -> None:
    # given a complete draft signed by the deputy on the head's behalf
    document = make_draft(office, signer=office.deputy, signature_form=SignatureForm.KT)

    # when it goes all the way
    document = advance(document, office, to="archived")

    # then every step left its mark
    assert document.status == Status.ARCHIVED
    assert document.number == 1
    assert document.code == f"01/KH-{office.organization.abbreviation}"
    assert document.signer_title_lines == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    assert document.signed_version.content_hash == document.current_version.content_hash
    assert document.deliveries.count() == 2
    actions = list(AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True))
    assert actions == [
        "document.create",
        "document.submit",
        "document.approve",
        "document.sign",
        "document.register",
        "document.issue",
        "document.archive",
    ]


def test_direct_signature_prints_the_title_alone(office: Office) -> None:
    document = advance(make_draft(office), office, to="signed")
    assert document.signer_title_lines == ["TRƯỞNG PHÒNG"]


ACTIONS = {
    "submit": lambda d, o, who: services.document_submit(document=d, actor=who, reviewer=o.deputy),
    "approve": lambda d, o, who: services.document_approve(document=d, actor=who),
    "return": lambda d, o, who: services.document_return(document=d, actor=who, comment="Sửa lại mục II."),
    "sign": lambda d, o, who: services.document_sign(document=d, actor=who),
    "register": lambda d, o, who: services.document_register(document=d, actor=who),
    "issue": lambda d, o, who: services.document_issue(document=d, actor=who),
    "archive": lambda d, o, who: services.document_archive(
        document=d, actor=who, dossier=DossierFactory(organization=o.organization)
    ),
    "recall": lambda d, o, who: services.document_recall(document=d, actor=who, reason="Sai sót nội dung."),
    "cancel": lambda d, o, who: services.document_cancel(document=d, actor=who),
}

# (action, state it starts from, the role allowed, the state it ends in)
ALLOWED = [
    ("submit", "draft", "drafter", "in_review"),
    ("approve", "in_review", "deputy", "awaiting_signature"),
    ("return", "in_review", "deputy", "draft"),
    ("return", "awaiting_signature", "head", "draft"),
    ("sign", "awaiting_signature", "head", "signed"),
    ("register", "signed", "clerk", "registered"),
    ("issue", "registered", "clerk", "issued"),
    ("archive", "issued", "clerk", "archived"),
    ("archive", "issued", "drafter", "archived"),
    ("archive", "issued", "head", "archived"),  # members of the drafting unit file it too
    ("archive", "issued", "deputy", "archived"),
    ("recall", "issued", "head", "recalled"),
    ("cancel", "draft", "drafter", "cancelled"),
    ("cancel", "draft", "head", "cancelled"),
    ("cancel", "in_review", "drafter", "cancelled"),
    ("cancel", "in_review", "head", "cancelled"),
]
ROLES = ["head", "deputy", "drafter", "clerk", "auditor"]
STATES = ["draft", "in_review", "awaiting_signature", "signed", "registered", "issued"]


def document_in(office: Office, state: str) -> Document:
    return advance(make_draft(office), office, to=state)


@pytest.mark.parametrize(("action", "state", "role", "target"), ALLOWED)
def test_allowed_transition_succeeds(office: Office, action: str, state: str, role: str, target: str) -> None:
    document = document_in(office, state)
    result = ACTIONS[action](document, office, getattr(office, role))
    assert result.status == target
    assert Document.objects.get(pk=document.pk).status == target


REFUSED = [
    (action, state, role)
    for action in ACTIONS
    for state in STATES
    for role in ROLES
    if not any(a == action and s == state and r == role for a, s, r, _ in ALLOWED)
]


@pytest.mark.parametrize(("action", "state", "role"), REFUSED)
def test_every_other_combination_is_refused_and_changes_nothing(
    office: Office, action: str, state: str, role: str
) -> None:
    document = document_in(office, state)
    before = snapshot(document)
    with pytest.raises((PermissionDenied, InvalidTransition, ValidationFailed)) as caught:
        ACTIONS[action](document, office, getattr(office, role))
    assert caught.value.message  # a sentence a person can read
    assert snapshot(document) == before


def test_a_stranger_from_another_organization_is_refused(office: Office) -> None:
    other = make_office()
    document = document_in(office, "signed")
    with pytest.raises(PermissionDenied):
        services.document_register(document=document, actor=other.clerk)


def test_return_requires_a_comment(office: Office) -> None:
    document = document_in(office, "in_review")
    with pytest.raises(ValidationFailed, match="ý kiến"):
        services.document_return(document=document, actor=office.deputy, comment="  ")
    assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW


def test_returned_document_shows_the_comment_and_can_be_resubmitted(office: Office) -> None:
    document = document_in(office, "in_review")
    document = services.document_return(document=document, actor=office.deputy, comment="Bổ sung căn cứ.")
    assert document.status == Status.DRAFT
    assert document.returned_comment == "Bổ sung căn cứ."
    document = services.document_submit(document=document, actor=office.drafter)
    assert document.status == Status.IN_REVIEW
    assert document.returned_comment == ""


def test_submit_needs_content_signer_and_recipients(office: Office) -> None:
    document = make_draft(office, body="", recipients=[])
    with pytest.raises(ValidationFailed) as caught:
        services.document_submit(document=document, actor=office.drafter)
    assert caught.value.details["missing"] == ["nội dung", "nơi nhận"]


def test_reviewer_must_not_be_the_drafter(office: Office) -> None:
    document = make_draft(office)
    with pytest.raises(ValidationFailed):
        services.document_submit(document=document, actor=office.drafter, reviewer=office.drafter)
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT


def test_a_signature_form_the_signer_does_not_hold_is_refused(office: Office) -> None:
    # naming someone who may never sign — the drafter, a staff member — is refused at drafting
    with pytest.raises(ValidationFailed, match="Người ký"):
        make_draft(office, signer=office.drafter, signature_form=SignatureForm.KT)
    # a deputy named with the head's own form is refused at drafting too, by the service every interface asks
    with pytest.raises(ValidationFailed, match="không giữ thể thức ký “Ký trực tiếp”") as refused:
        make_draft(office, signer=office.deputy, signature_form=SignatureForm.DIRECT)
    assert refused.value.details == {"field": "signature_form"}
    assert not Document.objects.exists()
    # and a form held at drafting but no longer on the signing day is refused when signing
    document = advance(
        make_draft(office, signer=office.deputy, signature_form=SignatureForm.KT), office, to="awaiting_signature"
    )
    yesterday = vn_today() - dt.timedelta(days=1)
    Delegation.objects.filter(delegate=office.deputy).update(valid_from=yesterday, valid_until=yesterday)
    with pytest.raises(PermissionDenied, match="không có thẩm quyền ký"):
        services.document_sign(document=document, actor=office.deputy)
    assert Document.objects.get(pk=document.pk).status == Status.AWAITING_SIGNATURE


def test_signed_content_cannot_be_changed(office: Office) -> None:
    document = document_in(office, "signed")
    with pytest.raises(InvalidTransition, match="không được sửa"):
        services.document_update_draft(document=document, actor=office.drafter, subject="Trích yếu khác")
    assert Document.objects.get(pk=document.pk).subject == "Kế hoạch truyền thông giáo dục năm 2026"


def test_each_draft_edit_is_a_new_immutable_version(office: Office) -> None:
    document = make_draft(office)
    first = document.current_version
    document = services.document_update_draft(document=document, actor=office.drafter, subject="Kế hoạch mới")
    assert document.current_version.number == 2
    assert document.current_version.content_hash != first.content_hash
    first.content = {"tampered": True}
    with pytest.raises(ValueError, match="immutable"):
        first.save()


def test_a_stale_instance_cannot_win_twice(office: Office) -> None:
    # given two people holding the same document as it was before either acted
    document = document_in(office, "in_review")
    stale = Document.objects.get(pk=document.pk)
    # when both act
    services.document_approve(document=document, actor=office.deputy)
    # then the second is refused with a clear conflict and nothing is done twice
    with pytest.raises(InvalidTransition):
        services.document_approve(document=stale, actor=office.deputy)
    assert AuditEvent.objects.filter(action="document.approve", object_id=str(document.pk)).count() == 1


def test_recall_marks_every_delivery(office: Office) -> None:
    document = document_in(office, "issued")
    services.document_recall(document=document, actor=office.head, reason="Ban hành nhầm.")
    assert set(document.deliveries.values_list("status", flat=True)) == {DeliveryStatus.RECALLED}


def test_the_recipients_clerk_accepts_and_registers_it(office: Office) -> None:
    school = make_office(name="Trường THCS Nguyễn Du", abbreviation="THCSND", head_title="HIỆU TRƯỞNG")
    document = make_draft(
        office,
        recipients=[
            {"display_name": "Trường THCS Nguyễn Du", "purpose": "execute", "organization": school.organization}
        ],
    )
    document = advance(document, office, to="issued")
    delivery = document.deliveries.get()
    with pytest.raises(PermissionDenied):
        services.arrival_accept(delivery=delivery, actor=office.clerk)
    incoming = services.arrival_accept(delivery=delivery, actor=school.clerk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACCEPTED
    assert (incoming.organization, incoming.number, incoming.sender_code) == (school.organization, 1, document.code)
