"""Benchmark: issuing one plan to 1,000 recipient organizations against issuing it to 10, in the same run.

Run: .venv/bin/python bench/bench_distribution.py [--small 10 --large 1000 --rounds 3]

For each size, a Phòng with that many schools under it issues a registered plan (`documents.services.
document_issue`: the deliveries, their first history step and whatever else issuing does), in two shapes: one
group line ("Các trường trực thuộc", expanded at issue) and one line per school. Prints the median time and the
SQL statement count of the issue step, and the large size's figures as ratios of the small one's: the statement
count must not grow with the list. A draft holds at most `documents.limits.RECIPIENTS_MAX` lines (500), so the
one-line-each shape stops there; a longer list is what groups are for.

Sets Django up itself, with a temporary key store, on a test database made and dropped by Django's test runner:
in-memory SQLite by default, or PostgreSQL with DATABASE_URL=postgres://…/vanban_bench (the runner works in
test_vanban_bench). On SQLite the statement count grows a little with the list: Django splits a bulk insert
into batches of at most 999 parameters there. On PostgreSQL one insert carries the whole list.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.own_files import use_own_files  # noqa: E402 - after the path


def _set_up_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    use_own_files("distribution")
    django.setup()


def _phong_with_schools(count: int, label: str):
    from organizations.models import GroupRule, Organization, OrganizationKind, RecipientGroup
    from tests.factories import make_office

    office = make_office(name=f"Phòng Giáo dục và Đào tạo {label}", abbreviation="PGDĐT")
    schools = Organization.objects.bulk_create(
        [
            Organization(
                parent=office.organization,
                kind=OrganizationKind.SCHOOL,
                name=f"Trường Tiểu học số {n} ({label})",
                abbreviation=f"TH{n}",
                place_name="Cần Giuộc",
            )
            for n in range(1, count + 1)
        ]
    )
    group = RecipientGroup.objects.create(
        organization=office.organization,
        name="Các trường trực thuộc",
        rule=GroupRule.SUBORDINATES,
        member_kind=OrganizationKind.SCHOOL,
    )
    return office, schools, group


def _registered_plan(office, lines):
    from tests.factories import advance, make_draft

    return advance(make_draft(office, recipients=lines), office, to="registered")


def _measure(document, office) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documents import services

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        services.document_issue(document=document, actor=office.clerk)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    _set_up_django()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.conf import settings
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    call_command("check", verbosity=0)
    from documents.limits import RECIPIENTS_MAX
    from documents.models import Delivery

    results: dict[tuple[str, int], tuple[float, int]] = {}
    try:
        for size in (args.small, args.large):
            office, schools, group = _phong_with_schools(size, f"{size}")
            shapes = {
                "group line": [{"display_name": group.name, "purpose": "execute", "group": group}],
                "one line each": [
                    {"display_name": school.name, "purpose": "execute", "organization": school} for school in schools
                ],
            }
            for shape, lines in shapes.items():
                lines = lines[:RECIPIENTS_MAX]
                timings, counts = [], []
                for _ in range(args.rounds):
                    document = _registered_plan(office, lines)
                    elapsed, statements = _measure(document, office)
                    assert Delivery.objects.filter(document=document).count() == (
                        size if shape == "group line" else len(lines)
                    )
                    timings.append(elapsed)
                    counts.append(statements)
                results[(shape, size)] = (
                    statistics.median(timings),
                    max(counts),
                    Delivery.objects.filter(document=document).count(),
                )
    finally:
        runner.teardown_databases(old_config)

    print(f"Issuing one plan: {args.small} vs {args.large} recipient organizations, median of {args.rounds}")
    print(f"{'shape':<14} {'deliveries':>10} {'time (ms)':>10} {'statements':>11}")
    for (shape, _size), (elapsed, statements, deliveries) in results.items():
        print(f"{shape:<14} {deliveries:>10} {elapsed * 1000:>10.1f} {statements:>11}")
    for shape in ("group line", "one line each"):
        small, large = results[(shape, args.small)], results[(shape, args.large)]
        print(
            f"{shape}: ×{large[0] / small[0]:.1f} time, ×{large[1] / small[1]:.2f} statements "
            f"for ×{large[2] / small[2]:.0f} deliveries"
        )


if __name__ == "__main__":
    main()
