"""Deliver the outbox's pending events: once (cron), or again and again with --loop (no Celery beat)."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from documents.outbox import sweep


class Command(BaseCommand):
    help = (
        "Chuyển các sự kiện còn chờ trong outbox tới mọi nơi nhận sự kiện, thử lại những lần lỗi đã đến hạn "
        "và xoá sự kiện đã chuyển quá hạn lưu (OUTBOX_RETENTION_DAYS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Lặp lại mãi (thay cho Celery beat).")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="Số giây giữa hai lượt khi dùng --loop (mặc định 60)."
        )

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        while True:
            report = sweep()
            self.stdout.write(" ".join(f"{name}={count}" for name, count in asdict(report).items()))
            if not loop:
                return
            time.sleep(interval)
