"""The environment, read once: every setting that changes between machines comes from here."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` is a convenience for development; production sets real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105 - refused in production


def is_strong_secret_key(key: str) -> bool:
    """Django's own `check --deploy` rule (security.W009), enforced instead of merely warned about."""
    return len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure-")
