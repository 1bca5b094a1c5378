"""The error handler: one JSON shape for every error, Vietnamese messages, never a 500 for bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import Http404
from rest_framework import exceptions
from rest_framework.test import APIClient

from core.api import exception_handler
from documents.errors import ConcurrentUpdate, InvalidTransition, PermissionDenied
from organizations.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (PermissionDenied(), 403, "permission_denied"),
        (InvalidTransition(details={"status": "signed"}), 409, "invalid_transition"),
        (ConcurrentUpdate(), 409, "concurrent_update"),
        (exceptions.ValidationError({"subject": ["Trường này là bắt buộc."]}), 400, "validation_error"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (Http404(), 404, "not_found"),
        (exceptions.MethodNotAllowed("PUT"), 405, "method_not_allowed"),
    ],
)
def test_every_error_has_the_same_shape(error: Exception, status: int, code: str) -> None:
    response = exception_handler(error, {})
    assert (response.status_code, response.data["code"]) == (status, code)
    assert set(response.data) == {"code", "message", "details"}
    assert response.data["message"]


def test_a_real_bug_is_left_to_be_a_500() -> None:
    assert exception_handler(ZeroDivisionError(), {}) is None


def test_unknown_document_is_404_json(client_for: Callable[[User], APIClient], office) -> None:
    response = client_for(office.head).post("/api/documents/987654/approve/", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Không tìm thấy văn bản.", "details": {}}
