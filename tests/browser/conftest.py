"""A real browser: Debian's chromium driven by Playwright. Skipped where chromium is not installed."""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The closed network here refuses Chromium's background connections; keep it quiet and offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """One Chromium for this package's tests, stopped after them: Playwright's sync API keeps an event
    loop in this thread while it runs, which other tests' async_to_sync would trip over."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow ORM calls from the test thread meanwhile.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Before the test database is flushed, let the live server finish every request the browser started.

    On SQLite the live server and the test share one in-memory database in shared-cache mode: a request still
    reading as the test ends (a page's script refreshing the inbox), or a cursor it left unfinished, holds a
    table, and the flush fails with "database table is locked". So close the browser's pages first (no new
    requests), wait for the server's threads, collect what they dropped, and if a table is still held, wait
    for it and flush again: the next test must start on an empty database either way.
    """
    browser = item.funcargs.get("browser")
    live_server = item.funcargs.get("live_server")
    if browser is None or live_server is None:
        return (yield)
    for context in list(browser.contexts):
        context.close()
    for thread in list(getattr(live_server.thread.httpd, "_threads", ())):
        thread.join(timeout=15)
    gc.collect()
    try:
        return (yield)
    except OperationalError as error:
        if connection.vendor != "sqlite" or "is locked" not in str(error):
            raise
        _flush_when_free(error)
        return None


def _flush_when_free(error: OperationalError, attempts: int = 20) -> None:
    for _ in range(attempts):
        time.sleep(0.5)
        gc.collect()
        try:
            call_command("flush", verbosity=0, interactive=False, database="default", reset_sequences=False)
        except OperationalError:
            continue
        return
    raise error
