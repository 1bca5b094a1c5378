"""One PDF rendering is bounded: too much content is refused before layout, an overrun is stopped (409)."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from documents.models import Status
from signing import services as signing_services
from signing.rendering import MAX_RENDER_HTML_CHARS, RenderTimedOut, RenderTooLarge, render_html, render_pdf
from tests.factories import advance, make_draft

# 8,000 one-line items: a body of 48,000 characters, but over 200,000 characters of HTML and ~250 pages,
# the shape that took 67 s and 640 MB in WeasyPrint (docs/signing.md, "Rendering limits")
MANY_ITEMS = "\n\n".join(["- a;"] * 8_000)


def test_a_draft_too_long_to_render_is_refused_before_layout(office):
    # given a draft whose HTML is past the renderer's bound
    document = make_draft(office, body=MANY_ITEMS)
    assert len(render_html(document, for_pdf=True)) > MAX_RENDER_HTML_CHARS

    # when its PDF is rendered
    started = time.perf_counter()
    with pytest.raises(RenderTooLarge) as refused:
        render_pdf(document)

    # then it is refused at once, with a Vietnamese message and a 409
    assert time.perf_counter() - started < 2
    assert refused.value.http_status == 409
    assert refused.value.code == "document_too_large"
    assert "Văn bản quá dài để dựng bản PDF" in refused.value.message


def test_the_pdf_page_of_a_too_long_draft_answers_409_not_500(client, office):
    # given a member of the office and a draft too long to render
    document = make_draft(office, body=MANY_ITEMS)
    client.force_login(office.drafter)

    # when the draft's PDF is asked for
    response = client.get(f"/documents/{document.pk}/pdf")

    # then a 409 that says why
    assert response.status_code == 409
    assert "Văn bản quá dài để dựng bản PDF" in response.content.decode()


def test_a_rendering_that_overruns_its_time_is_stopped_and_its_process_ended(office, settings):
    # given a normal draft and a time limit shorter than its layout
    document = make_draft(office)
    settings.SIGNING_RENDER_TIMEOUT = 0.01

    # when it is rendered
    with pytest.raises(RenderTimedOut) as stopped:
        render_pdf(document)

    # then the overrun is a 409 in Vietnamese, and no rendering process is left running
    assert stopped.value.http_status == 409
    assert stopped.value.code == "render_timeout"
    assert "quá lâu" in stopped.value.message
    assert multiprocessing.active_children() == []


def test_within_its_limits_a_rendering_still_places_both_signature_boxes(office):
    # given a normal draft, when it is rendered in the child process
    rendered = render_pdf(make_draft(office))

    # then the PDF and both boxes come back
    assert rendered.pdf.startswith(b"%PDF-")
    assert rendered.page_count >= 1
    assert rendered.signer_box.page == rendered.organization_box.page
    assert rendered.signer_box.rect[2] > rendered.signer_box.rect[0]


def test_signing_a_draft_too_long_to_render_is_refused_and_changes_nothing(office_keys):
    # given a plan awaiting signature whose content is too long to render
    document = advance(make_draft(office_keys, body=MANY_ITEMS), office_keys, to="awaiting_signature")

    # when the signer signs, then the refusal is the renderer's 409 and the document has not moved
    with pytest.raises(RenderTooLarge):
        signing_services.sign_document(document=document, actor=office_keys.head)
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert not document.artifacts.exists()
