"""API fixtures: authenticated clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from organizations.models import User


@pytest.fixture
def client_for() -> Callable[[User], APIClient]:
    """An API client signed in as `user` (session-less: force_authenticate)."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
