"""`manage.py exchange_poll`: send what is pending, take in what arrived, print the counts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from exchange.services import exchange_poll


class Command(BaseCommand):
    help = "Liên thông văn bản: gửi các gói tin đang chờ, nhận các gói tin đã đến (edXML), in số lượng."

    def handle(self, *args: Any, **options: Any) -> None:
        result = exchange_poll()
        self.stdout.write(
            f"Đã gửi {result.sent} gói tin ({result.send_failed} lỗi, thử lại lần sau); "
            f"đã nhận {result.received}: {result.accepted} tiếp nhận, {result.refused} từ chối, "
            f"{result.duplicates} trùng, {result.ignored} bỏ qua, {result.errors} để lại lần sau."
        )
