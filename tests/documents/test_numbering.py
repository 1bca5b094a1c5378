"""Numbering: gapless, unique, per organization, register and year in Vietnam's time zone."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection, transaction

from documents import services
from documents.dates import VIETNAM
from documents.models import Document, NumberCounter, Register, Status, Version
from documents.numbering import format_code
from tests.factories import Office, advance, document_type, make_draft, make_office


def signed_documents(office: Office, count: int, **fields: object) -> list[Document]:
    """`count` documents waiting for a number. One goes through the services; the rest are copies of
    its rows made directly, because this file is about registration, not about drafting 800 plans."""
    template = advance(make_draft(office, **fields), office, to="signed")
    copies = []
    for _ in range(count - 1):
        copy = Document(
            organization=template.organization,
            drafting_unit=template.drafting_unit,
            drafter=template.drafter,
            doc_type=template.doc_type,
            subject=template.subject,
            body=template.body,
            signer=template.signer,
            register=template.register,
            confidentiality=template.confidentiality,
            status=Status.SIGNED,
            place_name=template.place_name,
            filing_line=template.filing_line,
        )
        copies.append(copy)
    Document.objects.bulk_create(copies)
    versions = Version.objects.bulk_create(
        [Version(document=d, number=1, content={}, content_hash="0" * 64, created_by=template.drafter) for d in copies]
    )
    for document, version in zip(copies, versions, strict=True):
        document.current_version = version
        document.signed_version = version
    Document.objects.bulk_update(copies, ["current_version", "signed_version"])
    return [template, *copies]


def at_vietnam_time(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr("documents.services.registration.vn_now", lambda: moment.astimezone(VIETNAM))


@pytest.mark.django_db
def test_numbers_run_from_01_with_the_code_of_the_decree(office: Office) -> None:
    first, second = signed_documents(office, 2)
    first = services.document_register(document=first, actor=office.clerk)
    second = services.document_register(document=second, actor=office.clerk)
    abbreviation = office.organization.abbreviation
    assert (first.number, first.code) == (1, f"01/KH-{abbreviation}")
    assert (second.number, second.code) == (2, f"02/KH-{abbreviation}")


@pytest.mark.django_db
def test_cong_van_code_carries_the_drafting_unit(office: Office) -> None:
    (document,) = signed_documents(office, 1, doc_type=document_type("cong_van"))
    document = services.document_register(document=document, actor=office.clerk)
    assert document.code == f"01/{office.organization.abbreviation}-{office.unit.abbreviation}"


@pytest.mark.django_db
def test_numbers_of_ten_and_more_have_no_leading_zero(office: Office) -> None:
    document = make_draft(office)
    assert format_code(document, 123) == f"123/KH-{office.organization.abbreviation}"
    assert format_code(document, 9) == f"09/KH-{office.organization.abbreviation}"
    assert format_code(document, None) == f"/KH-{office.organization.abbreviation}"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_registration_gives_its_number_back(office: Office) -> None:
    first, second = signed_documents(office, 2)

    class Abort(Exception):
        pass

    def register_then_fail() -> None:
        with transaction.atomic():
            services.document_register(document=first, actor=office.clerk)
            raise Abort

    with pytest.raises(Abort):
        register_then_fail()

    assert Document.objects.get(pk=first.pk).number is None
    second = services.document_register(document=second, actor=office.clerk)
    first = services.document_register(document=first, actor=office.clerk)
    assert (second.number, first.number) == (1, 2)


@pytest.mark.django_db
def test_the_new_year_restarts_at_01_in_vietnam_time(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    last_of_year, first_of_next = signed_documents(office, 2)
    # 16:59 UTC on 31 December is 23:59 in Hà Nội; 17:01 UTC is already 1 January there.
    at_vietnam_time(monkeypatch, dt.datetime(2026, 12, 31, 16, 59, tzinfo=dt.UTC))
    last_of_year = services.document_register(document=last_of_year, actor=office.clerk)
    at_vietnam_time(monkeypatch, dt.datetime(2026, 12, 31, 17, 1, tzinfo=dt.UTC))
    first_of_next = services.document_register(document=first_of_next, actor=office.clerk)

    assert (last_of_year.number_year, last_of_year.issue_date) == (2026, dt.date(2026, 12, 31))
    assert (first_of_next.number_year, first_of_next.number, first_of_next.issue_date) == (2027, 1, dt.date(2027, 1, 1))


@pytest.mark.django_db
def test_secret_documents_count_in_their_own_register(office: Office) -> None:
    regular = signed_documents(office, 2)
    (secret,) = signed_documents(office, 1, confidentiality="mat")
    for document in regular:
        services.document_register(document=document, actor=office.clerk)
    secret = services.document_register(document=secret, actor=office.clerk)
    assert (secret.register, secret.number) == (Register.SECRET, 1)
    assert NumberCounter.objects.get(organization=office.organization, register=Register.REGULAR).last_number == 2


@pytest.mark.django_db
def test_each_organization_has_its_own_sequence(office: Office) -> None:
    other = make_office()
    (ours,) = signed_documents(office, 1)
    (theirs,) = signed_documents(other, 1)
    assert services.document_register(document=ours, actor=office.clerk).number == 1
    assert services.document_register(document=theirs, actor=other.clerk).number == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_clerks_registering_800_documents_at_once_leave_no_gap_and_no_duplicate() -> None:
    # given 800 signed documents of one organization and 16 threads, each with its own connection
    assert connection.vendor == "postgresql"
    office = make_office()
    documents = signed_documents(office, 800)
    batches = [documents[i::16] for i in range(16)]
    start = threading.Barrier(16)
    failures: list[BaseException] = []

    def clerk_at_work(batch: list[Document]) -> None:
        try:
            start.wait()
            for document in batch:
                services.document_register(document=document, actor=office.clerk)
        except BaseException as exc:  # reported below; a thread must not die silently
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    # when they all register at the same time
    threads = [threading.Thread(target=clerk_at_work, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then the register holds 1…800 exactly once each
    assert failures == []
    numbers = list(Document.objects.filter(organization=office.organization).values_list("number", flat=True))
    assert sorted(numbers) == list(range(1, 801))
    assert max(Counter(numbers).values()) == 1
    assert NumberCounter.objects.get(organization=office.organization).last_number == 800
