"""One rule for who sees what and who does what, asked by every interface (docs/permissions.md).

The HTML pages and the JSON API are driven side by side for every role × state × confidentiality × action:
they must agree, and both must answer 404 where the document is not visible to the person and 403 (or
409 for the right person in the wrong state) where it is visible but the action is not theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from documents.models import Confidentiality, Document
from documents.permissions import grant_view
from organizations.models import Role, SignatureForm, User
from tests.factories import DossierFactory, Office, UnitFactory, add_member, advance_routed, make_office, start_draft

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "awaiting_signature", "signed", "registered", "issued", "archived"]
PAST_DRAFT = set(STATES) - {"draft"}
ISSUED = {"issued", "archived"}
SIGNED_ON = {"signed", "registered", "issued", "archived"}
ROLES = ["head", "deputy", "drafter", "staff", "clerk", "auditor", "outsider", "recipient", "grantee"]
# The deputy reviews and signs "KT.", so the head is on the path of no document here: what the head
# reads, the head reads by role.
VISIBLE = {
    Confidentiality.NORMAL: {
        "head": PAST_DRAFT,
        "deputy": PAST_DRAFT,
        "drafter": set(STATES),
        "staff": set(),
        "clerk": SIGNED_ON,
        "auditor": PAST_DRAFT,
        "outsider": set(),
        "recipient": ISSUED,
        "grantee": PAST_DRAFT,
    },
    # Mật: the people on its path, the issuing clerk from the signature on, its addressees, named grants.
    Confidentiality.MAT: {
        "head": set(),
        "deputy": PAST_DRAFT,
        "drafter": set(STATES),
        "staff": set(),
        "clerk": SIGNED_ON,
        "auditor": set(),
        "outsider": set(),
        "recipient": ISSUED,
        "grantee": PAST_DRAFT,
    },
}
ACTIONS = ["edit", "submit", "approve", "return", "sign", "register", "issue", "archive", "recall", "cancel"]
# (action, state, role, state after): what the rule allows, for both confidentialities unless noted.
ALLOWED = [
    ("edit", "draft", "drafter", "draft"),
    ("submit", "draft", "drafter", "in_review"),
    ("approve", "in_review", "deputy", "awaiting_signature"),
    ("return", "in_review", "deputy", "draft"),
    ("return", "awaiting_signature", "deputy", "draft"),
    ("sign", "awaiting_signature", "deputy", "signed"),
    ("register", "signed", "clerk", "registered"),
    ("issue", "registered", "clerk", "issued"),
    ("archive", "issued", "clerk", "archived"),
    ("archive", "issued", "drafter", "archived"),
    ("recall", "issued", "head", "recalled"),
    ("cancel", "draft", "drafter", "cancelled"),
    ("cancel", "in_review", "drafter", "cancelled"),
    ("cancel", "in_review", "head", "cancelled"),
]


def allowed(action: str, state: str, role: str, confidentiality: str) -> bool:
    listed = any(a == action and s == state and r == role for a, s, r, _ in ALLOWED)
    return listed and state in VISIBLE[confidentiality][role]


@dataclass
class Scene:
    office: Office
    people: dict[str, User]
    document: Document
    dossier_id: int


def scene_in(state: str, confidentiality: str) -> Scene:
    office = make_office()
    receiving = make_office()
    people = {role: getattr(office, role) for role in ("head", "deputy", "drafter", "clerk", "auditor")}
    people["staff"] = add_member(
        office, Role.STAFF, full_name="Ngô Văn Khác", unit=UnitFactory(organization=office.organization)
    )
    people["outsider"] = make_office().head
    people["recipient"] = receiving.clerk
    people["grantee"] = receiving.drafter  # another organization's staff, shown this one document
    document = start_draft(
        office,
        signer=office.deputy,
        signature_form=SignatureForm.KT,
        confidentiality=confidentiality,
        recipients=[
            {"display_name": receiving.organization.name, "purpose": "execute", "organization": receiving.organization},
            {"display_name": "Các trường trực thuộc", "purpose": "execute"},
        ],
    )
    grant_view(document=document, user=people["grantee"], actor=office.clerk)
    document = advance_routed(document, office, to=state)
    return Scene(office, people, document, DossierFactory(organization=office.organization).pk)


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def by_page(client: Client, scene: Scene, action: str) -> int:
    pk = scene.document.pk
    if action == "edit":
        form = {
            "subject": "Trích yếu mới",
            "doc_type": scene.document.doc_type_id,
            "body": "Nội dung.",
            "recipients": "Sở GD&ĐT (b/c)",
            "signer": scene.office.deputy.pk,
            "signature_form": "KT",
            "urgency": "normal",
            "confidentiality": scene.document.confidentiality,
            "organization": scene.office.organization.pk,
        }
        response = client.post(reverse("workflow:edit", args=[pk]), form)
        return 200 if response.status_code == 302 else response.status_code
    payload = {"action": action, "comment": "Đề nghị chỉnh sửa mục II.", "dossier": scene.dossier_id}
    response = client.post(reverse("workflow:act", args=[pk]), payload)
    return 200 if response.status_code == 302 else response.status_code


def by_api(client: APIClient, scene: Scene, action: str) -> int:
    pk = scene.document.pk
    if action == "edit":
        return client.patch(
            reverse("documents-api:detail", args=[pk]), {"subject": "Trích yếu mới"}, format="json"
        ).status_code
    payload: dict[str, Any] = {
        "comment": "Đề nghị chỉnh sửa mục II.",
        "reason": "Đề nghị chỉnh sửa mục II.",
        "dossier": scene.dossier_id,
    }
    return client.post(reverse(f"documents-api:{action}", args=[pk]), payload, format="json").status_code


CONFIDENTIALITIES = [Confidentiality.NORMAL, Confidentiality.MAT]


@pytest.mark.parametrize("confidentiality", CONFIDENTIALITIES)
@pytest.mark.parametrize("state", STATES)
def test_pages_and_api_read_and_refuse_alike(state: str, confidentiality: str) -> None:
    # given a document in `state` and everyone who might try it
    scene = scene_in(state, confidentiality)
    status_before = scene.document.status
    for role in ROLES:
        person = scene.people[role]
        page, api = page_client(person), api_client(person)
        visible = state in VISIBLE[confidentiality][role]
        # when they read it: the page, its rendering and the API agree with the rule
        reads = {
            "page": page.get(reverse("workflow:document", args=[scene.document.pk])).status_code,
            "rendering": page.get(reverse("signing:document", args=[scene.document.pk])).status_code,
            "api": api.get(reverse("documents-api:detail", args=[scene.document.pk])).status_code,
        }
        assert set(reads.values()) == {200 if visible else 404}, (role, reads)
        # when they try each action that is not theirs, through the page and through the API
        for action in ACTIONS:
            if allowed(action, state, role, confidentiality):
                continue
            answers = (by_page(page, scene, action), by_api(api, scene, action))
            # then both refuse alike: 404 when not visible, 403 (or 409 in the wrong state) when visible
            assert answers[0] == answers[1], (role, action, answers)
            assert answers[0] in ({403, 409} if visible else {404}), (role, action, answers)
    # and nothing moved
    assert Document.objects.get(pk=scene.document.pk).status == status_before


ALLOWED_CASES = [
    (action, state, role, target, confidentiality, interface)
    for action, state, role, target in ALLOWED
    for confidentiality in CONFIDENTIALITIES
    for interface in ("page", "api")
    if allowed(action, state, role, confidentiality)
]


@pytest.mark.parametrize(("action", "state", "role", "target", "confidentiality", "interface"), ALLOWED_CASES)
def test_what_the_rule_allows_succeeds_through_both(
    action: str, state: str, role: str, target: str, confidentiality: str, interface: str
) -> None:
    # given a document in `state`
    scene = scene_in(state, confidentiality)
    person = scene.people[role]
    # when the right person acts through this interface
    if interface == "page":
        answer = by_page(page_client(person), scene, action)
    else:
        answer = by_api(api_client(person), scene, action)
    # then it moves
    assert answer == 200
    assert Document.objects.get(pk=scene.document.pk).status == target


# --- the findings of the security review, one by one ------------------------------------------------------


def test_a_grant_shows_nothing_once_the_document_is_back_in_draft() -> None:
    # given a document shown to another organization's person, then returned for revision
    scene = scene_in("in_review", Confidentiality.NORMAL)
    grantee = page_client(scene.people["grantee"])
    url = reverse("workflow:document", args=[scene.document.pk])
    assert grantee.get(url).status_code == 200
    api_client(scene.people["deputy"]).post(
        reverse("documents-api:return", args=[scene.document.pk]), {"comment": "Bổ sung mục II."}, format="json"
    )
    # when the grantee opens the page, the rendering and the API
    answers = (
        grantee.get(url).status_code,
        grantee.get(reverse("signing:document", args=[scene.document.pk])).status_code,
        api_client(scene.people["grantee"]).get(reverse("documents-api:detail", args=[scene.document.pk])).status_code,
    )
    # then the draft is the drafter's alone again
    assert answers == (404, 404, 404)


@pytest.mark.parametrize("who", ["clerk", "auditor", "outsider", "anonymous", "drafter", "staff"])
@pytest.mark.parametrize("when", ["create", "edit", "submit"])
def test_only_a_leader_of_the_issuing_organization_may_be_named_reviewer(who: str, when: str) -> None:
    # given a drafter and someone who is not a leader of the organization (or is the drafter)
    scene = scene_in("draft", Confidentiality.MAT)
    people = {**scene.people, "anonymous": User.get_anonymous()}
    named = people[who]
    drafter = api_client(scene.office.drafter)
    # when the drafter names them reviewer, at creation, in an edit or at submission
    if when == "create":
        payload = {
            "organization": scene.office.organization.pk,
            "doc_type": "ke_hoach",
            "subject": "Kế hoạch kiểm tra nội bộ",
            "body": "Nội dung.",
            "reviewer": named.pk,
            "recipients": [{"display_name": "Các trường trực thuộc", "purpose": "execute"}],
        }
        response = drafter.post(reverse("documents-api:list"), payload, format="json")
    elif when == "edit":
        url = reverse("documents-api:detail", args=[scene.document.pk])
        response = drafter.patch(url, {"reviewer": named.pk}, format="json")
    else:
        url = reverse("documents-api:submit", args=[scene.document.pk])
        response = drafter.post(url, {"reviewer": named.pk}, format="json")
    # then it is refused with a clear message, and the draft stays as it was
    assert response.status_code == 400, response.json()
    assert response.json()["message"]
    document = Document.objects.get(pk=scene.document.pk)
    assert (document.status, document.reviewer_id) == ("draft", None)
    assert Document.objects.filter(organization=scene.office.organization).count() == 1


def test_naming_an_outsider_reviewer_does_not_show_them_a_secret_document() -> None:
    # given a Mật draft and a leader of another organization
    scene = scene_in("draft", Confidentiality.MAT)
    outsider = scene.people["outsider"]
    # when the drafter tries to send it to them for review
    api_client(scene.office.drafter).post(
        reverse("documents-api:submit", args=[scene.document.pk]), {"reviewer": outsider.pk}, format="json"
    )
    # then they still cannot read it
    assert page_client(outsider).get(reverse("workflow:document", args=[scene.document.pk])).status_code == 404


def test_a_deputy_cannot_take_over_a_secret_review_by_walking_task_ids() -> None:
    # given a Mật document in review by the deputy, and a second deputy who may not read it
    scene = scene_in("in_review", Confidentiality.MAT)
    other_deputy = add_member(scene.office, Role.DEPUTY, full_name="Hồ Văn Phó Hai")
    task = scene.document.process.task_set.filter(status="ASSIGNED").get()
    # when the second deputy reassigns it to himself
    response = page_client(other_deputy).post(
        reverse("workflow:reassign", args=[task.pk]), {"to_user": other_deputy.pk}
    )
    # then the task is not found for him, it stays with the reviewer, and he still cannot read the document
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.owner == scene.office.deputy
    assert page_client(other_deputy).get(reverse("workflow:document", args=[scene.document.pk])).status_code == 404


def test_only_the_head_hands_a_review_over() -> None:
    # given a normal document in review, which a second deputy may read
    scene = scene_in("in_review", Confidentiality.NORMAL)
    other_deputy = add_member(scene.office, Role.DEPUTY, full_name="Hồ Văn Phó Hai")
    task = scene.document.process.task_set.filter(status="ASSIGNED").get()
    url = reverse("workflow:reassign", args=[task.pk])
    # when the second deputy takes it, then the head hands it to him
    refused = page_client(other_deputy).post(url, {"to_user": other_deputy.pk})
    handed = page_client(scene.office.head).post(url, {"to_user": other_deputy.pk})
    # then the deputy is refused, the head is obeyed, and the change is in the log
    assert (refused.status_code, handed.status_code) == (403, 302)
    task.refresh_from_db()
    assert task.owner == other_deputy
    assert Document.objects.get(pk=scene.document.pk).reviewer == other_deputy


def test_the_head_cannot_hand_a_review_to_the_clerk() -> None:
    scene = scene_in("in_review", Confidentiality.NORMAL)
    task = scene.document.process.task_set.filter(status="ASSIGNED").get()
    response = page_client(scene.office.head).post(
        reverse("workflow:reassign", args=[task.pk]), {"to_user": scene.office.clerk.pk}
    )
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.owner == scene.office.deputy


def test_bulk_approval_tells_nothing_about_documents_the_person_may_not_read() -> None:
    # given a Mật document in review and another person's draft in the deputy's organization
    secret = scene_in("in_review", Confidentiality.MAT)
    other_deputy = add_member(secret.office, Role.DEPUTY, full_name="Hồ Văn Phó Hai")
    draft = start_draft(secret.office, subject="Dự thảo riêng của chuyên viên về kiểm tra")
    # when the second deputy posts their ids to the bulk approval
    response = page_client(other_deputy).post(
        reverse("workflow:bulk"), {"action": "approve", "document": [secret.document.pk, draft.pk]}
    )
    # then neither trích yếu nor state is disclosed: both are "not found"
    page = response.content.decode()
    assert response.status_code == 200
    assert secret.document.subject not in page
    assert draft.subject not in page
    assert page.count("Không tìm thấy văn bản") == 2


def test_recipients_of_an_issued_document_read_its_page() -> None:
    scene = scene_in("issued", Confidentiality.NORMAL)
    recipient = page_client(scene.people["recipient"])
    assert recipient.get(reverse("workflow:document", args=[scene.document.pk])).status_code == 200
    assert recipient.get(reverse("signing:document-pdf", args=[scene.document.pk])).status_code == 200


@pytest.mark.parametrize("bad", ["18446744073709551616", "²", "٣", "-1", "0", "1e3"])
def test_ids_in_forms_and_query_strings_never_give_a_500(bad: str) -> None:
    # given a deputy with a document in review
    scene = scene_in("in_review", Confidentiality.NORMAL)
    deputy = page_client(scene.office.deputy)
    # when ids that are not database ids arrive in the inbox filter, the bulk form and the act form
    answers = [
        deputy.get(reverse("workflow:inbox"), {"organization": bad}).status_code,
        deputy.post(reverse("workflow:bulk"), {"action": "approve", "document": [bad]}).status_code,
        deputy.post(
            reverse("workflow:act", args=[scene.document.pk]), {"action": "approve", "consult_units": [bad]}
        ).status_code,
    ]
    # then each is a page or a clear refusal, never a server error
    assert all(code < 500 for code in answers), answers
