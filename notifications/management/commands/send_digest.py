"""manage.py send_digest [--at "YYYY-MM-DD HH:MM"]: the daily digest e-mail of everyone who chose one for some kind
of notification (docs/notifications.md, "E-mail"). Run it once a day, e.g. 17:30; a second run that day sends
nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.dates import VIETNAM
from notifications.digest import send_digest


class Command(BaseCommand):
    help = "Gửi thư tóm tắt thông báo hằng ngày cho người đã chọn nhận tóm tắt (mỗi người một thư một ngày)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="thời điểm tính (YYYY-MM-DD HH:MM, giờ Việt Nam), mặc định bây giờ")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["at"]:
            try:
                now = dt.datetime.fromisoformat(options["at"]).replace(tzinfo=VIETNAM)
            except ValueError as exc:
                raise CommandError("Thời điểm không hợp lệ, cần dạng YYYY-MM-DD HH:MM.") from exc
        sent = send_digest(now=now)
        self.stdout.write(self.style.SUCCESS(f"Đã gửi {sent} thư tóm tắt."))
