"""The periodic task (Celery beat, CELERY_BEAT_SCHEDULE["exchange-poll"]): the same round as `manage.py
exchange_poll`. Idempotent: two rounds at once send each packet once and take each arrival once."""

from __future__ import annotations

from celery import shared_task

from exchange.services import exchange_poll


@shared_task(name="exchange.poll", ignore_result=True)
def exchange_poll_task() -> dict[str, int]:
    return exchange_poll().as_dict()
