"""Domain errors: each carries a machine code, a Vietnamese message and the HTTP status it maps to.

Interfaces (views, API, commands) turn them into responses; services raise them before changing anything.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    http_status = 400
    default_message = "Yêu cầu không hợp lệ."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    code = "validation_error"
    http_status = 400
    default_message = "Dữ liệu không hợp lệ."


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403
    default_message = "Bạn không có quyền thực hiện thao tác này."


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    default_message = "Không tìm thấy."


class InvalidTransition(DomainError):
    code = "invalid_transition"
    http_status = 409
    default_message = "Văn bản không ở trạng thái cho phép thao tác này."


class ConcurrentUpdate(DomainError):
    code = "concurrent_update"
    http_status = 409
    default_message = "Văn bản vừa được người khác xử lý. Vui lòng tải lại trang."


class IntegrityFailed(DomainError):
    """Stored bytes that no longer match their recorded SHA-256, or are gone: a fault of the server's storage, not of
    the request (documents.blobs logs it at CRITICAL). 500 on purpose: no client can fix it by asking differently,
    and the bad bytes are never served."""

    code = "integrity_failed"
    http_status = 500
    default_message = (
        "Tệp lưu trữ của văn bản không còn nguyên vẹn (không khớp mã băm đã lưu); hệ thống không trả tệp này."
        " Vui lòng báo quản trị hệ thống."
    )
