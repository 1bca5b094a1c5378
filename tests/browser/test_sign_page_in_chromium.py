"""The sign page, the printed view and my settings in Debian's chromium, at 1366 and 360 px: the head reads the
pages and signs with the confirmation; no sideways scroll on a phone; axe-core finds no serious violation.
Screenshots go to test-artifacts/screenshots/ (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from documents.models import Document, Status
from tests.browser.helpers import log_in
from tests.factories import advance_routed, make_office, start_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# The elements reaching past the right edge, to name the culprit when a page scrolls sideways.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
WIDTHS = {"desk": (1366, 900), "phone": (360, 740)}


def check_page(page, name: str) -> None:
    """At each width: no sideways scroll, a screenshot, and no serious or critical axe-core violation."""
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        wide = page.evaluate(WIDEST)
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px: {wide}"
        results = Axe().run(page)
        serious = [v["id"] for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        assert serious == [], f"{name} at {width}px: {serious}"


def test_the_head_reads_the_pages_and_signs_with_the_confirmation(page) -> None:
    # given a plan awaiting the head's signature
    office = make_office()
    subject = "Kế hoạch ngày hội đọc sách 2026"
    document = advance_routed(start_draft(office, subject=subject), office, to="awaiting_signature")

    # when the head opens the document page and follows "Xem và ký"
    log_in(page, office.head.username, then=reverse("workflow:document", args=[document.pk]))
    page.get_by_role("link", name="Xem và ký").click()
    page.wait_for_url(f"**{reverse('signing:confirm', args=[document.pk])}")

    # then the page shows the rendered page and the block as it will print
    image = page.get_by_role("img", name="Trang 1 / 1 của văn bản")
    image.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector('#pages img'); return i.complete && i.naturalWidth > 700; }"
    )
    assert page.locator("#signature-block").inner_text().splitlines()[0] == "TRƯỞNG PHÒNG"
    check_page(page, "sign-page")

    # when the head ticks the box and signs
    page.get_by_label("Tôi đã đọc và ký văn bản này").check()
    page.get_by_role("button", name="Ký văn bản").click()
    page.wait_for_url(f"**{reverse('workflow:document', args=[document.pk])}")

    # then it is signed once
    assert Document.objects.get(pk=document.pk).status == Status.SIGNED

    # and the printed view and my settings fit a phone, keep the header and pass axe
    page.goto(reverse("signing:document", args=[document.pk]))
    check_page(page, "printed-view")
    page.goto(reverse("personal:me"))
    check_page(page, "my-settings")


def test_the_drafting_form_offers_the_signers_forms_and_says_why(page) -> None:
    # given the drafter on the new plan page
    office = make_office()
    log_in(page, office.drafter.username, then=reverse("workflow:new"))
    forms = page.get_by_label("Thể thức ký")
    reasons = page.locator("#signature-form-reasons")

    # when the deputy is chosen as signer, then KT. alone is offered, with the delegation's reason
    page.get_by_label("Người ký").select_option(label=office.deputy.full_name)
    page.wait_for_function("() => document.getElementById('id_signature_form').options.length === 1")
    assert forms.locator("option").all_inner_texts() == ["KT. (ký thay)"]
    assert f"{office.deputy.full_name} được giao ký thay (KT.) từ 01/01/2000" in reasons.inner_text()

    # when the head is chosen instead, the direct form is offered
    page.get_by_label("Người ký").select_option(label=office.head.full_name)
    page.wait_for_function("() => document.getElementById('id_signature_form').value === 'direct'")
    assert forms.locator("option").all_inner_texts() == ["Ký trực tiếp"]
    assert "là người đứng đầu, ký trực tiếp" in reasons.inner_text()
    check_page(page, "drafting-form")
