"""A version is laid out once (issue 14, part 5): the preview, the signer's step and the PDF download reuse the
rendering kept in Django's cache under the hash of the printed HTML (docs/architecture.md, "Render cache")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from documents import services
from documents.models import ArtifactKind, Document, Status
from signing import rendering
from signing import services as signing_services
from signing.rendering import render_pdf
from signing.verification import verify_pdf
from tests.factories import Office, advance, make_draft
from tests.signing.helpers import artifact
from tests.signing.pdftext import pdftotext, squash

pytestmark = pytest.mark.django_db


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many layouts ran in a child process: the real `_lay_out_in_child`, counted on each call."""
    calls: list[int] = []
    real: Callable[..., Any] = rendering._lay_out_in_child

    def counted(html: str, *, timeout: float) -> Any:
        calls.append(len(html))
        return real(html, timeout=timeout)

    monkeypatch.setattr(rendering, "_lay_out_in_child", counted)
    return calls


def fresh(document: Document) -> Document:
    return Document.objects.get(pk=document.pk)


def test_the_second_rendering_of_a_version_lays_nothing_out_and_returns_the_same_pdf(office, layouts):
    # given a draft rendered once
    document = make_draft(office)
    first = render_pdf(document)

    # when the same version is rendered again, from a fresh read of the row
    second = render_pdf(fresh(document))

    # then no second child process ran, and the PDF, its pages and both boxes are the same
    assert len(layouts) == 1
    assert second.pdf == first.pdf
    assert second.page_count == first.page_count
    assert (second.signer_box, second.organization_box) == (first.signer_box, first.organization_box)


def test_filled_and_blank_renderings_are_kept_apart(office, layouts):
    # given a draft rendered for the signer (blank number and date)
    document = make_draft(office)
    render_pdf(document, filled=False)

    # when it is rendered filled (the draft's download), then blank again
    render_pdf(document, filled=True)
    render_pdf(document, filled=False)

    # then each kind is laid out once
    assert len(layouts) == 2


def test_a_new_version_of_the_content_is_laid_out_again(office, layouts):
    # given a draft rendered once
    document = make_draft(office)
    before = render_pdf(document)

    # when its drafter edits the body (a new version)
    edited = services.document_update_draft(
        document=document, actor=office.drafter, body="I. MỤC ĐÍCH\n\n- Một nội dung khác hẳn."
    )
    after = render_pdf(fresh(edited))

    # then the new version is laid out, and its PDF is not the old one
    assert fresh(edited).current_version_id != document.current_version_id
    assert len(layouts) == 2
    assert after.pdf != before.pdf


def test_a_new_organization_name_is_laid_out_again(office, layouts):
    # given a draft rendered once
    document = make_draft(office)
    render_pdf(document)

    # when the organization is renamed (the version's content does not change, the printed page does)
    office.organization.name = "Phòng Giáo dục và Đào tạo huyện Cần Đước"
    office.organization.save(update_fields=["name"])
    renamed = render_pdf(fresh(document))

    # then the page is laid out again, with the new name on it
    assert len(layouts) == 2
    assert fresh(document).current_version_id == document.current_version_id
    assert "CẦN ĐƯỚC" in squash("".join(pdftotext(renamed.pdf)))


def test_a_failed_rendering_is_not_kept(office, layouts, settings):
    # given a draft whose layout overruns its time
    document = make_draft(office)
    settings.SIGNING_RENDER_TIMEOUT = 0.01
    with pytest.raises(rendering.RenderTimedOut):
        render_pdf(document)

    # when the limit is back and it is rendered again
    settings.SIGNING_RENDER_TIMEOUT = 15
    rendered = render_pdf(document)

    # then it is laid out again (the failure was not cached), and now succeeds
    assert len(layouts) == 2
    assert rendered.pdf.startswith(b"%PDF-")


def test_a_pdf_above_the_size_bound_is_not_kept(office, layouts, monkeypatch):
    # given a bound smaller than any PDF
    monkeypatch.setattr(rendering, "RENDER_CACHE_MAX_BYTES", 100)
    document = make_draft(office)

    # when it is rendered twice, then each rendering lays it out
    render_pdf(document)
    render_pdf(document)
    assert len(layouts) == 2


def test_preview_then_sign_then_download_lay_the_version_out_once(office_keys: Office, layouts, trust_roots):
    # given a plan awaiting the head's signature
    document = advance(make_draft(office_keys), office_keys, to="awaiting_signature")
    head = Client()
    head.force_login(office_keys.head)

    # when the head opens the sign page (its page images), signs, then downloads the PDF
    preview = head.get(reverse("signing:confirm", args=[document.pk]))
    image = head.get(reverse("signing:confirm-page", args=[document.pk, 1]))
    signed = signing_services.sign_document(document=fresh(document), actor=office_keys.head)
    download = head.get(reverse("signing:document-pdf", args=[document.pk]))

    # then the version was laid out once in all, and the signed PDF (built on the kept layout) verifies
    assert preview.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert signed.status == Status.SIGNED
    assert len(layouts) == 1
    assert download.status_code == 200
    assert download.content == artifact(signed, ArtifactKind.SIGNED)
    report = verify_pdf(download.content, trust_roots=trust_roots)
    assert report.ok, report.summary


def test_the_kept_rendering_signs_and_issues_a_pdf_that_verifies(office_keys: Office, layouts, trust_roots):
    # given a plan whose signer's PDF was rendered and kept before the signature (e.g. by the preview)
    document = advance(make_draft(office_keys), office_keys, to="awaiting_signature")
    kept = render_pdf(document)
    assert cache.get(kept_key(document)) == kept

    # when it is signed, registered and issued
    signed = signing_services.sign_document(document=fresh(document), actor=office_keys.head)
    registered = services.document_register(document=signed, actor=office_keys.clerk)
    issued = signing_services.issue_document(document=registered, actor=office_keys.clerk)

    # then signing reused the layout, and the issued PDF verifies with both signatures
    assert len(layouts) == 1
    report = verify_pdf(artifact(issued), trust_roots=trust_roots)
    assert report.ok, report.summary
    assert len(report.signatures) == 2


def kept_key(document: Document) -> str:
    html = rendering.render_html(document, filled=False, for_pdf=True)
    return rendering.render_cache_key(html, rendering.field_values(document, filled=False), filled=False)
