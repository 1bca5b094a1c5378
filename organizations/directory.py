"""Loading the national directory of organ codes (organizations.Organ) from a CSV or JSON file.

The list has over 100,000 bodies and is published again from time to time, so a load must take seconds and a
second load of the same file must change nothing. The file is read whole, checked row by row (a bad row is
reported with its line and skipped; a file that is not a directory at all is refused whole), then written in
chunks: each chunk reads the rows it already has in one query, and only new or changed rows go to one
`bulk_create(update_conflicts=True)` on the code. Parents are resolved after the load, in one UPDATE, since a
parent may come after its children in the file. Everything runs in one transaction: a load that fails midway
leaves the directory as it was.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery

from core.errors import ValidationFailed
from organizations.models import NEW_ORGAN_CODE_PATTERN, ORGAN_CODE_PATTERN, Organ
from organizations.naming import expand, normalize

CHUNK_SIZE = 2000
MAX_REPORTED_ERRORS = 200

# Column names as publishers write them (English, Vietnamese without diacritics, edXML), normalised.
COLUMNS = {
    "code": ("code", "ma", "ma dinh danh", "ma dinh danh cu", "ma cu", "old code", "organid", "organ id"),
    "new_code": ("new code", "ma moi", "ma dinh danh moi", "ma qd20"),
    "name": ("name", "ten", "ten co quan", "ten don vi", "organname", "organ name"),
    "parent_code": ("parent code", "parent", "ma cap tren", "ma co quan cap tren", "parentid", "parent id"),
    "level": ("level", "cap"),
}
_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
_CODE = re.compile(ORGAN_CODE_PATTERN)
_NEW_CODE = re.compile(NEW_ORGAN_CODE_PATTERN)
_NAME_MAX = Organ._meta.get_field("name").max_length
_NEW_CODE_MAX = Organ._meta.get_field("new_code").max_length
# What a second load compares; name_key follows from name.
_COMPARED = ("new_code", "name", "parent_code", "level")


@dataclass(frozen=True)
class OrganRow:
    line: int  # the file's line (CSV) or the item's position (JSON), for messages
    code: str
    new_code: str
    name: str
    parent_code: str
    level: int | None

    def values(self) -> tuple[Any, ...]:
        return (self.new_code, self.name, self.parent_code, self.level)


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason in Vietnamese)
    without_parent: int = 0  # a parent code that is not in the directory
    parents_changed: int = 0  # rows whose parent link was set or cleared by this load

    @property
    def summary(self) -> str:
        return f"thêm {self.added}, cập nhật {self.updated}, giữ nguyên {self.unchanged}"


def _column(header: str) -> str | None:
    return _ALIASES.get(normalize(header).replace("_", " "))


def _records_from_csv(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise ValidationFailed("Tệp danh mục rỗng.", details={"field": "file"})
    columns = [_column(name) for name in header]
    missing = [name for name in ("code", "name") if name not in columns]
    if missing:
        raise ValidationFailed(
            "Tệp CSV thiếu cột bắt buộc: " + ", ".join(missing) + " (dòng đầu phải là tên cột, ví dụ code,name).",
            details={"field": "file", "missing": missing},
        )
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            yield reader.line_num, {"__error__": f"có {len(cells)} ô, nhiều hơn {len(columns)} cột"}
            continue
        yield reader.line_num, {column: cell for column, cell in zip(columns, cells, strict=False) if column}


def _records_from_json(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValidationFailed("Tệp JSON không đọc được.", details={"field": "file"}) from exc
    if isinstance(data, dict):
        data = next((value for value in data.values() if isinstance(value, list)), None)
    if not isinstance(data, list):
        raise ValidationFailed("Tệp JSON phải là một danh sách cơ quan.", details={"field": "file"})
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield position, {"__error__": "không phải một đối tượng"}
            continue
        yield position, {column: value for key, value in item.items() if (column := _column(str(key)))}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        raise ValueError("giá trị không phải chữ hoặc số")
    return " ".join(str(value).split())


def _row(line: int, record: dict[str, Any]) -> OrganRow | str:
    """One checked row, or the reason it is refused."""
    if "__error__" in record:
        return record["__error__"]
    try:
        code, new_code = _text(record.get("code")).upper(), _text(record.get("new_code")).upper()
        name, parent_code = _text(record.get("name")), _text(record.get("parent_code")).upper()
        level_text = _text(record.get("level"))
    except ValueError as exc:
        return str(exc)
    if not _CODE.match(code):
        return f"mã định danh “{code[:30]}” không đúng dạng 000.00.12.H41"
    if not name:
        return "thiếu tên cơ quan"
    if len(name) > _NAME_MAX:
        return f"tên dài quá {_NAME_MAX} ký tự"
    if "\x00" in name:
        return "tên chứa ký tự NUL"
    if new_code and (len(new_code) > _NEW_CODE_MAX or not _NEW_CODE.match(new_code)):
        return f"mã định danh mới “{new_code[:50]}” không đúng dạng"
    if parent_code and not _CODE.match(parent_code):
        return f"mã cơ quan cấp trên “{parent_code[:30]}” không đúng dạng 000.00.12.H41"
    if parent_code == code:
        return "cơ quan là cấp trên của chính nó"
    level = None
    if level_text:
        if not (level_text.isascii() and level_text.isdigit() and 0 < int(level_text) < 100):
            return f"cấp “{level_text[:10]}” không phải số từ 1 đến 99"
        level = int(level_text)
    return OrganRow(line, code, new_code, name, parent_code, level)


def read_rows(data: bytes, *, file_name: str = "") -> tuple[list[OrganRow], list[tuple[int, str]]]:
    """The good rows of a CSV or JSON directory and the refused ones (line, reason); refuses a file that is
    neither. The format comes from the file's extension, else from its first character."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("Tệp danh mục phải là văn bản UTF-8.", details={"field": "file"}) from exc
    suffix = Path(file_name).suffix.lower()
    is_json = suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("[", "{"))
    records = _records_from_json(text) if is_json else _records_from_csv(text)
    rows: list[OrganRow] = []
    rejected: list[tuple[int, str]] = []
    first_line: dict[str, int] = {}
    for line, record in records:
        row = _row(line, record)
        if isinstance(row, str):
            rejected.append((line, row))
        elif row.code in first_line:
            rejected.append((line, f"trùng mã {row.code} với dòng {first_line[row.code]}"))
        else:
            first_line[row.code] = line
            rows.append(row)
    return rows, rejected


