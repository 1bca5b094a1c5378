"""`seed_demo` gives a new user a working office at once, and running it again changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from audit.verification import verify_all
from documents.models import ArtifactKind, Document, Status
from documents.selectors import arrivals_for
from organizations.models import Membership, Organization, OrganizationKind, Role
from signing.verification import verify_pdf
from tests.signing.pdftext import pdftotext


@pytest.fixture(autouse=True)
def demo_keystore(tmp_path: Path, settings) -> Path:
    settings.KEYSTORE_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""
    return settings.KEYSTORE_DIR


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_covers_the_lifecycle() -> None:
    call_command("seed_demo")
    counts = (
        Organization.objects.count(),
        Membership.objects.count(),
        Document.objects.count(),
        AuditEvent.objects.count(),
    )

    call_command("seed_demo")

    assert (
        Organization.objects.count(),
        Membership.objects.count(),
        Document.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    stages = set(Document.objects.values_list("status", flat=True))
    assert {
        Status.DRAFT,
        Status.IN_REVIEW,
        Status.AWAITING_SIGNATURE,
        Status.SIGNED,
        Status.REGISTERED,
        Status.ISSUED,
        Status.ARCHIVED,
    } <= stages
    assert verify_all() == []


@pytest.mark.django_db
def test_seed_demo_has_the_bodies_and_signers_of_the_seeds() -> None:
    call_command("seed_demo")
    can_giuoc = Organization.objects.get(place_name="Cần Giuộc", abbreviation="PGDĐT")
    assert can_giuoc.parent_line_name == "UBND HUYỆN CẦN GIUỘC"
    school = Organization.objects.get(abbreviation="THCSND")
    assert [school.parent.place_name, school.parent.parent.place_name] == ["Tân Hồng", "Đồng Tháp"]
    signers = {m.user.full_name: m.post_title for m in Membership.objects.filter(role__in=[Role.HEAD, Role.DEPUTY])}
    assert signers["Võ Trường Tam"] == "PHÓ TRƯỞNG PHÒNG"
    assert signers["Võ Văn Mười"] == "TRƯỞNG PHÒNG"
    assert signers["Nguyễn Văn Đồng Tiến"] == "HIỆU TRƯỞNG"
    assert signers["La Thị Thúy"] == "GIÁM ĐỐC"
    assert signers["Nguyễn Vương Hùng"] == "PHÓ TRƯỞNG PHÒNG"
    for organization in Organization.objects.filter(memberships__isnull=False).distinct():
        roles = set(organization.memberships.values_list("role", flat=True))
        assert {Role.STAFF, Role.CLERK} <= roles, organization
        # the issuing bodies of the seeds have an auditor too; the demo schools are there to receive
        if organization.kind != OrganizationKind.SCHOOL or organization.abbreviation == "THCSND":
            assert Role.AUDITOR in roles, organization
    issued = Document.objects.get(status=Status.ISSUED, organization=can_giuoc)
    assert issued.signer_title_lines == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    assert issued.code == "01/KH-PGDĐT"


@pytest.mark.django_db
def test_seeded_issued_plan_carries_two_valid_signatures() -> None:
    call_command("seed_demo")
    issued = Document.objects.get(status=Status.ISSUED, place_name="Cần Giuộc")
    pdf = issued.artifacts.get(kind=ArtifactKind.ISSUED).read()

    report = verify_pdf(pdf)  # trusts the demo CA in KEYSTORE_DIR

    assert report.ok, report.summary
    assert [s.signer_name for s in report.signatures] == ["Võ Trường Tam", "Phòng Giáo dục và Đào tạo"]


@pytest.mark.django_db
def test_demo_organ_codes_have_the_exchange_format() -> None:
    call_command("seed_demo")
    for organization in Organization.objects.all():
        organization.full_clean()  # OrganId: 13 characters, 000.00.12.H41


@pytest.mark.django_db
def test_the_issued_demo_plans_reach_the_schools_clerks() -> None:
    # given the demo seeded
    call_command("seed_demo")
    # then every Phòng has schools, each with a clerk, a head, a deputy and staff
    for phong in Organization.objects.filter(kind=OrganizationKind.OFFICE):
        schools = phong.children.filter(kind=OrganizationKind.SCHOOL)
        assert schools.count() >= 3, phong
        for school in schools:
            roles = set(school.memberships.values_list("role", flat=True))
            assert {Role.CLERK, Role.HEAD, Role.DEPUTY, Role.STAFF} <= roles, school
    # and the issued plan of Cần Giuộc went to the Sở, the leaders and each of its schools
    can_giuoc = Organization.objects.get(place_name="Cần Giuộc", abbreviation="PGDĐT")
    issued = Document.objects.get(status=Status.ISSUED, organization=can_giuoc)
    reached = set(issued.deliveries.exclude(organization=None).values_list("organization__name", flat=True))
    schools = set(can_giuoc.children.filter(kind=OrganizationKind.SCHOOL).values_list("name", flat=True))
    assert schools | {"Sở Giáo dục và Đào tạo"} == reached
    assert issued.deliveries.filter(person__isnull=False).count() == 2  # TP, các PTP
    # and a school's clerk finds it among the arrivals
    clerk = Membership.objects.get(organization__name="Trường Tiểu học Long Hậu", role=Role.CLERK).user
    assert list(arrivals_for(user=clerk).values_list("document_id", flat=True)) == [issued.pk]
    # and the archived plan of Thủ Thừa reached its schools too; its lines outside the directory wait
    archived = Document.objects.get(status=Status.ARCHIVED)
    assert archived.deliveries.filter(organization__kind=OrganizationKind.SCHOOL).count() == 3
    assert archived.deliveries.filter(status="queued").count() == 2


@pytest.mark.django_db
def test_the_communes_notice_is_signed_by_its_deputy_chairman_on_behalf_of_the_committee() -> None:
    # given the demo seeded
    call_command("seed_demo")
    # then the commune's notice was issued with the combined chain TM. + KT., printed as three title lines
    notice = Document.objects.get(status=Status.ISSUED, organization__abbreviation="UBND", place_name="Phước Lại")
    assert notice.signature_form == "TM+KT"
    assert notice.signer_title_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert notice.code == "01/TB-UBND"
    # and its issued PDF carries both signatures, valid, and the three lines in the printed text
    pdf = notice.artifacts.get(kind=ArtifactKind.ISSUED).read()
    report = verify_pdf(pdf)
    assert report.ok, report.summary
    assert [s.signer_name for s in report.signatures] == ["Đỗ Thị Hạnh", "Ủy ban nhân dân xã Phước Lại"]
    text = "\n".join(pdftotext(pdf))
    assert text.index("TM. ỦY BAN NHÂN DÂN") < text.index("KT. CHỦ TỊCH") < text.index("PHÓ CHỦ TỊCH")
    assert "Đỗ Thị Hạnh" in text


@pytest.mark.django_db
def test_the_demo_keys_are_registered_in_the_directory_and_shown_on_me(client) -> None:
    """Each demo leader's and body's key file has its directory row (what /me/ lists and signing checks), once."""
    import hashlib

    from cryptography.hazmat.primitives import serialization

    from signing.keys import KeyStore
    from signing.management.commands.issue_demo_certificates import _current_certificate
    from signing.models import Backend, SigningCredential

    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: no second row
    store = KeyStore()
    memberships = Membership.objects.filter(role__in=(Role.HEAD, Role.DEPUTY), is_active=True).select_related("user")
    leaders = {membership.user for membership in memberships}
    owners = [(store.user_key_path(user), {"user": user}) for user in leaders]
    owners += [(store.organization_key_path(org), {"organization": org}) for org in Organization.objects.all()]
    for path, owner in owners:
        der = _current_certificate(path).public_bytes(serialization.Encoding.DER)
        rows = SigningCredential.objects.filter(**owner, is_active=True)
        assert [(row.backend, row.sha256) for row in rows] == [(Backend.PKCS12, hashlib.sha256(der).hexdigest())]

    leader = sorted(leaders, key=lambda user: user.pk)[0]
    client.force_login(leader)
    page = client.get(reverse("personal:me")).content.decode()
    assert SigningCredential.objects.get(user=leader, is_active=True).serial in page
