"""Notifications people see, in a real browser on a real ASGI server: the head's inbox follows the deputy's
approval without a reload, and after the server restarts the page reconnects and shows what arrived meanwhile.

Needs chromium, PostgreSQL (the server is a child process: it cannot share an in-memory SQLite) and Redis (the
test process's push reaches the child's socket through it)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.browser.asgi_server import AsgiServer
from tests.factories import advance_routed, make_office, start_draft
from workflow import actions
from workflow.models import DocumentTask

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[AsgiServer]:
    server = AsgiServer(connection.settings_dict["NAME"])
    server.start()
    yield server
    server.stop()


def signed_in_page(browser, server: AsgiServer, user: object):
    """A phone-sized tab of `user`, signed in with the cookie of a real session (as after the login form)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", base_url=server.url)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.session.session_key, "url": server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def sign_task_url(document, head) -> str:
    task = DocumentTask.objects.get(
        owner=head, status__in=["NEW", "ASSIGNED"], process__documentprocess__document=document
    )
    return reverse("workflow:task", args=[task.pk])


def test_the_heads_inbox_follows_the_deputys_approval_and_catches_up_after_a_restart(browser, asgi_server) -> None:
    from playwright.sync_api import expect

    # given two plans in review with the deputy, and the head's inbox open on a phone, its socket connected
    office = make_office()
    first = advance_routed(start_draft(office, subject="Kế hoạch Hội khỏe Phù Đổng"), office, to="in_review")
    second = advance_routed(start_draft(office, subject="Kế hoạch tuyển sinh lớp 6"), office, to="in_review")
    page = signed_in_page(browser, asgi_server, office.head)
    page.goto("/inbox/")
    live, badge = page.locator("#live"), page.locator("#live-badge")
    expect(live).to_have_attribute("data-state", "open")
    expect(badge).to_be_hidden()
    assert page.locator("#inbox-rows tr", has_text="Kế hoạch").count() == 0
    page.evaluate("window.notReloaded = true")

    # when the deputy approves the first plan in their own session
    actions.perform(document=first, actor=office.deputy, action="approve")
    approved = time.monotonic()

    # then within 2 seconds, without a reload: the badge, a toast leading to the sign task, and the inbox row
    expect(badge).to_have_text("1", timeout=2000)
    toast = page.locator("#live-toasts .toast", has_text="Kế hoạch Hội khỏe Phù Đổng")
    expect(toast).to_be_visible(timeout=2000)
    expect(page.locator("#inbox-rows tr", has_text="Kế hoạch Hội khỏe Phù Đổng")).to_be_visible(timeout=2000)
    assert time.monotonic() - approved < 2.0
    assert toast.get_by_role("link").get_attribute("href").endswith("/open/")
    assert page.locator("#inbox-tabs .active .badge").inner_text() == "1"
    assert page.evaluate("window.notReloaded") is True
    # and it fits a 360 px screen: the toast inside it, nothing to scroll sideways
    box = toast.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    # (once the live refresh has swapped its parts in: an old and a new row may stand together for a moment)
    assert fits_the_screen(page), wider_than_the_screen(page)
    assert page.get_by_role("link", name="Thông báo, 1 chưa đọc").count() == 1

    # when the server stops, the deputy approves the second plan meanwhile, and the server starts again
    asgi_server.stop()
    expect(live).not_to_have_attribute("data-state", "open")
    actions.perform(document=second, actor=office.deputy, action="approve")
    asgi_server.start()

    # then the page reconnects by itself and shows what arrived while it was away
    expect(live).to_have_attribute("data-state", "open", timeout=20_000)
    expect(badge).to_have_text("2")
    missed = page.locator("#live-toasts .toast", has_text="Kế hoạch tuyển sinh lớp 6")
    expect(missed).to_be_visible()
    expect(page.locator("#inbox-rows tr", has_text="Kế hoạch tuyển sinh lớp 6")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True

    # and the toast's link opens the head's task on that plan
    missed.get_by_role("link").click()
    page.wait_for_url(f"**{reverse('workflow:document', args=[second.pk])}**")
    assert page.url.endswith(f"#task-{sign_task_url(second, office.head).rstrip('/').rsplit('/', 1)[-1]}")


def test_a_comment_being_typed_is_kept_until_the_row_is_left(browser, asgi_server) -> None:
    from playwright.sync_api import expect

    # given the deputy typing a comment on one plan in the inbox (approvals are one click, with a comment)
    office = make_office()
    plans = [
        advance_routed(start_draft(office, subject=subject), office, to="in_review")
        for subject in ("Kế hoạch thi đua khen thưởng", "Kế hoạch ngày hội đọc sách")
    ]
    page = signed_in_page(browser, asgi_server, office.deputy)
    page.goto("/inbox/")
    expect(page.locator("#live")).to_have_attribute("data-state", "open")
    comment = page.locator("tr", has_text="Kế hoạch thi đua khen thưởng").get_by_placeholder("Ý kiến (không bắt buộc)")
    comment.fill("Đồng ý, ký ban hành")

    # when another plan arrives meanwhile
    actions.perform(
        document=start_draft(office, subject="Kế hoạch phòng chống bão"),
        actor=office.drafter,
        action="submit",
        reviewer=office.deputy,
    )

    # then the toast shows, but the rows stay as they are while the comment is being written
    expect(page.locator("#live-toasts .toast", has_text="Kế hoạch phòng chống bão")).to_be_visible(timeout=2000)
    page.wait_for_timeout(1000)
    assert comment.input_value() == "Đồng ý, ký ban hành"
    assert page.locator("#inbox-rows tr", has_text="Kế hoạch phòng chống bão").count() == 0
    # and once the comment is sent or cleared, the new row comes in
    comment.fill("")
    comment.blur()
    expect(page.locator("#inbox-rows tr", has_text="Kế hoạch phòng chống bão")).to_be_visible(timeout=5000)
    assert len(plans) == 2


def test_logging_out_in_another_tab_ends_the_live_page(browser, asgi_server) -> None:
    from playwright.sync_api import expect

    # given the head's inbox open, its socket connected
    office = make_office()
    page = signed_in_page(browser, asgi_server, office.head)
    page.goto("/inbox/")
    live = page.locator("#live")
    expect(live).to_have_attribute("data-state", "open")

    # when they log out in another tab of the same browser
    other = page.context.new_page()
    other.goto("/inbox/")
    other.get_by_text("Menu", exact=True).click()  # on a phone the header's links are folded into the menu
    other.get_by_role("button", name="Đăng xuất").click()

    # then this page stops reconnecting and says the session ended, with a way to log in again
    expect(live).to_have_attribute("data-state", "ended")
    ended = page.get_by_role("alert")
    expect(ended).to_contain_text("Phiên đăng nhập đã kết thúc")
    assert ended.get_by_role("link", name="Đăng nhập lại").get_attribute("href").startswith("/accounts/login/")


def fits_the_screen(page, *, seconds: float = 3.0) -> bool:
    """Nothing to scroll sideways on the phone, waiting up to `seconds` for the page to settle."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"document.documentElement.scrollWidth <= {PHONE['width']}", timeout=seconds * 1000)
    except PlaywrightTimeout:
        return False
    return True


def wider_than_the_screen(page) -> list[str]:
    """What sticks out on the right, for the failure's message."""
    return page.evaluate(
        """width => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > width).slice(0, 10)
            .map(e => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}px`)""",
        PHONE["width"],
    )
