"""Celery tasks of the notifications app: the functions the management commands run, callable directly too."""

from __future__ import annotations

from celery import shared_task

from notifications.digest import send_digest as run_digest


@shared_task(name="notifications.tasks.send_digest", ignore_result=True)
def send_digest() -> int:
    """Daily (CELERY_BEAT_SCHEDULE, 17:30 Vietnam time): each person's digest is sent once a day."""
    return run_digest()


@shared_task(name="notifications.tasks.warn_expiring_credentials", ignore_result=True)
def warn_expiring_credentials() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): certificates expiring within 30, then 7 days; each warning written once."""
    from notifications.credential_warnings import warn_expiring_credentials as run

    return run()
