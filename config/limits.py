"""Request bodies are bounded before they are read: by their declared size, and by counting when undeclared.

Two layers, one limit (settings.MAX_REQUEST_BYTES):
* `RequestSizeLimitMiddleware`, first in MIDDLEWARE, serves WSGI and ASGI alike: a declared
  Content-Length above the limit is a 413 before CSRF, sessions or a form touch the body; a body without
  one is read through `BoundedStream`, which stops at the limit.
* `limit_asgi_body` wraps the ASGI HTTP app: Django's ASGI handler spools the *whole* body to a temporary
  file before any middleware runs, so there the refusal must come first, from the headers, and an
  undeclared (chunked) body is counted as it arrives and cut at the limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def too_large_message() -> str:
    megabytes = settings.MAX_REQUEST_BYTES // (1024 * 1024)
    return _("Dữ liệu gửi lên quá lớn (tối đa %(mb)d MB).") % {"mb": megabytes}


def too_large_response(*, path: str) -> HttpResponse:
    """413 in the API's error shape under /api/, a small page elsewhere."""
    if path.startswith("/api/"):
        body = {"code": "request_too_large", "message": too_large_message(), "details": {}}
        return JsonResponse(body, status=413, headers={"Connection": "close"})
    html = render_to_string("errors/request_too_large.html", {"message": too_large_message()})
    return HttpResponse(html, status=413, headers={"Connection": "close"})


def declared_length(value: str | bytes | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


class BoundedStream:
    """Reads at most `limit` bytes of `stream`; one byte more marks the request too large.

    The read raises RequestDataTooBig (Django answers 400) and the middleware turns that answer into 413.
    """

    def __init__(self, stream: Any, limit: int) -> None:
        self.stream = stream
        self.remaining = limit
        self.exceeded = False

    def read(self, size: int = -1) -> bytes:
        # Ask for one byte past what is allowed, so a body of exactly `limit` bytes is still accepted.
        wanted = self.remaining + 1 if size is None or size < 0 else min(size, self.remaining + 1)
        data = self.stream.read(wanted)
        self.remaining -= len(data)
        if self.remaining < 0:
            self.exceeded = True
            raise RequestDataTooBig("Request body exceeded settings.MAX_REQUEST_BYTES.")
        return data

    def readline(self, size: int = -1) -> bytes:
        wanted = self.remaining + 1 if size is None or size < 0 else min(size, self.remaining + 1)
        data = self.stream.readline(wanted)
        self.remaining -= len(data)
        if self.remaining < 0:
            self.exceeded = True
            raise RequestDataTooBig("Request body exceeded settings.MAX_REQUEST_BYTES.")
        return data

    def close(self) -> None:
        self.stream.close()


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_REQUEST_BYTES
        length = declared_length(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > limit:
            return too_large_response(path=request.path)
        stream = None
        if length is None:
            stream = BoundedStream(request._stream, limit)  # type: ignore[attr-defined]
            request._stream = stream  # type: ignore[attr-defined]
        response = self.get_response(request)
        if stream is not None and stream.exceeded:
            return too_large_response(path=request.path)
        return response


Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def limit_asgi_body(app: App) -> App:
    async def bounded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        limit = settings.MAX_REQUEST_BYTES
        headers = dict(scope.get("headers") or [])
        length = declared_length(headers.get(b"content-length"))
        if length is not None and length > limit:
            await send_response(too_large_response(path=scope.get("path", "")), send)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django's handler stops reading on a disconnect and answers nothing; we answer below.
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        await app(scope, counting_receive, watching_send)
        if exceeded and not started:
            await send_response(too_large_response(path=scope.get("path", "")), send)

    return bounded


async def send_response(response: HttpResponse, send: Send) -> None:
    headers = [(b"content-type", response["Content-Type"].encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})
