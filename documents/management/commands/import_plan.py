"""manage.py import_plan FILE --organization <id or abbreviation> --drafter <username>"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.errors import DomainError
from documents.importer import PlanParseError, create_draft_from_plan, parse_plan
from organizations.models import Organization


class Command(BaseCommand):
    help = "Đọc một kế hoạch dạng văn bản thuần (như các tệp mẫu) và tạo dự thảo văn bản."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organization", required=True, help="id hoặc chữ viết tắt của cơ quan ban hành")
        parser.add_argument("--drafter", required=True, help="tên đăng nhập của người soạn thảo")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = _organization(options["organization"])
        try:
            drafter = get_user_model().objects.get(username=options["drafter"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"Không có người dùng “{options['drafter']}”.") from exc
        try:
            plan = parse_plan(options["file"].read_text(encoding="utf-8"))
            document = create_draft_from_plan(plan=plan, organization=organization, drafter=drafter)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp: {exc}") from exc
        except (PlanParseError, DomainError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Đã tạo dự thảo #{document.pk}: {document.doc_type.name} — {plan.subject}")
        )
        self.stdout.write(f"  Số, ký hiệu trong tệp: {plan.code or '(không có)'}; địa danh: {plan.place_name or '—'}")
        self.stdout.write(f"  Căn cứ: {len(plan.legal_bases)} dòng; nội dung: {len(plan.paragraphs)} đoạn")
        self.stdout.write(f"  Nơi nhận: {len(plan.recipients)} dòng; Lưu: {plan.filing_line or '—'}")
        self.stdout.write(f"  Người ký: {plan.signer_name or '—'} ({' / '.join(plan.title_lines)})")
        if plan.signer_name and document.signer_id is None:
            self.stdout.write(self.style.WARNING("  Chưa khớp được người ký với lãnh đạo của cơ quan; hãy chọn lại."))


def _organization(value: str) -> Organization:
    queryset = Organization.objects.all()
    matches = list(queryset.filter(pk=int(value))) if value.isdigit() else list(queryset.filter(abbreviation=value))
    if len(matches) != 1:
        raise CommandError(f"“{value}” không chỉ đúng một cơ quan ({len(matches)} kết quả); hãy dùng id.")
    return matches[0]
