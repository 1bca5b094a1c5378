"""Run as a script against a migrated file database: N people create a draft at the same instant.

Prints a JSON line {"created": n, "errors": [...]}. Used by test_sqlite_concurrency.py in a subprocess,
because pytest-django's SQLite test database lives in memory, where no second connection can see it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from tests.factories import document_type, make_draft, make_office  # noqa: E402
from workflow.actions import create_document  # noqa: E402


def main(writers: int) -> None:
    office = make_office()
    doc_type = document_type("ke_hoach")
    make_draft(office)  # warms up the lazy imports and caches before the race
    barrier = threading.Barrier(writers)
    errors: list[str] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            create_document(
                actor=office.drafter,
                organization=office.organization,
                doc_type=doc_type,
                subject=f"Kế hoạch số {n} soạn đồng thời",
                body="Nội dung.",
                signer=office.head,
            )
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"created": writers - len(errors), "errors": errors}))  # noqa: T201


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
