"""Reporting duties: who owes the issuer a report, for which period, and which document paid it
(docs/distribution.md, "Links between documents").

A plan carries duties (`ReportingDuty`, added while it is a draft). When it is issued each organization it is
delivered to owes one `ReportingObligation` per duty; when a document that answers the plan (`Document.answers`)
is issued by such an organization, its earliest open obligation is fulfilled. A yearly duty opens the next
year's obligation when one is fulfilled, and `open_periods` (command `open_reporting_periods`) opens the current
year's for those who did not report. Both run inside the issuing transaction (`document_issue`), in a constant
number of queries, and are idempotent: an obligation is unique per duty, organization and period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max

from documents.models import (
    Delivery,
    DeliveryKind,
    Document,
    Recurrence,
    ReportingDuty,
    ReportingObligation,
    Status,
)


def same_day_in(value: dt.date, year: int) -> dt.date:
    """The same day and month in another year; 29 February falls on the 28th in a common year."""
    try:
        return value.replace(year=year)
    except ValueError:
        return value.replace(year=year, day=28)


def first_due_date(duty: ReportingDuty, *, on: dt.date) -> dt.date:
    """A one-off duty is due when it says; a yearly one on its first day and month on or after `on`."""
    if duty.recurrence != Recurrence.YEARLY or duty.due_date >= on:
        return duty.due_date
    due = same_day_in(duty.due_date, on.year)
    return due if due >= on else same_day_in(duty.due_date, on.year + 1)


def open_obligations(*, document: Document, on: dt.date) -> int:
    """Each organization the document was delivered to owes each of its duties (two queries, three with
    duties); returns how many obligations were written (a retry writes only what is missing)."""
    duties = list(ReportingDuty.objects.filter(document_id=document.pk))
    if not duties:
        return 0
    organizations = list(
        Delivery.objects.filter(document_id=document.pk, kind=DeliveryKind.ORGANIZATION).values_list(
            "organization_id", flat=True
        )
    )
    rows = []
    for duty in duties:
        due = first_due_date(duty, on=on)
        rows += [
            ReportingObligation(duty=duty, organization_id=org_id, period=due.year, due_date=due)
            for org_id in organizations
        ]
    return len(ReportingObligation.objects.bulk_create(rows, ignore_conflicts=True))


def fulfil_obligation(*, report: Document, now: dt.datetime) -> ReportingObligation | None:
    """The report's organization pays its earliest open obligation toward the document it answers; a yearly
    duty then opens next year's. The row is locked so two reports never pay the same obligation."""
    if report.answers_id is None:
        return None
    obligation = (
        ReportingObligation.objects.select_for_update(of=("self",))
        .select_related("duty")
        .filter(duty__document_id=report.answers_id, organization_id=report.organization_id, fulfilled_by=None)
        .order_by("due_date", "pk")
        .first()
    )
    if obligation is None:
        return None
    obligation.fulfilled_by, obligation.fulfilled_at = report, now
    obligation.save(update_fields=["fulfilled_by", "fulfilled_at"])
    if obligation.duty.recurrence == Recurrence.YEARLY:
        following = same_day_in(obligation.due_date, obligation.due_date.year + 1)
        ReportingObligation.objects.bulk_create(
            [
                ReportingObligation(
                    duty=obligation.duty,
                    organization_id=obligation.organization_id,
                    period=following.year,
                    due_date=following,
                )
            ],
            ignore_conflicts=True,
        )
    return obligation


def on_issue(*, document: Document, now: dt.datetime) -> dict[str, Any]:
    """Called by `document_issue` after the deliveries are written: opens the document's obligations and pays
    the one its answer settles. Returns what the issue's audit event records."""
    details: dict[str, Any] = {}
    opened = open_obligations(document=document, on=now.date())
    if opened:
        details["reporting_obligations"] = opened
    paid = fulfil_obligation(report=document, now=now)
    if paid is not None:
        details["fulfils_obligation"] = paid.pk
    return details


def open_periods(*, today: dt.date) -> list[ReportingObligation]:
    """When the year turns: every organization owing a yearly duty of a document still in force gets the
    obligations up to this year's (those who reported already have next year's). Idempotent; three queries."""
    latest = (
        ReportingObligation.objects.filter(
            duty__recurrence=Recurrence.YEARLY, duty__document__status__in=(Status.ISSUED, Status.ARCHIVED)
        )
        .values("duty_id", "organization_id")
        .annotate(last_period=Max("period"))
        .filter(last_period__lt=today.year)
    )
    rows = list(latest)
    duties = ReportingDuty.objects.in_bulk({row["duty_id"] for row in rows})
    new = []
    for row in rows:
        duty = duties[row["duty_id"]]
        for year in range(row["last_period"] + 1, today.year + 1):
            new.append(
                ReportingObligation(
                    duty=duty,
                    organization_id=row["organization_id"],
                    period=year,
                    due_date=same_day_in(duty.due_date, year),
                )
            )
    return ReportingObligation.objects.bulk_create(new, ignore_conflicts=True)
