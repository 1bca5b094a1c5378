"""Factories for tests: data through factory_boy and the services, never inline Model.objects.create."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory

from documents import services
from documents.catalog import DOCUMENT_TYPES
from documents.models import Document, DocumentType, Dossier
from organizations.models import Delegation, Membership, Organization, Role, SignatureForm, Unit, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.PostGenerationMethodCall("set_password", "matkhau-123")

    @factory.post_generation
    def _save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Phòng Giáo dục và Đào tạo số {n}")
    parent_line_name = "UBND HUYỆN CẦN GIUỘC"
    abbreviation = factory.Sequence(lambda n: f"PGDĐT{n}")
    place_name = "Cần Giuộc"
    head_title = "TRƯỞNG PHÒNG"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organization = factory.SubFactory(OrganizationFactory)
    name = "Tổ Tổng hợp"
    abbreviation = factory.Sequence(lambda n: "TH" if n == 0 else f"TH{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.STAFF
    post_title = "CHUYÊN VIÊN"


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    organization = factory.SubFactory(OrganizationFactory)
    delegate = factory.SubFactory(UserFactory)
    form = SignatureForm.KT
    valid_from = dt.date(2000, 1, 1)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"{n + 1:02d}.TH")
    title = "Hồ sơ kế hoạch công tác năm"
    year = 2026
    retention_years = 10


def document_type(code: str = "ke_hoach") -> DocumentType:
    """The catalogue is loaded by a migration; a transactional test's flush empties it, so refill."""
    name, abbreviation = next((n, a) for c, n, a in DOCUMENT_TYPES if c == code)
    return DocumentType.objects.get_or_create(code=code, defaults={"name": name, "abbreviation": abbreviation})[0]


@dataclass
class Office:
    """One organization with the people a document meets on its way."""

    organization: Organization
    unit: Unit
    head: User
    deputy: User
    drafter: User
    clerk: User
    auditor: User


def make_office(**organization_fields: Any) -> Office:
    organization = OrganizationFactory(**organization_fields)
    unit = UnitFactory(organization=organization)

    def person(role: str, post_title: str, full_name: str) -> User:
        user = UserFactory(full_name=full_name)
        MembershipFactory(user=user, organization=organization, unit=unit, role=role, post_title=post_title)
        return user

    office = Office(
        organization=organization,
        unit=unit,
        head=person(Role.HEAD, organization.head_title, "Võ Văn Trưởng"),
        deputy=person(Role.DEPUTY, f"PHÓ {organization.head_title}", "Trần Thị Phó"),
        drafter=person(Role.STAFF, "CHUYÊN VIÊN", "Lê Văn Soạn"),
        clerk=person(Role.CLERK, "VĂN THƯ", "Phạm Thị Văn Thư"),
        auditor=person(Role.AUDITOR, "THANH TRA", "Đỗ Văn Kiểm"),
    )
    DelegationFactory(organization=organization, delegate=office.deputy, principal=office.head, form=SignatureForm.KT)
    return office


def make_draft(
    office: Office, *, signer: User | None = None, signature_form: str = SignatureForm.DIRECT, **fields: Any
) -> Document:
    """A complete draft ready to submit (content, type, signer, recipients)."""
    values: dict[str, Any] = {
        "doc_type": document_type("ke_hoach"),
        "subject": "Kế hoạch truyền thông giáo dục năm 2026",
        "body": "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\n- Nâng cao chất lượng công tác truyền thông.",
        "legal_bases": ["Căn cứ Kế hoạch số 12/KH-SGDĐT ngày 02/01/2026 của Sở Giáo dục và Đào tạo;"],
        "recipients": [
            {"display_name": "Sở GD&ĐT tỉnh Long An", "purpose": "report"},
            {"display_name": "Các trường trực thuộc", "purpose": "execute"},
        ],
    }
    values.update(fields)
    return services.document_create(
        actor=office.drafter,
        organization=office.organization,
        signer=signer or office.head,
        signature_form=signature_form,
        **values,
    )


def advance(document: Document, office: Office, *, to: str) -> Document:
    """Take a document through the lifecycle, as the right people, up to the state `to`."""
    order = ["draft", "in_review", "awaiting_signature", "signed", "registered", "issued", "archived"]
    steps = {
        "in_review": lambda d: services.document_submit(document=d, actor=office.drafter, reviewer=office.deputy),
        "awaiting_signature": lambda d: services.document_approve(document=d, actor=office.deputy),
        "signed": lambda d: services.document_sign(document=d, actor=d.signer),
        "registered": lambda d: services.document_register(document=d, actor=office.clerk),
        "issued": lambda d: services.document_issue(document=d, actor=office.clerk),
        "archived": lambda d: services.document_archive(
            document=d, actor=office.clerk, dossier=DossierFactory(organization=office.organization)
        ),
    }
    for state in order[order.index(document.status) + 1 : order.index(to) + 1]:
        document = steps[state](document)
    return document


# --- API tests (tests/api) -----------------------------------------------------------------------


class TokenFactory(factory.django.DjangoModelFactory):
    """A DRF API token (the key is generated on save)."""

    class Meta:
        model = "authtoken.Token"

    user = factory.SubFactory(UserFactory)


def advance_routed(document: Document, office: Office, *, to: str) -> Document:
    """`advance` through the flow (workflow.actions.perform): the tasks move with the document."""
    from workflow import actions

    order = ["draft", "in_review", "awaiting_signature", "signed", "registered", "issued", "archived"]
    steps = {
        "in_review": lambda d: actions.perform(
            document=d, actor=office.drafter, action="submit", reviewer=office.deputy
        ),
        "awaiting_signature": lambda d: actions.perform(document=d, actor=office.deputy, action="approve"),
        "signed": lambda d: actions.perform(document=d, actor=d.signer, action="sign"),
        "registered": lambda d: actions.perform(document=d, actor=office.clerk, action="register"),
        "issued": lambda d: actions.perform(document=d, actor=office.clerk, action="issue"),
        "archived": lambda d: actions.perform(
            document=d, actor=office.clerk, action="archive", dossier=DossierFactory(organization=office.organization)
        ),
    }
    for state in order[order.index(document.status) + 1 : order.index(to) + 1]:
        document = steps[state](document)
    return document


# --- workflow (issue 3): leave, extra people, drafts with a running flow --------------------------------------


def _vn_today() -> dt.date:
    from documents.dates import vn_today

    return vn_today()


class AbsenceFactory(factory.django.DjangoModelFactory):
    """On leave from yesterday for a week."""

    class Meta:
        model = "workflow.Absence"

    user = factory.SubFactory(UserFactory)
    delegate = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(lambda: _vn_today() - dt.timedelta(days=1))
    end = factory.LazyFunction(lambda: _vn_today() + dt.timedelta(days=7))
    note = "Nghỉ phép năm"


def add_member(office: Office, role: str, *, full_name: str, post_title: str = "", unit: Unit | None = None) -> User:
    """One more person in the office (a second deputy, a second clerk…)."""
    user = UserFactory(full_name=full_name)
    MembershipFactory(
        user=user,
        organization=office.organization,
        unit=unit if unit is not None else office.unit,
        role=role,
        post_title=post_title or role.upper(),
    )
    return user


def start_draft(office: Office, **fields: Any) -> Document:
    """make_draft, then its approval flow started (the drafter's "draft" task is open)."""
    from workflow.actions import start_process

    document = make_draft(office, **fields)
    start_process(document=document, actor=office.drafter)
    return document
