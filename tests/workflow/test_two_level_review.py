"""Where an organization wants two review levels: the unit lead (tổ trưởng) first, then the deputy."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from documents.errors import InvalidTransition, PermissionDenied
from documents.models import Document, Status
from notifications.models import Notification
from organizations.models import Organization, Role
from tests.factories import Office, add_member, make_office, start_draft
from workflow.actions import perform
from workflow.selectors import inbox_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_level_office() -> tuple[Office, object]:
    office = make_office()
    Organization.objects.filter(pk=office.organization.pk).update(two_level_review=True)
    office.organization.refresh_from_db()
    lead = add_member(office, Role.UNIT_LEAD, full_name="Tổ trưởng Tổng hợp", post_title="TỔ TRƯỞNG")
    return office, lead


def step_of(document: Document, user: object) -> list[str]:
    return [row.step for row in inbox_for(user=user, kind="assigned") if row.document_id == document.pk]


def test_the_unit_lead_reviews_first_then_the_deputy(two_level_office) -> None:
    office, lead = two_level_office
    # given a submitted draft
    document = perform(document=start_draft(office), actor=office.drafter, action="submit")
    assert document.unit_reviewer == lead
    assert step_of(document, lead) == ["unit_review"]
    assert step_of(document, office.deputy) == []

    # when the unit lead approves, the document stays in review and goes to the deputy
    document = perform(document=document, actor=lead, action="approve", comment="Nội dung ổn.")
    assert document.status == Status.IN_REVIEW
    assert document.unit_approved_at is not None
    assert step_of(document, office.deputy) == ["review"]

    # then the deputy's approval sends it to the signer
    document = perform(document=document, actor=office.deputy, action="approve")
    assert document.status == Status.AWAITING_SIGNATURE
    actions = list(AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True))
    assert actions[-2:] == ["document.unit_approve", "document.approve"]


def test_the_deputy_cannot_skip_the_first_level(two_level_office) -> None:
    office, _ = two_level_office
    document = perform(document=start_draft(office), actor=office.drafter, action="submit")
    with pytest.raises((PermissionDenied, InvalidTransition)):
        perform(document=document, actor=office.deputy, action="approve")
    assert Document.objects.get(pk=document.pk).status == Status.IN_REVIEW


def test_the_unit_lead_returns_it_and_a_resubmission_starts_at_the_first_level_again(two_level_office) -> None:
    office, lead = two_level_office
    document = perform(document=start_draft(office), actor=office.drafter, action="submit")
    document = perform(document=document, actor=lead, action="return", comment="Sửa lại mục II.")
    assert (document.status, document.returned_comment) == (Status.DRAFT, "Sửa lại mục II.")

    document = perform(document=document, actor=office.drafter, action="submit")
    assert document.unit_approved_at is None
    assert step_of(document, lead) == ["unit_review"]


def test_the_deputy_is_told_when_the_first_level_approved(two_level_office, django_capture_on_commit_callbacks) -> None:
    office, lead = two_level_office
    with django_capture_on_commit_callbacks(execute=True):
        document = perform(document=start_draft(office), actor=office.drafter, action="submit")
        perform(document=document, actor=lead, action="approve")
    assert Notification.objects.filter(recipient=lead, event="document_submitted").exists()
    assert Notification.objects.filter(recipient=office.deputy, event="document_unit_approved").exists()
    assert not Notification.objects.filter(recipient=office.deputy, event="document_submitted").exists()


def test_one_level_where_the_organization_does_not_want_two() -> None:
    office = make_office()
    add_member(office, Role.UNIT_LEAD, full_name="Tổ trưởng", post_title="TỔ TRƯỞNG")
    document = perform(document=start_draft(office), actor=office.drafter, action="submit")
    assert document.unit_reviewer is None
    assert step_of(document, office.deputy) == ["review"]


def test_one_click_approve_from_the_inbox_page_at_the_first_level(two_level_office, client) -> None:
    office, lead = two_level_office
    document = perform(document=start_draft(office), actor=office.drafter, action="submit")
    client.force_login(lead)
    page = client.get("/inbox/").content.decode()
    assert f'action="/flow/documents/{document.pk}/act/"' in page
    response = client.post(f"/flow/documents/{document.pk}/act/", {"action": "approve", "next": "/inbox/"})
    assert response.status_code == 302
    assert Document.objects.get(pk=document.pk).unit_approved_at is not None
