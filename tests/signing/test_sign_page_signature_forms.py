"""The drafting form offers only the signature forms the chosen signer holds, and says why (issue 11, item 4);
one not held is refused at save with a Vietnamese message, not at the signer's last click."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from documents.dates import vn_today
from documents.models import Document
from organizations.models import Delegation, Organization, SignatureForm
from organizations.selectors import may_sign_with, signature_forms_for
from tests.factories import DelegationFactory, Office, add_member, document_type
from workflow.forms import DraftForm

pytestmark = pytest.mark.django_db


def typed(office: Office, **changes: object) -> dict:
    values = {
        "organization": office.organization.pk,
        "doc_type": document_type().pk,
        "subject": "Kế hoạch hội thi giáo viên dạy giỏi cấp huyện",
        "body": "I. MỤC ĐÍCH\n\n1. Tôn vinh giáo viên dạy giỏi.",
        "recipients": "- Sở GD&ĐT tỉnh Long An (b/c);",
        "signer": office.head.pk,
        "signature_form": "direct",
        "urgency": "normal",
        "confidentiality": "normal",
    }
    return {**values, **changes}


def forms_of(office: Office, signer: object, on: dt.date | None = None) -> list[str]:
    held = signature_forms_for(
        signer=signer, organization=office.organization, doc_type_id=document_type().pk, on=on or vn_today()
    )
    return [h.form for h in held]


def test_the_head_signs_directly_and_the_deputy_with_kt_while_the_delegation_runs(office: Office) -> None:
    # given the office: the head, and the deputy holding a KT. delegation from 01/01/2000 (tests/factories.py)
    today = vn_today()
    # then the head holds the direct form, the deputy KT.
    assert forms_of(office, office.head) == ["direct"]
    assert forms_of(office, office.deputy) == ["KT"]
    held = signature_forms_for(
        signer=office.deputy, organization=office.organization, doc_type_id=document_type().pk, on=today
    )
    assert held[0].reason == f"Phó trưởng phòng {office.deputy.full_name} được giao ký thay (KT.) từ 01/01/2000"
    # when the delegation ends yesterday, the deputy holds nothing today
    Delegation.objects.filter(delegate=office.deputy).update(valid_until=today - dt.timedelta(days=1))
    assert forms_of(office, office.deputy) == []
    # and a delegation starting tomorrow is not in force today either
    Delegation.objects.filter(delegate=office.deputy).update(valid_from=today + dt.timedelta(days=1), valid_until=None)
    assert forms_of(office, office.deputy) == []
    assert forms_of(office, office.deputy, on=today + dt.timedelta(days=1)) == ["KT"]


def test_kt_needs_a_deputy_tl_and_tuq_follow_their_delegations_tm_the_collective(office: Office) -> None:
    # given a unit head holding TL. for decisions only, and a KT. delegation wrongly given to a staff member
    unit_head = add_member(office, "unit_lead", full_name="Ngô Văn Tổ", post_title="TRƯỞNG BỘ PHẬN")
    decision = document_type("quyet_dinh")
    tl = DelegationFactory(organization=office.organization, delegate=unit_head, form=SignatureForm.TL)
    tl.document_types.set([decision])
    DelegationFactory(organization=office.organization, delegate=office.drafter, form=SignatureForm.KT)
    # then TL. is offered for a decision and not for a plan; KT. is never offered to a non-deputy
    assert forms_of(office, unit_head) == []
    assert [
        h.form
        for h in signature_forms_for(
            signer=unit_head, organization=office.organization, doc_type_id=decision.pk, on=vn_today()
        )
    ] == ["TL"]
    assert forms_of(office, office.drafter) == []
    # and a collective body's head may also sign TM.
    Organization.objects.filter(pk=office.organization.pk).update(collective_name="Ủy ban nhân dân")
    office.organization.refresh_from_db()
    assert forms_of(office, office.head) == ["direct", "TM"]


def test_the_service_rule_and_the_offered_forms_agree(office: Office) -> None:
    # the sign step's check (may_sign_with) accepts exactly the forms the page offers
    for person in (office.head, office.deputy, office.drafter, office.clerk):
        offered = set(forms_of(office, person))
        for form in SignatureForm.values:
            accepted = may_sign_with(
                user=person,
                organization=office.organization,
                form=form,
                doc_type_id=document_type().pk,
                on=vn_today(),
            )
            assert accepted == (form in offered), (person, form)


def test_the_form_shows_only_the_signers_forms_with_their_reasons(office: Office) -> None:
    form = DraftForm(initial={"signer": office.deputy.pk}, organizations=[office.organization], drafter=office.drafter)
    assert [value for value, _label in form.fields["signature_form"].widget.choices] == ["KT"]
    assert "được giao ký thay (KT.)" in form.held_forms[0].reason


def test_a_form_not_held_is_refused_at_save_in_vietnamese_and_what_was_typed_stays(office: Office) -> None:
    # given the drafter's page
    client = Client()
    client.force_login(office.drafter)
    # when the head is named with KT. (the head does not sign "ký thay")
    response = client.post(reverse("workflow:new"), typed(office, signature_form="KT"))
    # then the page says why, keeps the typed subject, and nothing is written
    html = response.content.decode()
    assert response.status_code == 400
    assert f"{office.head.full_name} không giữ thể thức ký “KT. (ký thay)”" in html
    assert "Có thể chọn: Ký trực tiếp." in html
    assert "Kế hoạch hội thi giáo viên dạy giỏi cấp huyện" in html
    assert not Document.objects.exists()
    # and with the right form the draft is made
    assert client.post(reverse("workflow:new"), typed(office)).status_code == 302


def test_the_endpoint_refreshes_the_choices_for_a_drafter_only(office: Office) -> None:
    client = Client()
    client.force_login(office.drafter)
    url = reverse("signing:signature-forms")
    query = {"organization": office.organization.pk, "signer": office.deputy.pk, "doc_type": document_type().pk}
    data = client.get(url, query).json()
    assert [f["value"] for f in data["forms"]] == ["KT"]
    assert "ký thay (KT.)" in data["forms"][0]["reason"]
    # the clerk is no signer: 404; someone who does not draft there learns nothing
    assert client.get(url, {**query, "signer": office.clerk.pk}).status_code == 404
    outsider = Client()
    outsider.force_login(office.auditor)
    assert outsider.get(url, query).json()["forms"] == []
