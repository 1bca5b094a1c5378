"""Production refuses to start with a weak or development secret key, with DEBUG on, or with an unknown
ENVIRONMENT; and with a proper environment it passes `check --deploy` without a warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


# What `get_random_secret_key()` gives: 50 characters drawn from a wide alphabet.
STRONG_SECRET = "k3#v9!q@x2$w8%z7^r6&t5*y4(u3)i2_o1-p0=a9+s8d7f6g5h4j3"
SETTINGS_VARIABLES = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ENVIRONMENT", "ALLOWED_HOSTS", "BEHIND_TLS_PROXY"}


def run_check(*options: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES and not k.startswith("SECURE_")}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "check", *options],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_vietnamese_defaults() -> None:
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True


def test_production_without_a_secret_key_refuses_to_start() -> None:
    result = run_check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug_on() -> None:
    result = run_check(ENVIRONMENT="production", DEBUG="true", SECRET_KEY="a-long-random-production-secret-0123456789")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_the_default_secret_key() -> None:
    result = run_check(ENVIRONMENT="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_a_real_secret_key_starts() -> None:
    result = run_check(ENVIRONMENT="production", SECRET_KEY=STRONG_SECRET, ALLOWED_HOSTS="vb.example")
    assert result.returncode == 0, result.stderr


def test_production_passes_the_deploy_check_without_a_single_warning() -> None:
    result = run_check(
        "--deploy",
        "--fail-level",
        "WARNING",
        ENVIRONMENT="production",
        SECRET_KEY=STRONG_SECRET,
        ALLOWED_HOSTS="vanban.example.gov.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("a-long-random-production-secret-0123456789", "shorter than 50"),
        ("ab" * 40, "fewer than 5 different characters"),
        ("django-insecure-" + STRONG_SECRET, "Django's generated development key"),
    ],
)
def test_production_refuses_a_weak_secret_key(secret: str, why: str) -> None:
    result = run_check(ENVIRONMENT="production", SECRET_KEY=secret, ALLOWED_HOSTS="vb.example")
    assert result.returncode != 0, why
    assert "SECRET_KEY is too weak for production" in result.stderr


def test_environment_is_read_whatever_its_case() -> None:
    # "Production" used to run as development with DEBUG on: now it is production, and DEBUG=true is refused.
    result = run_check(ENVIRONMENT="Production", DEBUG="true", SECRET_KEY=STRONG_SECRET)
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_an_unknown_environment_refuses_to_start() -> None:
    result = run_check(ENVIRONMENT="prod", SECRET_KEY=STRONG_SECRET)
    assert result.returncode != 0
    assert "ENVIRONMENT='prod' is not known: use one of development, test, production." in result.stderr
