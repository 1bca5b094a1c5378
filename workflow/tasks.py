"""Celery tasks of the workflow app: the same functions the management commands run, so a task called directly
(no worker, no broker) does exactly what `manage.py send_reminders` does."""

from __future__ import annotations

from celery import shared_task

from workflow.reminders import send_reminders as run_reminders


@shared_task(name="workflow.tasks.send_reminders", ignore_result=True)
def send_reminders() -> dict[str, int]:
    """Periodic (CELERY_BEAT_SCHEDULE, every 15 minutes): each reminder due is sent once."""
    return dict(run_reminders())
