"""How big a draft may be, in one place: the API serializers, the drafting form, the importer and the services.

The services call `check_draft` on every create and edit, so no input path can write more than this; the
interfaces declare the same bounds to answer earlier, field by field. Columns bound some values (subject,
place, filing line, a recipient's name); the others are bounded so one PDF renders in about a second
(a 2.3 MB body took 45 s) and a page of recipients stays a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed

SUBJECT_MAX = 500  # Document.subject
BODY_MAX = 200_000  # characters; the longest seed plan is under 20,000
LEGAL_BASES_MAX = 50  # lines
LEGAL_BASIS_MAX = 1_000  # characters a line
RECIPIENTS_MAX = 500  # lines
RECIPIENT_MAX = 255  # characters a line: Recipient.display_name
PLACE_NAME_MAX = 100  # Document.place_name
FILING_LINE_MAX = 120  # Document.filing_line
COMMENT_MAX = 2_000  # a comment or a reason on an action
TYPE_TITLE_MAX = 120  # Document.type_title
SOURCE_CODE_MAX = 60  # Document.source_code
SOURCE_DATE_LINE_MAX = 120  # Document.source_date_line

TEXT_LIMITS = {
    "subject": SUBJECT_MAX,
    "body": BODY_MAX,
    "place_name": PLACE_NAME_MAX,
    "filing_line": FILING_LINE_MAX,
    "type_title": TYPE_TITLE_MAX,
    "source_code": SOURCE_CODE_MAX,
    "source_date_line": SOURCE_DATE_LINE_MAX,
}
LABELS = {
    "type_title": gettext_lazy("Tên loại in trên văn bản"),
    "source_code": gettext_lazy("Số, ký hiệu ghi trên bản nhập"),
    "source_date_line": gettext_lazy("Địa danh, ngày ghi trên bản nhập"),
    "subject": gettext_lazy("Trích yếu"),
    "body": gettext_lazy("Nội dung"),
    "place_name": gettext_lazy("Địa danh"),
    "filing_line": gettext_lazy("Nơi lưu"),
    "legal_bases": gettext_lazy("Căn cứ"),
    "recipients": gettext_lazy("Nơi nhận"),
    "comment": gettext_lazy("Ý kiến"),
    "reason": gettext_lazy("Lý do"),
    "directive": gettext_lazy("Bút phê"),
    "result": gettext_lazy("Kết quả xử lý"),
}


def text_problem(value: str, *, max_length: int) -> str | None:
    """Why a text cannot be stored (Vietnamese), or None: a NUL byte, a lone surrogate, or too long."""
    if "\x00" in value:
        return _("Không được chứa ký tự NUL (\\x00).")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Chứa ký tự Unicode không hợp lệ.")
    if len(value) > max_length:
        return _("Dài quá %(count)s ký tự.") % {"count": f"{max_length:,}".replace(",", ".")}
    return None


def lines_problem(lines: Iterable[str], *, max_lines: int, max_length: int) -> str | None:
    """The same for a list of lines, naming the first bad line (1-based)."""
    lines = list(lines)
    if len(lines) > max_lines:
        return _("Nhiều quá %(count)s dòng.") % {"count": max_lines}
    for number, line in enumerate(lines, start=1):
        if problem := text_problem(str(line), max_length=max_length):
            return _("Dòng %(number)s: %(problem)s") % {"number": number, "problem": problem}
    return None


def check_draft(*, values: Mapping[str, Any], recipients: Iterable[Mapping[str, Any]] | None = None) -> None:
    """Raise ValidationFailed naming the field when a draft's values exceed the limits above."""
    problems: dict[str, str] = {}
    for name, limit in TEXT_LIMITS.items():
        if isinstance(values.get(name), str) and (problem := text_problem(values[name], max_length=limit)):
            problems[name] = problem
    if values.get("legal_bases") is not None and (
        problem := lines_problem(values["legal_bases"], max_lines=LEGAL_BASES_MAX, max_length=LEGAL_BASIS_MAX)
    ):
        problems["legal_bases"] = problem
    if recipients is not None and (
        problem := lines_problem(
            (str(line.get("display_name", "")) for line in recipients),
            max_lines=RECIPIENTS_MAX,
            max_length=RECIPIENT_MAX,
        )
    ):
        problems["recipients"] = problem
    if problems:
        name = next(iter(problems))
        raise ValidationFailed(f"{LABELS[name]}: {problems[name]}", details={"field": name, "errors": problems})


def check_comment(*, value: Any, field: str = "comment") -> None:
    """A comment or reason on an action: it goes into the audit log (jsonb), where a NUL byte cannot go."""
    if isinstance(value, str) and (problem := text_problem(value, max_length=COMMENT_MAX)):
        raise ValidationFailed(f"{LABELS[field]}: {problem}", details={"field": field})
