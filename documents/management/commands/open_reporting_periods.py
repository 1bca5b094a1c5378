"""manage.py open_reporting_periods [--date YYYY-MM-DD]: this year's reporting obligations of yearly duties.

Run it daily (or on 1 January): idempotent. An organization that reported already has next year's obligation
(opened when its report was issued); this opens it for those that did not (docs/distribution.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.dates import vn_today
from documents.services import reporting_open_periods


class Command(BaseCommand):
    help = "Mở kỳ báo cáo của năm hiện tại cho các yêu cầu báo cáo hằng năm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="ngày tính (YYYY-MM-DD), mặc định hôm nay theo giờ Việt Nam")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else vn_today()
        except ValueError as exc:
            raise CommandError("Ngày không hợp lệ, cần dạng YYYY-MM-DD.") from exc
        opened = reporting_open_periods(today=today)
        self.stdout.write(self.style.SUCCESS(f"Đã mở {opened} kỳ báo cáo đến năm {today.year}."))
