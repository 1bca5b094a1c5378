"""The national directory of organ codes: `manage.py import_organs` (CSV or JSON), a second run that changes
nothing, bad rows named by line, parents resolved after the load, the search API, 100,000 rows in seconds."""

from __future__ import annotations

import json
import sys
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.errors import ValidationFailed
from organizations.directory import import_organs
from organizations.models import Organ
from organizations.selectors import organ_for_name, organ_search
from tests.factories import UserFactory
from tests.organizations.organs import generated_csv

pytestmark = pytest.mark.django_db

# A school listed before its Phòng, a Vietnamese header, a bad code, a duplicate, a row without a name.
SMALL_CSV = """\
Mã định danh,Mã mới,Tên cơ quan,Mã cấp trên,Cấp
000.01.12.H41,H41.12.01,Trường THCS Long Hậu,000.00.12.H41,4
000.00.00.H41,H41,Ủy ban nhân dân tỉnh Long An,,1
000.00.12.H41,H41.12,Phòng Giáo dục và Đào tạo huyện Cần Giuộc,000.00.00.H41,3
00.00.12.H41,,Mã sai,,
000.00.12.H41,,Trùng mã,,
000.02.12.H41,,,000.00.12.H41,4
000.00.13.H41,,Phòng Giáo dục và Đào tạo huyện Cần Đước,000.00.00.H41,3
"""


def _load(tmp_path, text: str, name: str = "danh-muc.csv", *args: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_organs", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def test_a_csv_loads_with_parents_resolved_and_bad_rows_named(tmp_path):
    # given a directory file with Vietnamese column names, a child before its parent and three bad rows
    # when it is imported
    output = _load(tmp_path, SMALL_CSV)

    # then the good rows are in, each child pointing at its parent, both codes kept
    school = Organ.objects.get(code="000.01.12.H41")
    assert (school.new_code, school.name, school.level) == ("H41.12.01", "Trường THCS Long Hậu", 4)
    assert school.parent.code == "000.00.12.H41"
    assert school.parent.parent.name == "Ủy ban nhân dân tỉnh Long An"
    assert Organ.objects.count() == 4
    # and the summary and each refused line are printed
    assert "thêm 4, cập nhật 0, giữ nguyên 0" in output
    assert "dòng 5: mã định danh “00.00.12.H41” không đúng dạng 000.00.12.H41" in output
    assert "dòng 6: trùng mã 000.00.12.H41 với dòng 4" in output
    assert "dòng 7: thiếu tên cơ quan" in output


def test_a_second_run_changes_nothing_and_a_changed_file_updates_in_place(tmp_path):
    # given the directory loaded once
    _load(tmp_path, SMALL_CSV)
    ids = dict(Organ.objects.values_list("code", "pk"))

    # when the same file is loaded again
    with CaptureQueriesContext(connection) as queries:
        again = import_organs(SMALL_CSV.encode(), file_name="danh-muc.csv")
    # then nothing is added, updated or re-linked: no row is inserted, no parent rewritten
    assert again.summary == "thêm 0, cập nhật 0, giữ nguyên 4"
    assert again.parents_changed == 0
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]

    # when a newer list renames one body and moves the school under the other Phòng
    newer = SMALL_CSV.replace("Trường THCS Long Hậu,000.00.12.H41", "Trường THCS Long Hậu,000.00.13.H41").replace(
        "Ủy ban nhân dân tỉnh Long An", "UBND tỉnh Long An"
    )
    output = _load(tmp_path, newer)
    # then the two rows are updated in place (same ids) and the school's parent follows its code
    assert "thêm 0, cập nhật 2, giữ nguyên 2" in output
    assert dict(Organ.objects.values_list("code", "pk")) == ids
    assert Organ.objects.get(code="000.01.12.H41").parent.code == "000.00.13.H41"


def test_json_is_read_as_well(tmp_path):
    # given the same bodies as a JSON list with English keys
    items = [
        {"code": "000.00.00.H41", "name": "Ủy ban nhân dân tỉnh Long An", "level": 1},
        {"code": "000.00.12.H41", "new_code": "H41.12", "name": "Phòng GD&ĐT", "parent_code": "000.00.00.H41"},
        {"code": "000.00.12.H41"},
        "not an object",
    ]
    # when imported
    output = _load(tmp_path, json.dumps(items, ensure_ascii=False), "danh-muc.json")
    # then two bodies are in, and the bad items are named by position
    assert "thêm 2, cập nhật 0, giữ nguyên 0" in output
    assert "dòng 3: thiếu tên cơ quan" in output
    assert "dòng 4: không phải một đối tượng" in output
    assert Organ.objects.get(code="000.00.12.H41").parent.code == "000.00.00.H41"


