"""Remove the files of the "documents" storage that no row references, older than a day (documents.blob_sweep)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from documents.blob_sweep import sweep_blobs


class Command(BaseCommand):
    help = "Xoá các tệp trong kho lưu trữ văn bản không còn bản ghi nào tham chiếu, cũ hơn số giờ cho trước."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-hours", type=float, default=24.0, help="Chỉ xoá tệp cũ hơn (mặc định 24).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không xoá.")

    def handle(self, *args: Any, older_than_hours: float, dry_run: bool, **options: Any) -> None:
        report = sweep_blobs(older_than=dt.timedelta(hours=older_than_hours), dry_run=dry_run)
        for sha256 in report.removed:
            self.stdout.write(("would remove " if dry_run else "removed ") + sha256)
        self.stdout.write(
            f"seen={report.seen} referenced={report.kept_referenced} young={report.kept_young}"
            f" removed={len(report.removed)}"
        )
