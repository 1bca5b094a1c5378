"""Every role × every action × every state through the API: the allowed succeed, the rest change nothing.

A document the person must not see answers 404; one they see but may not act on answers 403 (or 409
when they are the right person and only the state is wrong).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from documents.models import Document
from organizations.models import Role, User
from tests.factories import DossierFactory, Office, add_member, advance_routed, make_office, start_draft

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "awaiting_signature", "signed", "registered", "issued", "archived"]
ROLES = ["head", "deputy", "drafter", "staff", "clerk", "auditor", "outsider"]
PAST_DRAFT = set(STATES) - {"draft"}
# Which states of a (normal) document each role may read.
VISIBLE = {
    "head": PAST_DRAFT,
    "deputy": PAST_DRAFT,
    "drafter": set(STATES),
    "staff": set(),
    "clerk": {"signed", "registered", "issued", "archived"},
    "auditor": PAST_DRAFT,
    "outsider": set(),
}
# (action, state, role, state after) — the flow's rule (workflow.actions), minus what the person cannot see.
# Filing (archive) is the clerk's queue, or the drafter's own document.
ALLOWED = [
    ("edit", "draft", "drafter", "draft"),
    ("submit", "draft", "drafter", "in_review"),
    ("approve", "in_review", "deputy", "awaiting_signature"),
    ("return", "in_review", "deputy", "draft"),
    ("return", "awaiting_signature", "head", "draft"),
    ("sign", "awaiting_signature", "head", "signed"),
    ("register", "signed", "clerk", "registered"),
    ("issue", "registered", "clerk", "issued"),
    ("archive", "issued", "clerk", "archived"),
    ("archive", "issued", "drafter", "archived"),
    ("recall", "issued", "head", "recalled"),
    ("cancel", "draft", "drafter", "cancelled"),
    ("cancel", "in_review", "drafter", "cancelled"),
    ("cancel", "in_review", "head", "cancelled"),
]
ACTIONS = ["edit", "submit", "approve", "return", "sign", "register", "issue", "archive", "recall", "cancel"]


@dataclass
class Scene:
    office: Office
    people: dict[str, User]
    document: Document
    dossier_id: int


def scene_in(state: str) -> Scene:
    office = make_office()
    outsider = make_office().head
    people = {role: getattr(office, role) for role in ("head", "deputy", "drafter", "clerk", "auditor")}
    people["staff"] = add_member(office, Role.STAFF, full_name="Ngô Văn Khác")
    people["outsider"] = outsider
    document = advance_routed(start_draft(office), office, to=state)
    return Scene(office, people, document, DossierFactory(organization=office.organization).pk)


def request(client: APIClient, scene: Scene, action: str) -> Any:
    pk = scene.document.pk
    if action == "edit":
        return client.patch(reverse("documents-api:detail", args=[pk]), {"subject": "Trích yếu mới"}, format="json")
    payload = {
        "comment": "Đề nghị chỉnh sửa mục II.",
        "reason": "Ban hành nhầm đối tượng.",
        "reviewer": scene.office.deputy.pk,
        "dossier": scene.dossier_id,
    }
    return client.post(reverse(f"documents-api:{action}", args=[pk]), payload, format="json")


def snapshot(document: Document) -> tuple:
    fresh = Document.objects.get(pk=document.pk)
    return (
        fresh.status,
        fresh.subject,
        fresh.number,
        fresh.current_version_id,
        AuditEvent.objects.filter(organization_id=fresh.organization_id).count(),
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_read_answers_200_to_those_who_may_see_and_404_to_the_rest(
    client_for: Callable[[User], APIClient], role: str, state: str
) -> None:
    # given a document in `state` and one person of the matrix
    scene = scene_in(state)
    client = client_for(scene.people[role])
    # when they read it, alone and in their list
    detail = client.get(reverse("documents-api:detail", args=[scene.document.pk]))
    listed = client.get(reverse("documents-api:list"))
    # then detail and list agree with the visibility rule
    expected = state in VISIBLE[role]
    assert detail.status_code == (200 if expected else 404)
    assert ([row["id"] for row in listed.json()["results"]] == [scene.document.pk]) is expected


REFUSED = [
    (action, state, role)
    for action in ACTIONS
    for state in STATES
    for role in ROLES
    if not any(a == action and s == state and r == role for a, s, r, _ in ALLOWED)
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_every_refused_action_answers_403_or_404_and_changes_nothing(
    client_for: Callable[[User], APIClient], role: str, state: str
) -> None:
    # given a document in `state`
    scene = scene_in(state)
    client = client_for(scene.people[role])
    refused = [action for action, s, r in REFUSED if s == state and r == role]
    before = snapshot(scene.document)
    # when this person tries each action they are not allowed
    answers = {action: request(client, scene, action) for action in refused}
    # then: not seen → 404; seen but not theirs → 403, or 409 when only the state is wrong
    visible = state in VISIBLE[role]
    for action, response in answers.items():
        body = response.json()
        if visible:
            assert (response.status_code, body["code"]) in {(403, "permission_denied"), (409, "invalid_transition")}, (
                action,
                body,
            )
        else:
            assert (response.status_code, body["code"]) == (404, "not_found"), (action, body)
        assert body["message"]
    # and nothing moved
    assert snapshot(scene.document) == before


@pytest.mark.parametrize(("action", "state", "role", "target"), ALLOWED)
def test_allowed_action_succeeds_and_is_recorded(
    client_for: Callable[[User], APIClient], action: str, state: str, role: str, target: str
) -> None:
    # given a document in `state`
    scene = scene_in(state)
    events_before = AuditEvent.objects.filter(object_id=str(scene.document.pk)).count()
    # when the right person acts
    response = request(client_for(scene.people[role]), scene, action)
    # then it moves and the audit log has one more event
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == target
    assert Document.objects.get(pk=scene.document.pk).status == target
    assert AuditEvent.objects.filter(object_id=str(scene.document.pk)).count() == events_before + 1


def test_the_right_person_in_the_wrong_state_gets_409(client_for: Callable[[User], APIClient]) -> None:
    # given a document already waiting for its signature
    scene = scene_in("awaiting_signature")
    # when its reviewer approves it a second time
    response = request(client_for(scene.office.deputy), scene, "approve")
    # then it is a conflict, not a refusal
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