def test_a_file_that_is_no_directory_is_refused_whole(tmp_path):
    # given files without the required columns, not UTF-8, or with a bad row under --strict
    # when imported, then each is refused with its reason and nothing is loaded
    with pytest.raises(ValidationFailed, match="thiếu cột bắt buộc: code"):
        import_organs(b"ten,cap\nA,1\n", file_name="x.csv")
    with pytest.raises(ValidationFailed, match="UTF-8"):
        import_organs(b"code,name\n000.00.00.H41,T\xe9n\n", file_name="x.csv")
    with pytest.raises(CommandError, match="3 dòng sai: không nạp gì"):
        _load(tmp_path, SMALL_CSV, "danh-muc.csv", "--strict")
    assert not Organ.objects.exists()


def test_search_by_code_or_by_name_with_abbreviations(tmp_path):
    # given the small directory
    _load(tmp_path, SMALL_CSV)
    # when searched by a code prefix, by the newer code, and by an abbreviated name
    # then each finds its bodies
    assert [o.code for o in organ_search(q="000.00.1")] == ["000.00.13.H41", "000.00.12.H41"]
    assert [o.code for o in organ_search(q="H41.12.01")] == ["000.01.12.H41"]
    assert [o.name for o in organ_search(q="PGD&ĐT Cần Giuộc")] == ["Phòng Giáo dục và Đào tạo huyện Cần Giuộc"]
    assert organ_search(q="khong co").count() == 0


def test_a_header_name_finds_its_entry_through_its_parent_line(tmp_path):
    # given the directory, where "Phòng GD&ĐT" exists twice and only the place tells them apart
    _load(tmp_path, SMALL_CSV)
    # when a header "UBND HUYỆN CẦN GIUỘC / PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" is looked up
    found = organ_for_name(name="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", parent_line_name="UBND HUYỆN CẦN GIUỘC")
    # then it is the Cần Giuộc one; without a parent line the name alone is ambiguous
    assert found is not None
    assert found.code == "000.00.12.H41"
    assert organ_for_name(name="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO") is None
    assert organ_for_name(name="Ủy ban nhân dân tỉnh Long An").code == "000.00.00.H41"


def test_the_api_pages_through_the_directory_for_signed_in_users(tmp_path, django_assert_max_num_queries):
    # given the small directory and a signed-in user
    _load(tmp_path, SMALL_CSV)
    client = APIClient()
    client.force_authenticate(UserFactory())
    # when the API is searched, then it answers a page of bodies with both codes, in two queries
    with django_assert_max_num_queries(2):
        body = client.get("/api/organs/", {"q": "Cần Giuộc", "page_size": 1}).json()
    assert body["count"] == 1
    assert body["results"][0] | {"id": 0, "parent": 0} == {
        "id": 0,
        "code": "000.00.12.H41",
        "new_code": "H41.12",
        "name": "Phòng Giáo dục và Đào tạo huyện Cần Giuộc",
        "parent_code": "000.00.00.H41",
        "parent": 0,
        "level": 3,
    }
    # and anonymous callers are refused
    assert APIClient().get("/api/organs/").status_code in (401, 403)


@pytest.mark.postgres  # about 10 s: run once, in the PostgreSQL pass (bench/bench_organs.py measures SQLite too)
def test_100000_generated_rows_load_in_seconds_and_reload_without_change(tmp_path, capsys):
    # given a generated national list of 100,000 bodies (provinces, departments, offices, schools)
    data = generated_csv(100_000)

    # when it is loaded, then loaded again
    started = time.perf_counter()
    first = import_organs(data, file_name="danh-muc.csv")
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = import_organs(data, file_name="danh-muc.csv")
    second_seconds = time.perf_counter() - started

    # then every row is in with its parent, the second run changes nothing, and both take seconds
    assert (first.added, first.rejected, first.without_parent) == (100_000, [], 0)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 100_000)
    assert Organ.objects.filter(parent__isnull=True).count() == Organ.objects.filter(level=1).count()
    with capsys.disabled():
        figures = f"100,000 rows {first_seconds:.1f} s, again {second_seconds:.1f} s"
        sys.stdout.write(f"\n[organs] {connection.vendor}: {figures}\n")
    assert first_seconds < 60
    assert second_seconds < 30
