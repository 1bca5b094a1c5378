"""A confidential document is read only by the people in its path and by explicit grantees."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from documents.permissions import can_view, grant_view, revoke_view
from documents.selectors import visible_documents
from organizations.models import Role, User
from tests.factories import add_member, advance_routed, make_office, start_draft

pytestmark = pytest.mark.django_db


def test_confidential_document_is_seen_only_along_its_path() -> None:
    # given a "Mật" document issued by an office with a second deputy and another staff member
    office = make_office()
    other_deputy = add_member(office, Role.DEPUTY, full_name="Trần Văn Phó Hai", post_title="PHÓ TRƯỞNG PHÒNG")
    other_staff = add_member(office, Role.STAFF, full_name="Ngô Văn Khác")
    outsider = make_office().head
    document = advance_routed(start_draft(office, confidentiality="mat"), office, to="issued")
    # then drafter, reviewer, signer and the issuing clerk see it
    for person in (office.drafter, office.deputy, office.head, office.clerk):
        assert can_view(person, document)
    # and nobody else does, not even the auditor or another leader of the same office
    for person in (other_deputy, other_staff, office.auditor, outsider):
        assert not can_view(person, document)
        assert not visible_documents(user=person).exists()


def test_clerk_sees_a_confidential_document_only_from_its_signature(office) -> None:
    document = advance_routed(start_draft(office, confidentiality="toi_mat"), office, to="awaiting_signature")
    assert not can_view(office.clerk, document)
    document = advance_routed(document, office, to="signed")
    assert can_view(office.clerk, document)


def test_a_grant_opens_one_document_and_its_revocation_closes_it(office) -> None:
    # given a confidential issued document and an auditor who cannot see it
    document = advance_routed(start_draft(office, confidentiality="mat"), office, to="issued")
    events_before = AuditEvent.objects.filter(object_id=str(document.pk)).count()
    assert not can_view(office.auditor, document)
    # when the head grants it to the auditor
    grant_view(document=document, user=office.auditor, actor=office.head)
    # then the auditor sees it, and the grant is in the log
    assert can_view(office.auditor, document)
    assert list(visible_documents(user=office.auditor)) == [document]
    # when the head takes it back
    revoke_view(document=document, user=office.auditor, actor=office.head)
    # then it is hidden again; both acts are recorded
    assert not can_view(office.auditor, document)
    actions = AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True)
    assert list(actions)[events_before:] == ["document.grant_view", "document.revoke_view"]


def test_a_grant_reaches_another_organization_but_never_a_draft(office) -> None:
    # given a normal draft and a person of another organization granted it
    outsider = make_office().clerk
    document = start_draft(office)
    grant_view(document=document, user=outsider, actor=office.head)
    # then a draft stays hidden from them
    assert not can_view(outsider, document)
    # and once it is under review they see it
    document = advance_routed(document, office, to="in_review")
    assert can_view(outsider, document)


def test_grants_through_the_api(client_for: Callable[[User], APIClient], office) -> None:
    # given a confidential document in review and a staff member outside its path
    staff = add_member(office, Role.STAFF, full_name="Ngô Văn Khác")
    document = advance_routed(start_draft(office, confidentiality="mat"), office, to="in_review")
    url = reverse("documents-api:grants", args=[document.pk])
    detail = reverse("documents-api:detail", args=[document.pk])
    assert client_for(staff).get(detail).status_code == 404
    # when the drafter (who sees it) tries to grant, they are refused: only the head or the clerk grant
    refused = client_for(office.drafter).post(url, {"user": staff.pk}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    # when the head grants it
    assert client_for(office.head).post(url, {"user": staff.pk}, format="json").status_code == 204
    # then the staff member reads it, and loses it when revoked
    assert client_for(staff).get(detail).status_code == 200
    assert client_for(office.head).delete(url, {"user": staff.pk}, format="json").status_code == 204
    assert client_for(staff).get(detail).status_code == 404


def test_recipient_clerk_sees_an_issued_document_addressed_to_their_organization(office) -> None:
    # given a document addressed to a school
    school = make_office(name="Trường THCS Nguyễn Du", abbreviation="THCSND", head_title="HIỆU TRƯỞNG")
    document = start_draft(
        office,
        recipients=[
            {"display_name": "Trường THCS Nguyễn Du", "purpose": "execute", "organization": school.organization}
        ],
    )
    # then the school's clerk sees it only once it is issued, and the school's head not at all
    document = advance_routed(document, office, to="registered")
    assert not can_view(school.clerk, document)
    document = advance_routed(document, office, to="issued")
    assert can_view(school.clerk, document)
    assert not can_view(school.head, document)
