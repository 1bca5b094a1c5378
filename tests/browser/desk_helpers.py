"""What the desk's browser tests share: sizes, screenshots, the phone checks and axe-core."""

from __future__ import annotations

from pathlib import Path

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
MIN_TARGET = 44  # px, WCAG 2.5.5 (AAA) and the demand for the row actions


def new_page(browser, live_server, viewport: dict[str, int]):
    context = browser.new_context(
        viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def screenshot(page, name: str) -> Path:
    """A full-page picture under test-artifacts/screenshots/ (gitignored), its path printed for the report."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")  # noqa: T201  (the test's artifact, shown with -s)
    return path


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def small_targets(page, selector: str) -> list[str]:
    """The visible elements matching `selector` smaller than 44 × 44 px (described, for the failure message)."""
    return page.evaluate(
        """([selector, min]) => Array.from(document.querySelectorAll(selector))
            .filter(e => e.offsetParent !== null)
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width < min || r.height < min)
            .map(([e, r]) => `${e.tagName}.${e.className} "${(e.textContent || '').trim().slice(0, 30)}" `
                              + `${Math.round(r.width)}×${Math.round(r.height)}`)""",
        [selector, MIN_TARGET],
    )


def serious_violations(page) -> list[str]:
    """axe-core (the copy axe-playwright-python ships) on the page as it is: serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
