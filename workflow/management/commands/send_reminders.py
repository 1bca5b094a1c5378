"""manage.py send_reminders [--at "YYYY-MM-DD HH:MM"]: reminders before and after each step's deadline, and
escalation of overdue steps to the assignee's leader (docs/notifications.md, "Deadlines and reminders").

Run it every 15 minutes (cron or Celery beat: workflow.tasks.send_reminders). Running it twice, even at the same
time, sends each reminder once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.dates import VIETNAM
from workflow.reminders import DUE_SOON, ESCALATED, OVERDUE, send_reminders


class Command(BaseCommand):
    help = "Nhắc việc sắp đến hạn, báo quá hạn và báo lãnh đạo việc quá hạn (mỗi lời nhắc gửi một lần)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="thời điểm tính (YYYY-MM-DD HH:MM, giờ Việt Nam), mặc định bây giờ")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["at"]:
            try:
                now = dt.datetime.fromisoformat(options["at"]).replace(tzinfo=VIETNAM)
            except ValueError as exc:
                raise CommandError("Thời điểm không hợp lệ, cần dạng YYYY-MM-DD HH:MM.") from exc
        sent = send_reminders(now=now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhắc sắp đến hạn: {sent[DUE_SOON]}, báo quá hạn: {sent[OVERDUE]}, báo lãnh đạo: {sent[ESCALATED]}."
            )
        )
