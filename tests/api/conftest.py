"""API fixtures: the API's URLs, its error handler as the lead will set it, and authenticated clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from organizations.models import User


@pytest.fixture(autouse=True)
def api_settings(settings) -> None:
    settings.ROOT_URLCONF = "tests.api.urls"
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "EXCEPTION_HANDLER": "documents.api_errors.exception_handler",
    }


@pytest.fixture
def client_for() -> Callable[[User], APIClient]:
    """An API client signed in as `user` (session-less: force_authenticate)."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
