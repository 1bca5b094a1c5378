"""What a locked-out login sees (django-axes' AXES_LOCKOUT_CALLABLE): a page, or the API's error shape."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "Đăng nhập tạm thời bị khoá vì nhập sai mật khẩu quá %(limit)d lần. Vui lòng thử lại sau %(minutes)d phút."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": cooloff_minutes()}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        body = {
            "code": "login_locked",
            "message": lockout_message(),
            "details": {"retry_after_minutes": cooloff_minutes()},
        }
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        response = render(request, "registration/locked_out.html", {"message": lockout_message()}, status=status)
    response["Retry-After"] = str(cooloff_minutes() * 60)
    return response
