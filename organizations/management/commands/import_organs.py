"""manage.py import_organs FILE [--strict] — load the national directory of organ codes (CSV or JSON)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from organizations.directory import MAX_REPORTED_ERRORS, load_organs, read_rows


class Command(BaseCommand):
    help = (
        "Nạp danh mục mã định danh cơ quan từ tệp CSV hoặc JSON (cột code, name; tùy chọn new_code, parent_code, "
        "level). Chạy lại với tệp mới: thêm mã mới, cập nhật mã đã đổi, giữ nguyên phần còn lại."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--strict",
            action="store_true",
            help="từ chối cả tệp nếu có dòng sai (mặc định: bỏ qua dòng sai và liệt kê chúng)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        started = time.perf_counter()
        try:
            rows, rejected = read_rows(path.read_bytes(), file_name=path.name)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp: {exc}") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for line, reason in rejected[:MAX_REPORTED_ERRORS]:
            self.stderr.write(f"  dòng {line}: {reason}")
        if len(rejected) > MAX_REPORTED_ERRORS:
            self.stderr.write(f"  … và {len(rejected) - MAX_REPORTED_ERRORS} dòng sai khác")
        if rejected and options["strict"]:
            raise CommandError(f"{len(rejected)} dòng sai: không nạp gì (--strict).")
        report = load_organs(rows)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Danh mục mã định danh: {report.summary} ({len(rows)} dòng, {elapsed:.1f} giây).")
        )
        if rejected:
            self.stdout.write(self.style.WARNING(f"  Bỏ qua {len(rejected)} dòng sai (liệt kê ở trên)."))
        if report.without_parent:
            self.stdout.write(f"  {report.without_parent} cơ quan có mã cấp trên không có trong danh mục.")
