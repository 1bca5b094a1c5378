"""An outside line's organ code, checked in one place whatever the way in (service, form, API); the
administrators' page of refused packets; the sender's table naming the organ code."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from documents.errors import ValidationFailed
from documents.models import Document
from exchange.models import InboundState
from exchange.services import receive_packet
from organizations.models import User
from tests.factories import UserFactory, document_type, make_draft, make_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_office(organ_code="000.21.31.H39")


def test_an_outside_line_keeps_its_organ_code_upper_cased(office) -> None:
    document = make_draft(office, recipients=[{"display_name": "Sở GD&ĐT Đồng Tháp", "organ_code": " 000.00.10.h22 "}])
    assert document.recipients.get().organ_code == "000.00.10.H22"
    # and it is part of what the signer vouches for (the version's content)
    assert document.current_version.content["recipients"][0]["organ_code"] == "000.00.10.H22"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ({"display_name": "Sở", "organ_code": "000.00.10"}, "không đúng dạng 000.00.12.H41"),
        ({"display_name": "Sở", "organ_code": "H22.00.10.000"}, "không đúng dạng"),
        (
            {"display_name": "Trường", "organization": "self", "organ_code": "000.00.10.H22"},
            "chỉ ghi cho nơi nhận ngoài",
        ),
    ],
)
def test_a_bad_organ_code_is_refused_with_its_line(office, line, words) -> None:
    other = make_office()
    if line.get("organization") == "self":
        line = {**line, "organization": other.organization}
    with pytest.raises(ValidationFailed) as refusal:
        make_draft(office, recipients=[{"display_name": "Phòng A"}, line])
    assert words in refusal.value.message
    assert refusal.value.details == {"field": "recipients", "line": 2}
    assert not Document.objects.exists()


def test_the_api_and_the_form_take_the_organ_code(office) -> None:
    # given the drafter, through the API
    api = APIClient()
    api.force_authenticate(office.drafter)
    body = {
        "organization": office.organization.pk,
        "doc_type": "ke_hoach",
        "subject": "Kế hoạch phối hợp liên tỉnh",
        "recipients": [{"display_name": "Sở GD&ĐT Đồng Tháp", "purpose": "report", "organ_code": "000.00.10.H22"}],
    }
    created = api.post("/api/documents/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["recipients"][0]["organ_code"] == "000.00.10.H22"
    # and a malformed one is a 400 with a Vietnamese message
    body["recipients"][0]["organ_code"] = "10.H22"
    refused = api.post("/api/documents/", body, format="json")
    assert refused.status_code == 400
    assert "000.00.12.H41" in refused.content.decode()
    # and the drafting form has the field on each row and saves it
    browser = Client()
    browser.force_login(office.drafter)
    assert 'name="r-0-organ_code"' in browser.get(reverse("workflow:new")).content.decode()
    form = {
        "organization": office.organization.pk,
        "doc_type": document_type().pk,
        "subject": "Kế hoạch phối hợp liên tỉnh lần hai",
        "body": "I. MỤC ĐÍCH\n\nPhối hợp giữa hai tỉnh.",
        "recipients": "",
        "signer": office.head.pk,
        "signature_form": "direct",
        "urgency": "normal",
        "confidentiality": "normal",
        "r-TOTAL_FORMS": "1",
        "r-INITIAL_FORMS": "0",
        "r-0-target": "",
        "r-0-purpose": "report",
        "r-0-display_name": "Sở GD&ĐT Bến Tre",
        "r-0-email": "",
        "r-0-organ_code": "000.00.10.H07",
    }
    assert browser.post(reverse("workflow:new"), form).status_code == 302
    assert Document.objects.get(subject="Kế hoạch phối hợp liên tỉnh lần hai").recipients.get().organ_code == (
        "000.00.10.H07"
    )


def test_administrators_see_refused_packets_with_their_reason_and_download_them(db) -> None:
    # given a refused packet
    record = receive_packet(name="hong.edxml", data=b"<edXML><khong-dong>")
    assert record.state == InboundState.REFUSED
    admin = UserFactory(is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    # when an administrator opens the page
    page = browser.get(reverse("exchange:packets"))
    # then the packet is listed with its reason, and its bytes download as they came
    assert page.status_code == 200
    assert "hong.edxml" in page.content.decode()
    assert "không phải XML hợp lệ" in page.content.decode()
    raw = browser.get(reverse("exchange:raw", args=[record.pk]))
    assert raw.content == b"<edXML><khong-dong>"
    assert raw["Content-Disposition"].startswith("attachment;")
    # and the Django admin lists it too
    assert browser.get("/admin/exchange/inboundpacket/").status_code == 200


def test_people_who_are_not_administrators_do_not_see_packets(office) -> None:
    record = receive_packet(name="hong.edxml", data=b"<x/>")
    browser = Client()
    browser.force_login(User.objects.get(pk=office.clerk.pk))
    assert browser.get(reverse("exchange:packets")).status_code == 302  # to the admin's login
    assert browser.get(reverse("exchange:raw", args=[record.pk])).status_code == 302


@pytest.mark.parametrize("count", [3, 30])
def test_the_packets_page_costs_the_same_queries_for_3_and_30_packets(db, count, django_assert_max_num_queries):
    # given refused packets (different bytes each)
    for number in range(count):
        receive_packet(name=f"hong-{number}.edxml", data=f"<hong so='{number}'>".encode())
    browser = Client()
    browser.force_login(UserFactory(is_staff=True))
    # when the page is read, then a fixed number of queries serve it (session, user, page, count, waiting, and the
    # header's unread-notifications badge)
    with django_assert_max_num_queries(7):
        page = browser.get(reverse("exchange:packets"))
    assert page.content.decode().count("hong-") == count
