"""Steps the browser tests share."""

from __future__ import annotations

PASSWORD = "matkhau-123"  # tests.factories.UserFactory's password


def log_in(page, username: str, *, then: str = "/inbox/") -> None:
    page.goto(f"/accounts/login/?next={then}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{then}**")
