"""Incoming numbers under concurrency: sixteen clerks accepting at once leave no gap and no duplicate."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection

from documents import services
from documents.dates import vn_now
from documents.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Document,
    IncomingDocument,
    NumberCounter,
    Recipient,
    Register,
    Status,
)
from tests.factories import add_member, advance, make_draft, make_office


def arrivals(count: int) -> tuple[object, list[Delivery]]:
    """`count` issued documents of one Phòng, each arrived at one school. One goes through the services; the
    rest are copies of its rows made directly, because this file is about the incoming register, not about
    issuing 800 plans."""
    sender = make_office()
    school = make_office(name="Trường Tiểu học Thị trấn", abbreviation="THTT")
    template = advance(make_draft(sender), sender, to="issued")
    copies = Document.objects.bulk_create(
        [
            Document(
                organization=template.organization,
                drafter=template.drafter,
                doc_type=template.doc_type,
                subject=f"{template.subject} ({n})",
                signer=template.signer,
                status=Status.ISSUED,
                number=n + 1,
                number_year=template.number_year,
                code=f"{n + 1}/KH-PGDĐT",
                issue_date=template.issue_date,
            )
            for n in range(1, count)
        ]
    )
    documents = [template, *copies]
    lines = Recipient.objects.bulk_create(
        [
            Recipient(document=d, position=99, organization=school.organization, display_name="Trường TH Thị trấn")
            for d in documents
        ]
    )
    now = vn_now()
    Delivery.objects.bulk_create(
        [
            Delivery(
                document=d,
                recipient=line,
                kind=DeliveryKind.ORGANIZATION,
                target=f"o:{school.organization.pk}",
                organization=school.organization,
                status=DeliveryStatus.ARRIVED,
                sent_at=now,
                status_at=now,
            )
            for d, line in zip(documents, lines, strict=True)
        ]
    )
    deliveries = list(Delivery.objects.filter(organization=school.organization, status=DeliveryStatus.ARRIVED))
    assert len(deliveries) == count
    return school, deliveries


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_clerks_accepting_800_arrivals_at_once_number_them_1_to_800() -> None:
    # given 800 arrivals at one school and sixteen of its clerks, each thread with its own connection
    assert connection.vendor == "postgresql"
    school, deliveries = arrivals(800)
    clerks = [school.clerk] + [
        add_member(school, "clerk", full_name=f"Văn thư {n}", post_title="VĂN THƯ") for n in range(15)
    ]
    batches = [deliveries[i::16] for i in range(16)]
    start = threading.Barrier(16)
    failures: list[BaseException] = []

    def clerk_at_work(clerk: object, batch: list[Delivery]) -> None:
        try:
            start.wait()
            for delivery in batch:
                services.arrival_accept(delivery=delivery, actor=clerk)
        except BaseException as exc:  # reported below; a thread must not die silently
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    # when they all accept at the same time
    threads = [threading.Thread(target=clerk_at_work, args=pair) for pair in zip(clerks, batches, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then the incoming register holds 1…800 exactly once each, and every delivery is accepted (03)
    assert failures == []
    numbers = list(IncomingDocument.objects.filter(organization=school.organization).values_list("number", flat=True))
    assert sorted(numbers) == list(range(1, 801))
    assert max(Counter(numbers).values()) == 1
    counter = NumberCounter.objects.get(organization=school.organization, register=Register.INCOMING)
    assert counter.last_number == 800
    assert not Delivery.objects.filter(organization=school.organization).exclude(status=DeliveryStatus.ACCEPTED)
