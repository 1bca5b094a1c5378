"""manage.py warn_expiring_credentials: warn the owners of signing certificates that expire within 30, then 7 days
(docs/signing.md, "Expiry warnings"). The Celery beat runs it daily; a second run writes nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notifications.credential_warnings import warn_expiring_credentials


class Command(BaseCommand):
    help = "Cảnh báo chứng thư số sắp hết hạn (trước 30 ngày và 7 ngày, mỗi mốc một lần)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = warn_expiring_credentials()
        self.stdout.write(self.style.SUCCESS(f"Đã gửi {sent} cảnh báo chứng thư số sắp hết hạn."))
