"""The certificate fields of the signature check: Vietnamese in the Vietnamese UI, English through i18n."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.signing.helpers import artifact, issued_document


def _post(client, pdf: bytes, language: str) -> str:
    client.cookies["django_language"] = language
    with translation.override(language):
        response = client.post("/verify/", {"file": SimpleUploadedFile("van-ban.pdf", pdf, "application/pdf")})
    assert response.status_code == 200
    return response.content.decode()


def test_certificate_fields_follow_the_language(client, office_keys):
    pdf = artifact(issued_document(office_keys))
    vietnamese = _post(client, pdf, "vi")
    for label in ("Chủ thể", "Nhà cung cấp", "Số hiệu", "Hiệu lực", "Tên: "):
        assert label in vietnamese
    assert "Common Name" not in vietnamese
    assert 'class="top"' in vietnamese  # the page keeps the site's header
    english = _post(client, pdf, "en")
    for label in ("Subject", "Issuer", "Serial number", "Validity", "Name: "):
        assert label in english
