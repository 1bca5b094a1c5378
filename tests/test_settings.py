"""Production refuses to start with the development secret key or with DEBUG on by accident."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ENVIRONMENT"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
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
    secret = "a-long-random-production-secret-0123456789"
    result = run_check(ENVIRONMENT="production", SECRET_KEY=secret, ALLOWED_HOSTS="vb.example")
    assert result.returncode == 0, result.stderr
