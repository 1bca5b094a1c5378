"""What every app's JSON API shares: the error shape and the pagination.

Every API error is `{"code": "...", "message": "<tiếng Việt>", "details": {...}}`. Wired globally with
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "core.api.exception_handler"; the document and directory views also
use it directly (ApiErrorsMixin), so they answer the same way whatever the setting. Bad input never becomes
a 500. This module is in the bottom layer: it imports no app of the project but `core`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.db.models import QuerySet
from django.http import Http404
from django_fsm import ConcurrentTransition
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from core.converters import MAX_ID
from core.errors import ConcurrentUpdate, DomainError

MESSAGES: dict[type[exceptions.APIException], tuple[str, str]] = {
    exceptions.ValidationError: ("validation_error", "Dữ liệu không hợp lệ."),
    exceptions.ParseError: ("parse_error", "Dữ liệu gửi lên không đọc được."),
    exceptions.NotAuthenticated: ("not_authenticated", "Bạn cần đăng nhập."),
    exceptions.AuthenticationFailed: ("authentication_failed", "Thông tin đăng nhập không đúng."),
    exceptions.PermissionDenied: ("permission_denied", "Bạn không có quyền thực hiện thao tác này."),
    exceptions.NotFound: ("not_found", "Không tìm thấy."),
    exceptions.MethodNotAllowed: ("method_not_allowed", "Phương thức không được hỗ trợ."),
    exceptions.NotAcceptable: ("not_acceptable", "Không có định dạng phản hồi phù hợp."),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "Định dạng dữ liệu gửi lên không được hỗ trợ."),
    exceptions.Throttled: ("throttled", "Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau."),
}


def _body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    if details is None:
        details = {}
    elif not isinstance(details, dict):
        details = {"errors": details}
    return {"code": code, "message": message, "details": details}


def _is_lock_timeout(exc: BaseException) -> bool:
    cause = exc.__cause__
    return cause is not None and type(cause).__name__ in ("LockNotAvailable", "QueryCanceled")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(_body(exc.code, exc.message, exc.details), status=exc.http_status)
    if isinstance(exc, ConcurrentTransition) or (isinstance(exc, OperationalError) and _is_lock_timeout(exc)):
        set_rollback()
        error = ConcurrentUpdate()
        return Response(_body(error.code, error.message), status=error.http_status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let it be a 500 and be logged
    code, message = next(
        ((c, m) for kind, (c, m) in MESSAGES.items() if isinstance(exc, kind)),
        (str(exc.default_code), str(exc.detail)),
    )
    details = exc.detail if isinstance(exc, exceptions.ValidationError) else None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    return Response(
        _body(code, message, details), status=exc.status_code or status.HTTP_400_BAD_REQUEST, headers=headers
    )


class ApiErrorsMixin:
    """Use this module's handler on a view whatever REST_FRAMEWORK says."""

    def get_exception_handler(self):
        return exception_handler


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def paginated(view: APIView, request: Request, queryset: QuerySet, serializer_class: type, **context: Any) -> Response:
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context=context).data)


# --- ids in input: bounded before any query (SQLite cannot compare a column with a number above 2⁶³−1) --


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An id in a query parameter or a list: 1 to 2⁶³−1, else a 400 naming the field."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """PrimaryKeyRelatedField that takes only a whole number in the id range: huge ids are "not found" (400)."""

    def to_internal_value(self, data: Any) -> Any:
        # bool is an int in Python (True would be id 1); a float would be truncated by the lookup
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            number = int(data)
        except ValueError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < number <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(number)
