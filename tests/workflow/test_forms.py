"""The drafting form refuses NUL bytes and over-long values field by field, and the page then writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from documents import limits
from documents.models import Document
from tests.factories import Office, document_type
from workflow.forms import DraftForm

pytestmark = pytest.mark.django_db


def typed(office: Office, **changes: str) -> dict:
    values = {
        "organization": office.organization.pk,
        "doc_type": document_type().pk,
        "subject": "Kế hoạch hội thi giáo viên dạy giỏi cấp huyện",
        "legal_bases": "Căn cứ Kế hoạch số 12/KH-SGDĐT của Sở Giáo dục và Đào tạo;",
        "body": "I. MỤC ĐÍCH\n\n1. Tôn vinh giáo viên dạy giỏi.",
        "recipients": "- Sở GD&ĐT tỉnh Long An (b/c);\n- Các trường trực thuộc (để thực hiện);",
        "signer": office.head.pk,
        "signature_form": "direct",
        "urgency": "normal",
        "confidentiality": "normal",
    }
    return {**values, **changes}


BAD = {
    "nul-body": ("body", {"body": "Nội dung\x00"}),
    "nul-recipient": ("recipients", {"recipients": "- Sở GD&ĐT\x00 (b/c)"}),
    "nul-legal-basis": ("legal_bases", {"legal_bases": "Căn cứ\x00"}),
    "long-body": ("body", {"body": "x" * (limits.BODY_MAX + 1)}),
    "long-recipient": ("recipients", {"recipients": "- " + "x" * (limits.RECIPIENT_MAX + 1)}),
    "many-recipients": ("recipients", {"recipients": "\n".join(["- Sở"] * (limits.RECIPIENTS_MAX + 1))}),
    "long-legal-basis": ("legal_bases", {"legal_bases": "x" * (limits.LEGAL_BASIS_MAX + 1)}),
    "many-legal-bases": ("legal_bases", {"legal_bases": "\n".join(["Căn cứ"] * (limits.LEGAL_BASES_MAX + 1))}),
}


@pytest.mark.parametrize(("field", "changes"), BAD.values(), ids=BAD.keys())
def test_the_form_names_the_bad_field(office: Office, field: str, changes: dict) -> None:
    # when the form is filled with one bad value
    form = DraftForm(typed(office, **changes), organizations=[office.organization], drafter=office.drafter)
    # then only that field has an error
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_the_new_plan_page_refuses_an_over_long_recipient_line_and_writes_nothing(office: Office) -> None:
    # given the drafter signed in
    client = Client()
    client.force_login(office.drafter)
    # when a recipient line is longer than the column holds
    response = client.post(reverse("workflow:new"), typed(office, recipients="- " + "x" * 300))
    # then the page answers with the form error, in Vietnamese, and no document exists
    assert response.status_code in (200, 400)
    assert "Dòng 1: Dài quá 255 ký tự." in response.content.decode()
    assert not Document.objects.exists()


def test_a_good_form_is_valid(office: Office) -> None:
    form = DraftForm(typed(office), organizations=[office.organization], drafter=office.drafter)
    assert form.is_valid(), form.errors


def test_the_form_offers_as_signer_only_those_the_services_accept(office: Office) -> None:
    # given the office's people
    form = DraftForm(organizations=[office.organization], drafter=office.drafter)
    # when the drafter opens the form, then the signer list holds the head and the deputy alone
    offered = set(form.fields["signer"].queryset)
    assert offered == {office.head, office.deputy}
    # and a deputy drafting does not see themselves
    assert office.deputy not in set(
        DraftForm(organizations=[office.organization], drafter=office.deputy).fields["signer"].queryset
    )


@pytest.mark.parametrize("comment", ["Hủy vì trùng\x00", "x" * (limits.COMMENT_MAX + 1)], ids=["nul", "long"])
def test_a_bad_comment_on_the_act_page_is_refused_and_changes_nothing(office: Office, comment: str) -> None:
    # given a draft whose drafter cancels it from the document page
    from tests.factories import start_draft

    document = start_draft(office)
    client = Client()
    client.force_login(office.drafter)
    # when the comment (the reason) holds a NUL byte or is too long
    response = client.post(reverse("workflow:act", args=[document.pk]), {"action": "cancel", "comment": comment})
    # then the page refuses it (it was a 500 on PostgreSQL) and the draft is still a draft
    assert response.status_code == 400
    assert Document.objects.get(pk=document.pk).status == "draft"
