"""Signing with the document in view (issue 11, item 4): the pages as the PDF prints them, the block as it will
print, a confirmation that signs once, and nobody but the signer."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from documents.models import Document, Status
from tests.factories import Office, UserFactory, advance_routed, start_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def awaiting(office: Office, **fields: object) -> Document:
    return advance_routed(start_draft(office, **fields), office, to="awaiting_signature")


def test_the_signer_sees_the_pages_and_the_block_as_they_will_print(office: Office) -> None:
    # given a plan awaiting the deputy's KT. signature
    document = awaiting(office, signer=office.deputy, signature_form="KT")
    signer = client_for(office.deputy)

    # when the deputy opens the sign page
    response = signer.get(reverse("signing:confirm", args=[document.pk]))

    # then it keeps the site's header, shows each page as an image and the KT. block above the deputy's name
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="top"' in html
    pages = list(response.context["pages"])
    assert pages == [1]
    assert response.context["title_lines"] == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    assert "KT. TRƯỞNG PHÒNG" in html
    assert office.deputy.full_name in html
    assert "Tôi đã đọc và ký văn bản này" in html
    image = signer.get(reverse("signing:confirm-page", args=[document.pk, 1]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert signer.get(reverse("signing:confirm-page", args=[document.pk, 2])).status_code == 404


def test_the_confirmation_signs_once_and_a_second_click_is_harmless(office: Office) -> None:
    # given the head on the sign page of a plan they sign directly
    document = awaiting(office)
    head = client_for(office.head)
    head.get(reverse("signing:confirm", args=[document.pk]))
    form = {"action": "sign", "confirm_version": document.current_version_id, "confirmed": "1"}

    # when the confirmation is posted twice
    first = head.post(reverse("workflow:act", args=[document.pk]), form)
    second = head.post(reverse("workflow:act", args=[document.pk]), form)

    # then the first signs, the second is told it is signed, and the document was signed once
    document.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 302
    assert document.status == Status.SIGNED
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="document.sign", object_id=str(document.pk)).count() == 1
    page = head.get(second["Location"])
    assert "lần bấm thứ hai không ký lại" in page.content.decode()
    # and the sign page now says it is signed, without a form
    again = head.get(reverse("signing:confirm", args=[document.pk]))
    assert again.status_code == 200
    assert "Văn bản đã được ký." in again.content.decode()
    assert "confirm-form" not in again.content.decode()


def test_without_the_box_ticked_nothing_is_signed(office: Office) -> None:
    document = awaiting(office)
    response = client_for(office.head).post(
        reverse("workflow:act", args=[document.pk]), {"action": "sign", "confirm_version": document.current_version_id}
    )
    assert response.status_code == 400
    assert "Tôi đã đọc và ký văn bản này" in response.content.decode()
    assert Document.objects.get(pk=document.pk).status == Status.AWAITING_SIGNATURE


def test_a_text_changed_since_it_was_shown_is_not_signed(office: Office) -> None:
    document = awaiting(office)
    response = client_for(office.head).post(
        reverse("workflow:act", args=[document.pk]),
        {"action": "sign", "confirm_version": document.current_version_id + 1000, "confirmed": "1"},
    )
    assert response.status_code == 400
    assert Document.objects.get(pk=document.pk).status == Status.AWAITING_SIGNATURE


def test_nobody_but_the_signer_opens_the_sign_page_or_its_images(office: Office) -> None:
    # given a plan the head signs
    document = awaiting(office)
    confirm = reverse("signing:confirm", args=[document.pk])
    image = reverse("signing:confirm-page", args=[document.pk, 1])
    # then the deputy (who may read it) is refused, a stranger does not find it, an anonymous visitor logs in
    assert client_for(office.deputy).get(confirm).status_code == 403
    assert client_for(office.deputy).get(image).status_code == 403
    assert client_for(UserFactory()).get(confirm).status_code == 404
    assert client_for(UserFactory()).get(image).status_code == 404
    assert Client().get(confirm).status_code == 302


def test_the_document_page_links_to_the_sign_page_and_the_printed_view(office: Office) -> None:
    document = awaiting(office)
    html = client_for(office.head).get(reverse("workflow:document", args=[document.pk])).content.decode()
    assert reverse("signing:confirm", args=[document.pk]) in html
    assert reverse("signing:document", args=[document.pk]) in html


def test_the_printed_view_keeps_the_header_and_labels_its_number_and_date(office: Office) -> None:
    document = awaiting(office)
    html = client_for(office.head).get(reverse("signing:document", args=[document.pk])).content.decode()
    assert 'class="top"' in html
    for label in ("Số", "Ngày", "Tháng", "Năm"):
        assert f'aria-label="{label}"' in html
    assert 'name="viewport"' in html


def test_the_sign_page_queries_stay_few_once_the_pages_are_drawn(office: Office, django_assert_max_num_queries) -> None:
    # given the pages already drawn once
    document = awaiting(office, signer=office.deputy, signature_form="KT")
    signer = client_for(office.deputy)
    signer.get(reverse("signing:confirm", args=[document.pk]))
    # then the page and an image cost a bounded number of queries (one of them: which certificate signs)
    with django_assert_max_num_queries(11):
        assert signer.get(reverse("signing:confirm", args=[document.pk])).status_code == 200
    with django_assert_max_num_queries(5):
        assert signer.get(reverse("signing:confirm-page", args=[document.pk, 1])).status_code == 200


def test_a_pdf_poppler_cannot_draw_is_a_domain_error_not_a_500() -> None:
    from signing import previews

    # when poppler is given bytes it cannot read, the failure is said in Vietnamese (the page shows it)
    with pytest.raises(previews.PagesUnavailable, match="Chưa dựng được ảnh các trang"):
        previews.rasterize(b"%PDF-1.7 not really a PDF")


@pytest.mark.parametrize(
    ("backend", "says", "hint"),
    [
        ("pkcs12", "Tệp PKCS#12 trên máy chủ", None),
        ("external", "Công cụ ký của người ký", "mở công cụ ký số của bạn để ký"),
    ],
)
def test_the_sign_page_says_beforehand_how_the_signer_signs(
    office_keys: Office, keystore, backend: str, says: str, hint: str | None
) -> None:
    from tests.signing.credentials_helpers import p12_certificate_der, register

    # given the deputy's certificate registered with a key on the server, or with their own signing tool
    credential = register(
        backend=backend,
        der=p12_certificate_der(keystore / f"users/{office_keys.deputy.username}.p12"),
        user=office_keys.deputy,
    )
    document = awaiting(office_keys, signer=office_keys.deputy, signature_form="KT")

    # when the deputy opens the sign page
    html = client_for(office_keys.deputy).get(reverse("signing:confirm", args=[document.pk])).content.decode()

    # then it names where the key is and the certificate, and for the own tool what happens after the click
    assert says in html
    assert f"chứng thư số số hiệu {credential.serial}" in html
    assert (hint in html) if hint else ("mở công cụ ký số" not in html)
