"""Signature authority as data (issue 12): each chain's title lines, who holds which chain on a day, and a chain
the signer does not hold refused by the sign service, the drafting page and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from viewflow.workflow.status import STATUS

from documents import services
from documents.dates import vn_today
from documents.errors import DomainError, PermissionDenied
from documents.models import Document, Status
from organizations.authority import CHAINS, chain_of_lines, lines_of_signer_info, normalize_title_line, signer_info
from organizations.models import Delegation, Organization, Role, SignatureForm
from organizations.selectors import GIVABLE_FORMS, may_sign_with, signature_forms_for
from signing.titles import title_lines
from tests.factories import (
    DelegationFactory,
    Office,
    TokenFactory,
    UnitFactory,
    add_member,
    advance,
    advance_routed,
    document_type,
    make_draft,
    make_office,
    start_draft,
)
from workflow.models import DocumentTask

pytestmark = pytest.mark.django_db
TL_KT_POST = "PHÓ CHÁNH VĂN PHÒNG"


def commune() -> Office:
    """A commune's People's Committee: a collective body; its deputy chairman holds KT. (tests/factories.py)."""
    return make_office(
        name="Ủy ban nhân dân xã Phước Lại",
        abbreviation="UBND",
        place_name="Phước Lại",
        parent_line_name="UBND HUYỆN CẦN GIUỘC",
        head_title="CHỦ TỊCH",
        collective_name="ỦY BAN NHÂN DÂN",
    )


def forms_of(office: Office, signer: object, on: dt.date | None = None) -> list[str]:
    held = signature_forms_for(
        signer=signer, organization=office.organization, doc_type_id=document_type().pk, on=on or vn_today()
    )
    return [h.form for h in held]


@pytest.mark.parametrize(
    ("form", "post", "unit_head", "expected"),
    [
        ("direct", "CHỦ TỊCH", "", ["CHỦ TỊCH"]),
        ("TM", "CHỦ TỊCH", "", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        ("KT", "PHÓ CHỦ TỊCH", "", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("Q", "PHÓ CHỦ TỊCH", "", ["Q. CHỦ TỊCH"]),
        ("TL", "CHÁNH VĂN PHÒNG", "", ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]),
        ("TUQ", "TRƯỞNG PHÒNG NỘI VỤ", "", ["TUQ. CHỦ TỊCH", "TRƯỞNG PHÒNG NỘI VỤ"]),
        ("TM+KT", "PHÓ CHỦ TỊCH", "", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("TM+Q", "PHÓ CHỦ TỊCH", "", ["TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH"]),
        (
            "TL+KT",
            "PHÓ CHÁNH VĂN PHÒNG",
            "CHÁNH VĂN PHÒNG",
            ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"],
        ),
        ("TL+KT", "PHÓ CHÁNH VĂN PHÒNG", "", ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]),
    ],
)
def test_each_chain_prints_its_title_lines_and_reads_back_from_them(form, post, unit_head, expected) -> None:
    chain = CHAINS[form]
    lines = chain.title_lines(
        head_title="Chủ tịch", collective_name="Ủy ban nhân dân", signer_post_title=post, unit_head_title=unit_head
    )
    assert lines == expected
    # the printed lines name the same chain back (the importer's and the exchange's way in)
    assert chain_of_lines(lines) == chain
    # and the exchange's Competence / Position carry them both ways
    assert lines_of_signer_info(*signer_info(lines)) == tuple(expected)


def test_prefixes_with_odd_spacing_and_chains_the_decree_does_not_know() -> None:
    assert normalize_title_line("KT.TRƯỞNG PHÒNG") == "KT. TRƯỞNG PHÒNG"
    assert normalize_title_line("TM .  ỦY BAN NHÂN DÂN") == "TM. ỦY BAN NHÂN DÂN"
    assert chain_of_lines(["KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH"]) is None
    assert signer_info(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]) == (
        "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )


def test_a_deputy_of_a_collective_holds_tm_kt_while_the_kt_delegation_runs() -> None:
    # given a commune: the chairman, and the deputy chairman with KT. from 01/01/2000
    office = commune()
    today = vn_today()
    # then the chairman signs directly or TM.; the deputy KT. and TM.+KT., with the reason
    assert forms_of(office, office.head) == ["direct", "TM"]
    assert forms_of(office, office.deputy) == ["KT", "TM+KT"]
    held = signature_forms_for(
        signer=office.deputy, organization=office.organization, doc_type_id=document_type().pk, on=today
    )
    assert held[1].reason == (
        f"Phó chủ tịch {office.deputy.full_name} được giao ký thay (KT.) từ 01/01/2000, "
        "thay mặt tập thể ỦY BAN NHÂN DÂN"
    )
    # when the delegation ended yesterday, neither is held today, though both were last week
    Delegation.objects.filter(delegate=office.deputy).update(valid_until=today - dt.timedelta(days=1))
    assert forms_of(office, office.deputy) == []
    assert forms_of(office, office.deputy, on=today - dt.timedelta(days=7)) == ["KT", "TM+KT"]


def test_tm_kt_needs_a_deputy_and_a_collective_tm_q_a_collective() -> None:
    # given a commune's officer (not a deputy) wrongly given KT., and a deputy acting as chairman (Q.)
    office = commune()
    officer = add_member(office, Role.STAFF, full_name="Lê Văn Công Chức", post_title="CÔNG CHỨC VĂN PHÒNG")
    DelegationFactory(organization=office.organization, delegate=officer, form=SignatureForm.KT)
    acting = add_member(office, Role.DEPUTY, full_name="Đặng Văn Quyền", post_title="PHÓ CHỦ TỊCH")
    DelegationFactory(organization=office.organization, delegate=acting, form=SignatureForm.Q)
    # then the officer holds nothing; the acting chairman Q. and TM.+Q.
    assert forms_of(office, officer) == []
    assert forms_of(office, acting) == ["Q", "TM+Q"]
    # when the body has no collective leadership (a Phòng), the combined forms go, the single ones stay
    Organization.objects.filter(pk=office.organization.pk).update(collective_name="")
    office.organization.refresh_from_db()
    assert forms_of(office, office.deputy) == ["KT"]
    assert forms_of(office, acting) == ["Q"]
    assert forms_of(office, office.head) == ["direct"]


def test_tl_kt_is_the_unit_deputys_under_a_unit_head() -> None:
    # given a Sở: the office (Văn phòng) with its chief and a deputy chief holding TL.+KT.
    office = make_office(name="Sở Giáo dục và Đào tạo", abbreviation="SGDĐT", head_title="GIÁM ĐỐC")
    bureau = UnitFactory(organization=office.organization, name="Văn phòng Sở", abbreviation="VP")
    add_member(office, Role.UNIT_LEAD, full_name="Ngô Văn Chánh", post_title="CHÁNH VĂN PHÒNG", unit=bureau)
    vice = add_member(office, Role.STAFF, full_name="Bùi Thị Phó Chánh", post_title="PHÓ CHÁNH VĂN PHÒNG", unit=bureau)
    DelegationFactory(organization=office.organization, delegate=vice, principal=office.head, form="TL+KT")
    # then the deputy chief holds TL.+KT. and the page says for whom
    held = signature_forms_for(
        signer=vice, organization=office.organization, doc_type_id=document_type().pk, on=vn_today()
    )
    assert [h.form for h in held] == ["TL+KT"]
    assert "ký thay Chánh văn phòng khi ký thừa lệnh (TL. + KT.) từ 01/01/2000" in held[0].reason
    # and the draft prints the three lines
    document = make_draft(office, signer=vice, signature_form="TL+KT")
    assert title_lines(document) == ["TL. GIÁM ĐỐC", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]
    # when the unit has no other head, there is no TL. to sign KT. for
    loner = add_member(office, Role.STAFF, full_name="Lý Văn Một", post_title="PHÓ TRƯỞNG BAN")
    DelegationFactory(organization=office.organization, delegate=loner, form="TL+KT")
    assert forms_of(office, loner) == []
    # and a head may give TL.+KT. on the personal page
    assert "TL+KT" in GIVABLE_FORMS


def test_the_sign_rule_and_the_offered_forms_agree_for_every_chain() -> None:
    office = commune()
    for person in (office.head, office.deputy, office.drafter, office.clerk):
        offered = set(forms_of(office, person))
        for form in CHAINS:
            accepted = may_sign_with(
                user=person, organization=office.organization, form=form, doc_type_id=document_type().pk, on=vn_today()
            )
            assert accepted == (form in offered), (person, form)


def test_a_deputy_signing_tm_kt_is_routed_as_the_kt_deputy_and_freezes_three_lines() -> None:
    # given a commune notice drafted TM.+KT. for the deputy chairman, through the flow
    office = commune()
    document = start_draft(office, signer=office.deputy, signature_form="TM+KT", doc_type=document_type("thong_bao"))
    # when it runs to the signature
    document = advance_routed(document, office, to="signed")
    # then the deputy signed at the KT. step, and the three lines are frozen
    sign_task = DocumentTask.objects.get(
        process__documentprocess__document=document, flow_task_type="HUMAN", status=STATUS.DONE, data__outcome="sign"
    )
    assert (sign_task.step, sign_task.owner_id) == ("sign_kt", office.deputy.pk)
    assert document.signer_title_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_a_chain_not_held_on_the_signing_day_is_refused_by_the_sign_service() -> None:
    # given a TM.+KT. draft for the deputy, whose KT. delegation ends before the signing day
    office = commune()
    document = advance(
        make_draft(office, signer=office.deputy, signature_form="TM+KT"), office, to="awaiting_signature"
    )
    Delegation.objects.filter(delegate=office.deputy).update(valid_until=vn_today() - dt.timedelta(days=1))
    # when the deputy signs, then the service refuses in Vietnamese and nothing moves
    with pytest.raises(PermissionDenied) as refused:
        services.document_sign(document=document, actor=office.deputy)
    assert isinstance(refused.value, DomainError)
    assert refused.value.message == (
        "Người ký không có thẩm quyền ký theo thể thức “TM. + KT. (thay mặt tập thể, ký thay)” vào ngày này."
    )
    document.refresh_from_db()
    assert (document.status, document.signer_title_lines, document.signed_version_id) == (
        Status.AWAITING_SIGNATURE,
        [],
        None,
    )


def test_a_chain_not_held_is_refused_by_the_drafting_page_and_the_api() -> None:
    # given a Phòng (no collective leadership) and its deputy holding KT.
    office = make_office()
    page = Client()
    page.force_login(office.drafter)
    typed = {
        "organization": office.organization.pk,
        "doc_type": document_type().pk,
        "subject": "Kế hoạch hội thi giáo viên dạy giỏi cấp huyện",
        "body": "I. MỤC ĐÍCH\n\n1. Tôn vinh giáo viên dạy giỏi.",
        "recipients": "- Sở GD&ĐT tỉnh Long An (b/c);",
        "signer": office.deputy.pk,
        "signature_form": "TM+KT",
        "urgency": "normal",
        "confidentiality": "normal",
    }
    # when the drafter names the deputy with TM.+KT., then the page answers 400 and says why
    response = page.post(reverse("workflow:new"), typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert f"{office.deputy.full_name} không giữ thể thức ký “TM. + KT. (thay mặt tập thể, ký thay)”" in html
    assert "Có thể chọn: KT. (ký thay)." in html
    assert not Document.objects.exists()
    # and through the API the same service refuses the draft with the same sentence, a 400 on the field
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=office.drafter).key}")
    answer = api.post(
        reverse("documents-api:list"),
        {
            "organization": office.organization.pk,
            "doc_type": "ke_hoach",
            "subject": "Kế hoạch hội thi giáo viên dạy giỏi cấp huyện",
            "body": "I. MỤC ĐÍCH\n\n1. Tôn vinh giáo viên dạy giỏi.",
            "signer": office.deputy.pk,
            "signature_form": "TM+KT",
            "recipients": [{"display_name": "Sở GD&ĐT tỉnh Long An", "purpose": "report"}],
        },
        format="json",
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "validation_error"
    assert answer.json()["details"] == {"field": "signature_form"}
    assert f"{office.deputy.full_name} không giữ thể thức ký “TM. + KT." in answer.json()["message"]
    assert not Document.objects.exists()


def test_the_drafting_pages_choices_offer_the_combined_chain_with_its_reason() -> None:
    # given a commune's drafter asking the page's endpoint about the deputy chairman
    office = commune()
    client = Client()
    client.force_login(office.drafter)
    query = {"organization": office.organization.pk, "signer": office.deputy.pk, "doc_type": document_type().pk}
    # when the forms are asked for, then KT. and TM.+KT. come back with their labels and reasons
    forms = client.get(reverse("signing:signature-forms"), query).json()["forms"]
    assert [(f["value"], f["label"]) for f in forms] == [
        ("KT", "KT. (ký thay)"),
        ("TM+KT", "TM. + KT. (thay mặt tập thể, ký thay)"),
    ]
    assert forms[1]["reason"].endswith("thay mặt tập thể ỦY BAN NHÂN DÂN")