def _chunks(rows: list[OrganRow], size: int) -> Iterable[list[OrganRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


@transaction.atomic
def load_organs(rows: list[OrganRow], *, chunk_size: int = CHUNK_SIZE) -> ImportReport:
    """Add new codes, update changed ones, leave the rest untouched; then resolve the parents."""
    report = ImportReport()
    for chunk in _chunks(rows, chunk_size):
        existing = {
            values[0]: values[1:]
            for values in Organ.objects.filter(code__in=[row.code for row in chunk]).values_list("code", *_COMPARED)
        }
        to_write = []
        for row in chunk:
            before = existing.get(row.code)
            if before == row.values():
                report.unchanged += 1
                continue
            if before is None:
                report.added += 1
            else:
                report.updated += 1
            to_write.append(
                Organ(
                    code=row.code,
                    new_code=row.new_code,
                    name=row.name,
                    name_key=expand(row.name)[:_NAME_MAX],
                    parent_code=row.parent_code,
                    level=row.level,
                )
            )
        if to_write:
            Organ.objects.bulk_create(
                to_write,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["new_code", "name", "name_key", "parent_code", "level"],
            )
    report.parents_changed = _resolve_parents()
    report.without_parent = Organ.objects.exclude(parent_code="").filter(parent__isnull=True).count()
    return report


def _resolve_parents() -> int:
    """`parent` follows `parent_code`. Only rows whose parent is wrong are written (none on a second load): the
    number of rows whose link was cleared or set."""
    cleared = Organ.objects.filter(parent__isnull=False).exclude(parent__code=F("parent_code")).update(parent=None)
    by_code = Organ.objects.filter(code=OuterRef("parent_code"))
    linked = Organ.objects.filter(Exists(by_code), parent__isnull=True).update(
        parent_id=Subquery(by_code.values("pk")[:1])
    )
    return cleared + linked


def import_organs(data: bytes, *, file_name: str = "", chunk_size: int = CHUNK_SIZE) -> ImportReport:
    """Read and load a directory file: bad rows are skipped and reported with their lines."""
    rows, rejected = read_rows(data, file_name=file_name)
    report = load_organs(rows, chunk_size=chunk_size)
    report.rejected = rejected
    return report
