"""manage.py receive_document FILE --organization ID — register a received document (text, PDF, DOCX).

What the file does not say can be given with options (--sender, --sender-parent, --code, --date, --type,
--subject, --signer); what is still missing is refused, naming it, unless --allow-incomplete: then the document is
registered without number and code, date or signer (never without sender, type and trích yếu, which the register
row needs). --dry-run reads and prints only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.catalog import DOCUMENT_TYPES
from documents.errors import DomainError
from documents.importer import PARTICULARS
from organizations.models import Membership, Organization, Role
from receiving.forms import ArrivalForm, initial_values
from receiving.intake import missing, possible_duplicates, read_upload, register_arrival

OVERRIDES = {
    "sender": "sender",
    "sender_parent": "sender_parent",
    "code": "code",
    "date": "issue_date",
    "type": "doc_type",
    "subject": "subject",
    "signer": "signer_name",
}


class Command(BaseCommand):
    help = (
        "Vào sổ văn bản đến từ một tệp (văn bản thuần, PDF có lớp chữ, DOCX): đọc các thông tin của văn bản, "
        "bổ sung phần tệp không có bằng tùy chọn, rồi cấp số đến tiếp theo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organization", required=True, help="id của cơ quan nhận")
        parser.add_argument("--clerk", help="tên đăng nhập của văn thư (mặc định: văn thư duy nhất của cơ quan)")
        parser.add_argument("--sender", help="tên cơ quan ban hành, nếu tệp không ghi")
        parser.add_argument("--sender-parent", help="tên cơ quan chủ quản (dòng trên tên cơ quan)")
        parser.add_argument("--code", help="số và ký hiệu, ví dụ 45/KH-PGDĐT")
        parser.add_argument("--date", help="ngày ban hành, dd/mm/yyyy")
        parser.add_argument("--type", help="tên loại: mã (ke_hoach) hoặc tên (Kế hoạch)")
        parser.add_argument("--subject", help="trích yếu")
        parser.add_argument("--signer", help="họ tên người ký")
        parser.add_argument(
            "--allow-incomplete",
            action="store_true",
            help="vào sổ dù thiếu số và ký hiệu, ngày ban hành hoặc người ký (vẫn cần cơ quan, tên loại, trích yếu)",
        )
        parser.add_argument("--dry-run", action="store_true", help="chỉ đọc và in ra, không vào sổ")

    def handle(self, *args: Any, **options: Any) -> None:
        receiver = _organization(options["organization"])
        clerk = _clerk(receiver, options.get("clerk"))
        path: Path = options["file"]
        try:
            data = path.read_bytes()
            intake = read_upload(data, file_name=path.name)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp: {exc}") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc

        values = initial_values(intake.values)
        for option, name in OVERRIDES.items():
            if options.get(option):
                values[name] = _type_code(options[option]) if name == "doc_type" else options[option]
        self._print_reading(intake, values)
        if options["dry_run"]:
            return

        allow_incomplete = options["allow_incomplete"]
        form = ArrivalForm(
            {**values, "receiver": str(receiver.pk)}, organizations=[receiver], allow_incomplete=allow_incomplete
        )
        if not form.is_valid():
            gaps = missing({k: v for k, v in values.items() if v}, allow_incomplete=allow_incomplete)
            problems = [f"{PARTICULARS.get(name, name)}: {' '.join(errors)}" for name, errors in form.errors.items()]
            hint = " Bổ sung bằng tùy chọn (--sender, --code, --date, --type, --subject, --signer)"
            hint += " hoặc dùng --allow-incomplete." if gaps else "."
            raise CommandError("Chưa vào sổ. " + "; ".join(problems) + hint)
        for duplicate in possible_duplicates(
            receiver=receiver, code=form.cleaned_data["code"], issue_date=form.cleaned_data["issue_date"]
        ):
            self.stdout.write(
                self.style.WARNING(f"  Có thể trùng: văn bản đến #{duplicate.pk} cùng số, ký hiệu, ngày.")
            )
        try:
            delivery = register_arrival(
                receiver=receiver,
                clerk=clerk,
                values=form.cleaned_data,
                pdf=data if intake.kind == "pdf" else None,
                file_name=path.name,
                body=intake.body,
                allow_incomplete=allow_incomplete,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        incoming = delivery.incoming
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã vào sổ văn bản đến số {incoming.number}/{incoming.year} "
                f"(văn bản #{delivery.document_id}, /arrivals/{delivery.pk}/)."
            )
        )

    def _print_reading(self, intake: Any, values: dict[str, Any]) -> None:
        self.stdout.write(f"Tệp {intake.file_name} ({intake.kind}):")
        for name, label in PARTICULARS.items():
            value = values.get(name)
            shown = str(value).replace("\n", " / ") if value else "(không đọc được)"
            self.stdout.write(f"  {label}: {shown}")
        if values.get("sender_organ_code"):
            self.stdout.write(f"  Mã định danh (theo danh mục): {values['sender_organ_code']}")
        for note in intake.notes:
            self.stdout.write(self.style.WARNING(f"  {note}"))
        if intake.check is not None:
            self.stdout.write(f"  Chữ ký số: {intake.check.label} — {intake.check.reason}")


def _organization(value: str) -> Organization:
    organization = Organization.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if organization is None or organization.outside:
        raise CommandError(f"Không có cơ quan “{value}” trong hệ thống (dùng id của cơ quan nhận).")
    return organization


def _clerk(organization: Organization, username: str | None) -> Any:
    clerks = Membership.objects.filter(organization=organization, role=Role.CLERK, is_active=True, user__is_active=True)
    if username:
        clerks = clerks.filter(user__username=username)
    found = list(clerks.select_related("user")[:2])
    if len(found) != 1:
        if username:
            raise CommandError(f"“{username}” không phải văn thư của {organization}.")
        raise CommandError(f"{organization} có {len(found)} văn thư: hãy chỉ rõ --clerk.")
    return found[0].user


def _type_code(value: str) -> str:
    wanted = value.strip().casefold()
    for code, name, abbreviation in DOCUMENT_TYPES:
        if wanted in (code, name.casefold(), abbreviation.casefold()) and wanted:
            return code
    raise CommandError(f"Không có tên loại văn bản “{value}”.")
