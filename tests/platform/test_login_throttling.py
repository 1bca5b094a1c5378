"""Wrong passwords lock a (username, address) pair for a while; other people and other addresses go on."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import SESSION_KEY, authenticate
from django.test import Client, RequestFactory

from audit.models import AuditEvent
from config.lockout import lockout_response
from organizations.models import User
from tests.factories import Office, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "matkhau-123"  # tests.factories.UserFactory


def try_login(client: Client, username: str, password: str, *, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def hammer(client: Client, user: User, *, times: int = 30, address: str = "203.0.113.7") -> None:
    for _ in range(times):
        try_login(client, user.username, "sai-mat-khau", address=address)


def test_thirty_wrong_passwords_then_the_right_one_is_refused() -> None:
    user = UserFactory()
    client = Client()
    hammer(client, user)

    response = try_login(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_the_lockout_page_speaks_vietnamese_and_says_when_to_retry() -> None:
    user = UserFactory()
    client = Client()
    hammer(client, user, times=5)

    response = try_login(client, user.username, PASSWORD)

    text = response.content.decode()
    assert "Đăng nhập tạm thời bị khoá vì nhập sai mật khẩu quá 5 lần" in text
    assert "thử lại sau 15 phút" in text
    assert response["Retry-After"] == "900"


def test_four_wrong_passwords_do_not_lock() -> None:
    user = UserFactory()
    client = Client()
    hammer(client, user, times=4)

    response = try_login(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_same_person_from_another_address_still_signs_in() -> None:
    user = UserFactory()
    hammer(Client(), user, address="203.0.113.7")

    client = Client()
    response = try_login(client, user.username, PASSWORD, address="198.51.100.20")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_another_person_from_the_same_address_still_signs_in() -> None:
    attacked, colleague = UserFactory(), UserFactory()
    hammer(Client(), attacked)

    client = Client()
    response = try_login(client, colleague.username, PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(colleague.pk)


def test_authenticate_itself_refuses_a_locked_pair() -> None:
    # Every password check goes through authenticate(): an API login (DRF's token view, basic auth) too.
    user = UserFactory()
    hammer(Client(), user, times=5)
    request = RequestFactory().post("/api/", REMOTE_ADDR="203.0.113.7")

    assert authenticate(request=request, username=user.username, password=PASSWORD) is None
    other_address = RequestFactory().post("/api/", REMOTE_ADDR="198.51.100.20")
    assert authenticate(request=other_address, username=user.username, password=PASSWORD) == user


def test_the_lockout_is_recorded_once_in_each_organization_of_the_person(office: Office) -> None:
    client = Client()
    hammer(client, office.deputy, times=12)  # locked at the 5th; the 7 after it are not new lockouts

    events = AuditEvent.objects.filter(action="auth.login_locked")
    assert [(e.organization_id, e.object_id, e.client_address) for e in events] == [
        (office.organization.pk, str(office.deputy.pk), "203.0.113.7")
    ]
    assert events[0].actor_id is None


def test_a_lockout_under_the_api_answers_in_the_api_error_shape() -> None:
    request = RequestFactory().post("/api/auth/token/")

    response = lockout_response(request)

    assert response.status_code == 429
    assert json.loads(response.content) == {
        "code": "login_locked",
        "message": "Đăng nhập tạm thời bị khoá vì nhập sai mật khẩu quá 5 lần. Vui lòng thử lại sau 15 phút.",
        "details": {"retry_after_minutes": 15},
    }


def test_the_lockout_page_follows_the_browsers_language() -> None:
    user = UserFactory()
    client = Client(headers={"accept-language": "en"})
    hammer(client, user, times=5)

    response = try_login(client, user.username, PASSWORD)

    assert "Signing in is temporarily locked after 5 wrong passwords." in response.content.decode()
