"""Gapless numbering per organization, register and calendar year (see docs/numbering.md).

The counter row is locked FOR UPDATE by the registering transaction; a rollback gives the number
back. A unique constraint on Document backs it up.
"""

from __future__ import annotations

from django.db import transaction

from documents.locks import set_lock_timeout
from documents.models import Document, NumberCounter


def allocate_number(*, organization_id: int, register: str, year: int) -> int:
    """Expects an open transaction; keeps the counter locked until it commits. Call it last."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside the registering transaction.")
    set_lock_timeout()
    # Lock the row; only the year's first registration makes it (without racing on its creation), then locks it.
    counters = NumberCounter.objects.select_for_update().filter(
        organization_id=organization_id, register=register, year=year
    )
    counter = counters.first()
    if counter is None:
        NumberCounter.objects.bulk_create(
            [NumberCounter(organization_id=organization_id, register=register, year=year)], ignore_conflicts=True
        )
        counter = counters.get()
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def format_number(number: int) -> str:
    """Numbers below 10 are written with a leading zero."""
    return f"{number:02d}"


def format_code(document: Document, number: int | None) -> str:
    """ "123/KH-PGDĐT" for a typed document, "123/PGDĐT-TH" for a công văn; blank number before registration."""
    shown = format_number(number) if number is not None else ""
    org = document.organization.abbreviation
    if document.doc_type.abbreviation:
        return f"{shown}/{document.doc_type.abbreviation}-{org}"
    unit = document.drafting_unit.abbreviation if document.drafting_unit else ""
    return f"{shown}/{org}-{unit}" if unit else f"{shown}/{org}"
