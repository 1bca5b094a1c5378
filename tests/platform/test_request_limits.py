"""A body larger than MAX_REQUEST_BYTES is refused with 413 before anything reads it (WSGI and ASGI)."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from config.asgi import application
from config.limits import BoundedStream

pytestmark = pytest.mark.django_db

HUGE = str(300 * 1024 * 1024)  # the anonymous 300 MB upload of the security review


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    def readline(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def post_claiming(path: str, length: str, content_type: str) -> Any:
    # The test client lets the WSGI environ be given whole: a huge declared length, a body that must not be read.
    return Client().post(
        path, data=b"x", content_type=content_type, CONTENT_LENGTH=length, **{"wsgi.input": UnreadableBody()}
    )


def test_a_huge_declared_upload_to_a_page_is_refused_unread_with_a_vietnamese_page() -> None:
    response = post_claiming("/accounts/login/", HUGE, "multipart/form-data; boundary=xyz")

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "Dữ liệu gửi lên quá lớn (tối đa 25 MB)." in response.content.decode()


def test_a_huge_declared_body_to_the_api_is_refused_unread_in_the_api_error_shape() -> None:
    response = post_claiming("/api/documents/", HUGE, "application/json")

    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "message": "Dữ liệu gửi lên quá lớn (tối đa 25 MB).",
        "details": {},
    }


def test_a_body_just_under_the_limit_goes_through(settings) -> None:
    settings.MAX_REQUEST_BYTES = 1000
    client = Client()

    response = client.post("/accounts/login/", {"username": "ai-do", "password": "x" * 500})

    assert response.status_code == 200  # the login form again: wrong password, but the body was accepted


def test_an_undeclared_body_is_read_no_further_than_the_limit() -> None:
    stream = BoundedStream(io.BytesIO(b"a" * 5000), 1000)

    assert stream.read(600) == b"a" * 600
    assert stream.read(400) == b"a" * 400
    with pytest.raises(Exception, match="MAX_REQUEST_BYTES"):
        stream.read(600)
    assert stream.exceeded


def asgi_post(path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[list[dict], int]:
    """Run one HTTP request through the project's ASGI application; return what it sent and chunks it read."""
    sent: list[dict] = []
    pending = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    read = 0

    async def receive() -> dict:
        nonlocal read
        if not pending:
            await asyncio.Event().wait()  # the client stays connected until the response is sent
        read += 1
        return pending.pop(0)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("203.0.113.7", 5000),
        "server": ("testserver", 80),
    }
    async_to_sync(application)(scope, receive, send)
    return sent, read


def test_asgi_refuses_a_huge_declared_body_before_receiving_any_of_it() -> None:
    sent, read = asgi_post("/api/documents/", [(b"content-length", HUGE.encode())], [b"x"])

    assert read == 0
    assert sent[0]["status"] == 413
    assert b'"code": "request_too_large"' in sent[1]["body"] or b'"code":"request_too_large"' in sent[1]["body"]


def test_asgi_cuts_a_chunked_body_at_the_limit(settings) -> None:
    settings.MAX_REQUEST_BYTES = 3 * 1024 * 1024
    megabyte = b"x" * (1024 * 1024)

    sent, read = asgi_post("/accounts/login/", [(b"content-type", b"application/octet-stream")], [megabyte] * 300)

    assert read == 4  # three megabytes allowed, the fourth is one too many: the other 296 are never received
    assert sent[0]["status"] == 413
    assert "Dữ liệu gửi lên quá lớn (tối đa 3 MB).".encode() in sent[1]["body"]


def test_asgi_serves_an_ordinary_request_as_before() -> None:
    body = b"username=ai-do&password=sai"
    headers = [(b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", str(len(body)).encode())]

    sent, read = asgi_post("/accounts/login/", headers, [body])

    assert read == 1
    assert sent[0]["status"] == 403  # CSRF refuses a POST without its token: the body reached Django intact
