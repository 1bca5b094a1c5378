"""Benchmark: one page of an organization's audit log at 1,000 events against 300,000, in the same run.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban_bench .venv/bin/python bench/bench_audit_log.py
     [--small 1000 --large 300000 --rounds 5]

`auditors.selectors.audit_log` pages by keyset on (organization, sequence) descending. For each size it times the
first page, a page deep in the log (just above the oldest 100 events) and the first page filtered by action, and,
for comparison, the same deep page fetched with OFFSET (what a Paginator does, plus its COUNT(*)). Prints the median
times and the large size's as a ratio of the small one's: the keyset pages should stay near 1, OFFSET should grow.

Events are bulk-inserted with placeholder hashes (the chain is not what is measured) into a second organization,
so the office's own chain stays valid. Uses a test database made and dropped by Django's test runner.
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
    use_own_files("audit-log")
    django.setup()


def _fill(organization, count: int, actor) -> None:
    from django.utils import timezone

    from audit.models import AuditEvent

    now = timezone.now()
    actions = ("document.submit", "document.approve", "document.sign", "document.issue")
    batch = 10_000
    for start in range(0, count, batch):
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    organization=organization,
                    sequence=n + 1,
                    created_at=now,
                    actor=actor,
                    actor_name=str(actor),
                    action=actions[n % 4],
                    object_type="documents.document",
                    object_id=str(n // 6 + 1),
                    details={},
                    previous_hash="0" * 64,
                    hash="f" * 64,
                    hash_version=2,
                )
                for n in range(start, min(start + batch, count))
            ]
        )


def _median(fn, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    _set_up_django()
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    from audit.models import AuditEvent
    from auditors.selectors import PAGE_SIZE, audit_log
    from tests.factories import OrganizationFactory, make_office

    results: dict[int, dict[str, float]] = {}
    try:
        office = make_office()
        for size in (args.small, args.large):
            organization = OrganizationFactory()
            _fill(organization, size, office.auditor)
            from django.db import connection

            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE audit_auditevent")  # as autovacuum would, after a bulk load
            org = organization.pk

            def offset_page(org: int = org, size: int = size) -> None:
                events = AuditEvent.objects.filter(organization_id=org).order_by("-sequence")
                events.count()
                list(events[size - 100 - PAGE_SIZE : size - 100])

            results[size] = {
                "first page": _median(lambda org=org: audit_log(organization_id=org, filters={}), args.rounds),
                "deep page (keyset)": _median(
                    lambda org=org: audit_log(organization_id=org, filters={}, before=100 + PAGE_SIZE), args.rounds
                ),
                "filtered by action": _median(
                    lambda org=org: audit_log(organization_id=org, filters={"action": "document.sign"}), args.rounds
                ),
                "deep page (OFFSET+COUNT)": _median(offset_page, args.rounds),
            }
    finally:
        runner.teardown_databases(old_config)

    from django.db import connection

    print(
        f"Audit log page ({PAGE_SIZE} rows), {args.small:,} vs {args.large:,} events, median of {args.rounds}, "
        f"{connection.vendor}"
    )
    print(f"{'page':<26} {'small (ms)':>11} {'large (ms)':>11} {'ratio':>7}")
    for name in results[args.small]:
        small, large = results[args.small][name], results[args.large][name]
        print(f"{name:<26} {small * 1000:>11.2f} {large * 1000:>11.2f} {large / small:>7.1f}")


if __name__ == "__main__":
    main()
