"""What the outbox costs per event, against the old in-memory dispatch measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban_bench_outbox .venv/bin/python bench/bench_outbox.py \
        [--documents 200 --keep]

Creates (and at the end drops) its own database, named by DATABASE_URL. `--documents` drafts are submitted
through the real services; then the same "document_submitted" events are delivered to the notifications
consumer three ways: called directly, one transaction each (what `publish_on_commit` did before the outbox:
the baseline), through `dispatch_document` per document (the after-commit path), and by one `sweep` (the
crash-recovery path). Prints milliseconds per event and the ratios to the baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.own_database import drop_database, recreate_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def main() -> None:
    args = parse()
    admin = recreate_database()
    try:
        run(args)
    finally:
        if not args.keep:
            drop_database(admin)


def timed(label: str, count: int, work, baseline: float | None = None) -> float:
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    ratio = f"  ×{elapsed / baseline:.2f} the baseline" if baseline else ""
    print(f"{label:<46} {elapsed * 1000 / count:7.2f} ms/event  ({count} events, {elapsed:.2f} s){ratio}")
    return elapsed


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    settings.OUTBOX_DISPATCH = "inline"
    call_command("migrate", verbosity=0)
    from documents import services
    from documents.models import OutboxDelivery, OutboxEvent
    from documents.outbox import as_event, dispatch_document, sweep
    from notifications.models import Notification
    from notifications.services import notify_for_event
    from tests.factories import make_draft, make_office

    office = make_office()
    started = time.perf_counter()
    for _ in range(args.documents):
        services.document_submit(document=make_draft(office), actor=office.drafter, reviewer=office.deputy)
    print(f"setup: {args.documents} drafts created and submitted in {time.perf_counter() - started:.1f} s")
    rows = list(OutboxEvent.objects.filter(name="document_submitted").order_by("id"))
    count = len(rows)

    def reset() -> None:
        """The submitted events pending again, as if their dispatch had never run."""
        Notification.objects.filter(event="document_submitted").delete()
        OutboxDelivery.objects.filter(event__in=rows).delete()
        OutboxEvent.objects.filter(pk__in=[row.pk for row in rows]).update(dispatched_at=None)

    def direct() -> None:
        for row in rows:
            with transaction.atomic():
                notify_for_event(replace(as_event(row), key=None))

    def per_document() -> None:
        for row in rows:
            dispatch_document(row.document_id)

    reset()
    baseline = timed("baseline: consumer called directly", count, direct)
    reset()
    timed("outbox: dispatch_document after commit", count, per_document, baseline)
    reset()
    timed("outbox: one sweep", count, sweep, baseline)
    assert Notification.objects.filter(event="document_submitted").count() == count


if __name__ == "__main__":
    main()
