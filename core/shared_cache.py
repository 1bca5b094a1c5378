"""Small tables every flow step reads (the deadline rules, the working calendar), kept in the shared cache.

A change through the ORM (save, delete; the admin) forgets the copy at once, in every process (the cache is
Redis in production); what bypasses the signals (bulk_create, update) calls `forget`. The copy also expires
after `timeout` seconds, so a change rolled back after the copy was re-read lives at most that long.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
TIMEOUT = 300


def read_through(key: str, load: Callable[[], T], *, timeout: int = TIMEOUT) -> T:
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, timeout)
    return value


def forget(key: str) -> None:
    cache.delete(key)


def forget_on_change(key: str, *models: type[Model]) -> None:
    """Forget `key` whenever a row of one of `models` is saved or deleted."""

    def receiver(**kwargs: Any) -> None:
        forget(key)

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"{key}:{model._meta.label}:{id(signal)}")
