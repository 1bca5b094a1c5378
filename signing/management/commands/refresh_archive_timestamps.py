"""Add a new document timestamp to archive copies whose last proof expires soon (docs/signing.md, "Archive copies").

Run it from cron, e.g. monthly: `manage.py refresh_archive_timestamps --within-days 365`. Each document is its
own service call (`signing.archive.refresh_archive_timestamp`): the timestamp is made outside any transaction,
the copy replaced with its audit event; one document's failure is reported and the others go on.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.errors import DomainError
from signing import archive, timestamps


class Command(BaseCommand):
    help = "Gia hạn dấu thời gian cho bản lưu trữ sắp hết hạn chứng thư của đơn vị cấp dấu thời gian."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--within-days",
            type=int,
            default=365,
            help="Gia hạn các bản lưu trữ có bằng chứng hết hạn trong số ngày này (mặc định 365).",
        )

    def handle(self, *args: Any, within_days: int, **options: Any) -> None:
        if within_days < 0:
            raise CommandError("--within-days phải ≥ 0.")
        if timestamps.timestamper() is None:
            raise CommandError("Chưa cấu hình SIGNING_TSA_URL: không có máy chủ cấp dấu thời gian.")
        due = archive.documents_due(within_days=within_days)
        refreshed = failed = 0
        for artifact, expires in due:
            try:
                digest = archive.refresh_archive_timestamp(artifact=artifact)
            except DomainError as exc:
                failed += 1
                self.stderr.write(f"Văn bản {artifact.document_id}: {exc.message}")
                continue
            refreshed += 1
            self.stdout.write(
                f"Văn bản {artifact.document_id}: hết hạn {expires:%d/%m/%Y} → dấu thời gian mới {digest[:12]}"
            )
        self.stdout.write(f"Đã gia hạn {refreshed} bản lưu trữ; lỗi {failed}.")
        if failed:
            raise CommandError(f"{failed} bản lưu trữ chưa gia hạn được.")
