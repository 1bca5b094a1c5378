"""A recipient checks the signatures of the PDF it received, as the system keeps it, without uploading anything."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from documents import services
from tests.factories import Office, advance_routed, make_office, start_draft

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_school_checks_the_signatures_of_what_it_received(office_keys: Office) -> None:
    # given a plan signed and sealed through the flow, issued to a school and accepted there
    phong = office_keys
    school = make_office(name="Trường Tiểu học Long Hậu", abbreviation="THLH", head_title="HIỆU TRƯỞNG")
    line = {"display_name": school.organization.name, "purpose": "execute", "organization": school.organization}
    document = advance_routed(start_draft(phong, recipients=[line]), phong, to="issued")
    incoming = services.arrival_accept(delivery=document.deliveries.get(), actor=school.clerk)
    url = reverse("signing:document-verify", args=[document.pk])

    # when its clerk opens the arrival and follows the signature check
    arrival = client_for(school.clerk).get(reverse("receiving:arrival", args=[incoming.delivery_id]))
    check = client_for(school.clerk).get(url)

    # then the arrival links to it, and the stored issued PDF is found intact and issued (signer and seal)
    assert arrival.status_code == 200
    assert url in arrival.content.decode()
    assert check.status_code == 200
    assert 'data-verdict="issued"' in check.content.decode()
    # and someone the document was not sent to learns nothing: a 404
    assert client_for(make_office().clerk).get(url).status_code == 404
