"""My settings (issue 11, item 7): my absence (routing follows it), the signature forms I hold and give, my
signature image checked by content."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from audit.models import AuditEvent
from documents.dates import vn_today
from documents.errors import ValidationFailed
from organizations.models import Delegation, SignatureForm, SignatureImage
from personal import services
from tests.factories import Office, document_type, start_draft
from workflow.actions import open_tasks, perform, process_of
from workflow.models import Absence

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png(width: int = 300, height: int = 100, mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), (0, 0, 0, 0) if mode == "RGBA" else 255).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_page_keeps_the_header_and_links_notification_settings(office: Office) -> None:
    response = client_for(office.deputy).get(reverse("personal:me"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("personal:me")}"' in html  # the header's link
    assert reverse("notification-preferences") in html
    # the deputy holds KT. (tests/factories.py's delegation), shown with its period
    assert "KT. (ký thay)" in html
    assert "01/01/2000" in html


def test_an_absence_sends_a_task_created_meanwhile_to_the_delegate(office: Office) -> None:
    # given the deputy away from today for three days, the head standing in
    today = vn_today()
    deputy = client_for(office.deputy)
    response = deputy.post(
        reverse("personal:absence-add"),
        {"start": today.isoformat(), "end": (today + dt.timedelta(days=3)).isoformat(), "delegate": office.head.pk},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="absence.create", actor=office.deputy).count() == 1
    # when a draft naming the deputy as reviewer is submitted during the absence
    document = perform(document=start_draft(office), actor=office.drafter, action="submit", reviewer=office.deputy)
    # then the review task is the head's
    (task,) = open_tasks(process_of(document), ["review"])
    assert task.owner_id == office.head.pk
    # and once the deputy cancels the absence, the next one is the deputy's again
    absence = Absence.objects.get(user=office.deputy)
    assert deputy.post(reverse("personal:absence-cancel", args=[absence.pk])).status_code == 302
    assert not Absence.objects.filter(pk=absence.pk).exists()
    second = perform(document=start_draft(office), actor=office.drafter, action="submit", reviewer=office.deputy)
    (task,) = open_tasks(process_of(second), ["review"])
    assert task.owner_id == office.deputy.pk


def test_a_bad_absence_is_refused_in_vietnamese_and_what_was_typed_stays(office: Office) -> None:
    today = vn_today()
    deputy = client_for(office.deputy)
    # an end before the start
    response = deputy.post(
        reverse("personal:absence-add"),
        {
            "start": (today + dt.timedelta(days=5)).isoformat(),
            "end": today.isoformat(),
            "delegate": office.head.pk,
            "note": "Đi công tác Hà Nội",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in html
    assert "Đi công tác Hà Nội" in html
    # the clerk cannot review or sign for the deputy; nor can the deputy stand in for themselves
    for delegate in (office.clerk, office.deputy):
        refused = deputy.post(
            reverse("personal:absence-add"),
            {"start": today.isoformat(), "end": today.isoformat(), "delegate": delegate.pk},
        )
        assert refused.status_code == 400
    with pytest.raises(ValidationFailed, match="vai trò làm được các bước"):
        services.absence_create(actor=office.deputy, delegate=office.clerk, start=today, end=today)
    assert not Absence.objects.exists()


def test_the_head_gives_tl_to_a_member_with_an_audit_event_and_ends_it(office: Office) -> None:
    today = vn_today()
    head = client_for(office.head)
    response = head.post(
        reverse("personal:delegation-add"),
        {
            "organization": office.organization.pk,
            "delegate": office.drafter.pk,
            "form": "TL",
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get(delegate=office.drafter, form=SignatureForm.TL)
    assert delegation.principal == office.head
    assert AuditEvent.objects.filter(action="delegation.give", object_id=str(delegation.pk)).count() == 1
    # shown to the head as given, to the drafter as held
    assert office.drafter.full_name in head.get(reverse("personal:me")).content.decode()
    assert "TL. (thừa lệnh)" in client_for(office.drafter).get(reverse("personal:me")).content.decode()
    # KT. is for a deputy only
    refused = head.post(
        reverse("personal:delegation-add"),
        {"organization": office.organization.pk, "delegate": office.drafter.pk, "form": "KT", "valid_from": today},
    )
    assert refused.status_code == 400
    assert "Ký thay (KT.) chỉ giao cho cấp phó." in refused.content.decode()
    # and someone who heads nothing cannot give
    assert client_for(office.deputy).post(reverse("personal:delegation-add"), {}).status_code == 404
    # the head ends it: removed, since it began today
    assert head.post(reverse("personal:delegation-end", args=[delegation.pk])).status_code == 302
    assert not Delegation.objects.filter(pk=delegation.pk).exists()


def test_a_signature_png_is_stored_checked_and_shown_back(office: Office) -> None:
    deputy = client_for(office.deputy)
    data = png()
    response = deputy.post(
        reverse("personal:signature-image-upload"), {"image": SimpleUploadedFile("chu-ky.png", data, "image/png")}
    )
    assert response.status_code == 302
    image = SignatureImage.objects.get(user=office.deputy)
    assert (image.width, image.height) == (300, 100)
    assert bytes(image.png) == data
    assert AuditEvent.objects.filter(action="signature_image.upload").count() == 1
    shown = deputy.get(reverse("personal:signature-image"))
    assert shown["Content-Type"] == "image/png"
    assert shown.content == data
    # an opaque one replaces it
    deputy.post(
        reverse("personal:signature-image-upload"),
        {"image": SimpleUploadedFile("chu-ky.png", png(mode="L"), "image/png")},
    )
    assert SignatureImage.objects.filter(user=office.deputy).count() == 1
    # and nobody else's image is served to another person
    assert client_for(office.head).get(reverse("personal:signature-image")).status_code == 404


BAD_UPLOADS = {
    "exe-renamed": (b"MZ\x90\x00" + b"\x00" * 200, "Tệp không phải ảnh PNG"),
    "too-large": (png() + b"\x00" * (1024 * 1024), "quá lớn"),
    "a-speck": (png(10, 10), "Kích thước ảnh 10×10 px không hợp lý"),
    "damaged": (png()[:60], "bị hỏng"),
}


@pytest.mark.parametrize(("data", "message"), BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_a_bad_upload_is_refused_in_vietnamese(office: Office, data: bytes, message: str) -> None:
    response = client_for(office.deputy).post(
        reverse("personal:signature-image-upload"), {"image": SimpleUploadedFile("chu-ky.png", data, "image/png")}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SignatureImage.objects.exists()


def test_the_page_queries_are_few_whatever_the_number_of_rows(office: Office, django_assert_max_num_queries) -> None:
    # given the head, who gave three more delegations and has an absence
    today = vn_today()
    for delegate in (office.drafter, office.clerk, office.auditor):
        services.delegation_give(
            actor=office.head,
            organization=office.organization,
            delegate=delegate,
            form=SignatureForm.TL,
            valid_from=today,
            valid_until=None,
            document_types=[document_type()],
        )
    services.absence_create(actor=office.head, delegate=office.deputy, start=today, end=today)
    head = client_for(office.head)
    # then the page (with its delegation form) is a fixed number of queries
    with django_assert_max_num_queries(QUERIES):
        assert head.get(reverse("personal:me")).status_code == 200


QUERIES = 16  # measured: the same with one delegation given or three; one of them lists the certificates
