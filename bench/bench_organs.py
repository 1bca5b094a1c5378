"""Benchmark: loading the national directory of organ codes (`manage.py import_organs`), first and second run.

Run: .venv/bin/python bench/bench_organs.py [--rows 100000] [--profile]

Generates a directory shaped like the national one (provinces, departments, offices, schools; tests/organizations/
organs.py), then loads it twice through `organizations.directory.import_organs`: the first run inserts every row
and links the parents, the second must change nothing. Prints time and rows per second of each run, the parts of
the first (reading and checking the file, writing the rows, linking parents), and the second run's time as a ratio
of the first.

Sets Django up itself on a test database made and dropped by Django's test runner: in-memory SQLite by default, or
PostgreSQL with DATABASE_URL=postgres://…/vanban_bench (the runner works in test_vanban_bench).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _set_up_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="print the 15 costliest functions of the first run")
    args = parser.parse_args()
    _set_up_django()

    from django.db import connection
    from django.test.utils import get_runner

    from organizations.directory import load_organs, read_rows
    from organizations.models import Organ
    from tests.organizations.organs import generated_csv

    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        data = generated_csv(args.rows)
        print(f"{connection.vendor}: {args.rows:,} rows, {len(data) / 1e6:.1f} MB of CSV")
        runs = []
        for label in ("first", "second"):
            profiler = cProfile.Profile() if args.profile and label == "first" else None
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            rows, rejected = read_rows(data, file_name="danh-muc.csv")
            read_done = time.perf_counter()
            report = load_organs(rows)
            finished = time.perf_counter()
            if profiler:
                profiler.disable()
            total = finished - started
            runs.append(total)
            print(
                f"  {label:6} run: {total:6.2f} s  {args.rows / total:9,.0f} rows/s  "
                f"(read {read_done - started:.2f} s, write and link {finished - read_done:.2f} s)  "
                f"{report.summary}; parents linked {report.parents_changed}; refused {len(rejected)}"
            )
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)
        assert Organ.objects.count() == args.rows
        print(f"  second / first: {runs[1] / runs[0]:.2f}")
    finally:
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
