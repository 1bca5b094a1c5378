"""The full lifecycle through the flow: statements and time per step, throughput with N clients, and baselines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban_bench_lifecycle .venv/bin/python bench/bench_lifecycle.py \
        [--docs 120 --clients 8 --signed-docs 32 --registrations 200 --keep]

Creates (and at the end drops) its own PostgreSQL database, named by DATABASE_URL. Every document goes
create → submit → approve → sign → register → issue → archive through `workflow.actions` as the people of a
small office would (four offices, so clients meet on counters as real clerks do). Prints:

1. per step: the SQL statements and the time of one document (warm), and the totals per document;
2. documents per second with 1 and with N clients, without signatures (one process, threads);
3. with PAdES signatures, N clients, against the bare bound: WeasyPrint renders the document once and pyHanko
   signs it twice (the signer's and the organization's keys), N threads, same machine, same run;
4. registrations per second through the flow against through the service, N clients on one counter, and how
   long the counter row stays locked in each (from its SELECT … FOR UPDATE to the commit), against a bare loop
   that only takes numbers.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.own_database import drop_database, recreate_database
from bench.own_files import use_own_files

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

STEPS = ("create", "submit", "approve", "sign", "register", "issue", "archive")
OFFICES = 4


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=120, help="documents per throughput run without signatures")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--signed-docs", type=int, default=32, help="documents for the run with signatures")
    parser.add_argument("--registrations", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


# --- one document, step by step -------------------------------------------------------------------------------


def lifecycle_steps(office: Any, dossier: Any, index: int) -> Iterable[tuple[str, Callable[[Any], Any]]]:
    """The seven steps of one document as (name, step(document) → document), each through the flow."""
    from documents.models import DocumentType
    from workflow import actions

    plan = DocumentType.objects.get(code="ke_hoach")
    yield (
        "create",
        lambda _: actions.create_document(
            actor=office.drafter,
            organization=office.organization,
            doc_type=plan,
            subject=f"Kế hoạch kiểm tra nội bộ đợt {index}",
            body="I. MỤC ĐÍCH\n\n1. Rà soát hồ sơ chuyên môn của các tổ.\n\nII. THỰC HIỆN\n\n- Tổ Tổng hợp chủ trì.",
            signer=office.head,
            recipients=[{"display_name": "Các trường trực thuộc", "purpose": "execute"}],
        ),
    )
    yield "submit", lambda d: actions.perform(document=d, actor=office.drafter, action="submit", reviewer=office.deputy)
    yield "approve", lambda d: actions.perform(document=d, actor=office.deputy, action="approve", comment="Đồng ý.")
    yield "sign", lambda d: actions.perform(document=d, actor=office.head, action="sign")
    yield "register", lambda d: actions.perform(document=d, actor=office.clerk, action="register")
    yield "issue", lambda d: actions.perform(document=d, actor=office.clerk, action="issue")
    yield "archive", lambda d: actions.perform(document=d, actor=office.clerk, action="archive", dossier=dossier)


def run_lifecycle(office: Any, dossier: Any, index: int) -> Any:
    document = None
    for _, step in lifecycle_steps(office, dossier, index):
        document = step(document)
    return document


class StatementCounter:
    """Counts a step's statements, apart from those the outbox's delivery runs after commit (notifications,
    the live page, e-mail): in production that is a Celery worker's work, not the request's."""

    def __init__(self) -> None:
        self.request = self.outbox = 0
        self.in_outbox = False

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        if self.in_outbox:
            self.outbox += 1
        else:
            self.request += 1
        return execute(sql, params, many, context)

    def delivering(self, deliver: Callable[[int], Any]) -> Callable[[int], Any]:
        def wrapped(document_id: int) -> Any:
            self.in_outbox = True
            try:
                return deliver(document_id)
            finally:
                self.in_outbox = False

        return wrapped


def statements_per_step(office: Any, dossier: Any) -> list[tuple[str, int, int, float]]:
    """One warm document: each step's statements in the request, those of its outbox delivery, and its ms."""
    from django.db import connection

    from documents import outbox

    run_lifecycle(office, dossier, 0)  # warm caches, imports, the first PDF layout
    rows = []
    document = None
    deliver = outbox.dispatch_document
    try:
        for name, step in lifecycle_steps(office, dossier, 1):
            counter = StatementCounter()
            outbox.dispatch_document = counter.delivering(deliver)
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                document = step(document)
                elapsed = time.perf_counter() - started
            rows.append((name, counter.request, counter.outbox, elapsed))
    finally:
        outbox.dispatch_document = deliver
    return rows


# --- throughput ---------------------------------------------------------------------------------------------


def in_threads(clients: int, work: Callable[[int], None], total: int) -> float:
    """`total` jobs spread over `clients` threads; returns jobs per second."""
    from django.db import connection

    errors: list[BaseException] = []

    def worker(client: int) -> None:
        try:
            for job in range(client, total, clients):
                work(job)
        except BaseException as exc:  # reported after the run: a failing job must not look fast
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(client,)) for client in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} job(s) failed, first: {errors[0]!r}") from errors[0]
    return total / elapsed


def lifecycles_per_second(offices: list[Any], dossiers: list[Any], clients: int, total: int, base: int) -> float:
    return in_threads(
        clients, lambda job: run_lifecycle(offices[job % len(offices)], dossiers[job % len(offices)], base + job), total
    )


def bare_signing_bound(clients: int, total: int, office: Any) -> float:
    """Render a document once and sign it twice with pyHanko alone (no flow, no database): documents/s."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from signing.keys import KeyStore
    from signing.rendering import _lay_out_in_child, render_html
    from tests.factories import make_draft

    document = make_draft(office, signer=office.head)
    store = KeyStore()
    keys = [store.for_user(office.head).pyhanko_signer(), store.for_organization(office.organization).pyhanko_signer()]

    html = render_html(document, filled=False, for_pdf=True)

    def once(_: int) -> None:
        # Laid out each time, past the render cache: the bound is one layout and two signatures per document.
        pdf = _lay_out_in_child(html, timeout=60.0)[0]
        for name, key in zip(("A", "B"), keys, strict=True):
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            meta = signers.PdfSignatureMetadata(field_name=name, subfilter=fields.SigSeedSubFilter.PADES)
            pdf = signers.sign_pdf(writer, meta, signer=key).getvalue()

    once(0)
    return in_threads(clients, once, total)


# --- the counter: through the flow, through the service, bare ---------------------------------------------


class CounterHold:
    """How long each transaction keeps the counter row locked: from its SELECT … FOR UPDATE to the commit."""

    def __init__(self) -> None:
        self.holds: list[float] = []
        self.after: list[int] = []  # statements run after the lock, before the commit
        self._local = threading.local()

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        from django.db import connection, transaction

        result = execute(sql, params, many, context)
        if getattr(self._local, "locked_at", None) is not None:
            self._local.statements += 1
        elif "documents_numbercounter" in sql and "FOR UPDATE" in sql:
            self._local.locked_at, self._local.statements = time.perf_counter(), 0
            transaction.on_commit(self._released, using=connection.alias)
        return result

    def _released(self) -> None:
        self.holds.append(time.perf_counter() - self._local.locked_at)
        self.after.append(self._local.statements)
        self._local.locked_at = None

    def summary(self) -> tuple[float, int]:
        return statistics.median(self.holds) * 1000, max(self.after)


def registrations(office: Any, clients: int, total: int, *, through_flow: bool) -> tuple[float, CounterHold]:
    """`total` signed documents of one office registered by its clerk from `clients` threads."""
    from django.db import connection

    from documents import services
    from documents.models import Document
    from tests.factories import advance_routed, make_draft
    from workflow import actions

    pks = []
    for _ in range(total):
        document = make_draft(office, signer=office.head)
        actions.start_process(document=document, actor=office.drafter)
        pks.append(advance_routed(document, office, to="signed").pk)
    hold = CounterHold()

    def register(job: int) -> None:
        document = Document.objects.get(pk=pks[job])
        with connection.execute_wrapper(hold):
            if through_flow:
                actions.perform(document=document, actor=office.clerk, action="register")
            else:
                services.document_register(document=document, actor=office.clerk)

    return in_threads(clients, register, total), hold


def bare_counter(office: Any, clients: int, total: int) -> float:
    """Numbers only: a transaction that takes the next number and commits."""
    from django.db import transaction

    from documents.dates import vn_now
    from documents.numbering import allocate_number

    def take(_: int) -> None:
        with transaction.atomic():
            allocate_number(organization_id=office.organization.pk, register="bare", year=vn_now().year)

    return in_threads(clients, take, total)


# --- the run -------------------------------------------------------------------------------------------------


def main() -> None:
    args = parse()
    admin = recreate_database()
    use_own_files("lifecycle")
    import django

    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OUTBOX_DISPATCH = "inline"  # notifications after commit, in the request: what one process pays
    try:
        call_command("migrate", verbosity=0)
        from tests.factories import DossierFactory, make_office

        offices = [make_office() for _ in range(OFFICES)]
        dossiers = [DossierFactory(organization=office.organization) for office in offices]
        settings.REQUIRE_DIGITAL_SIGNATURE = False  # no keys yet: the runs before the certificates sign nothing
        print(f"Full lifecycle through the flow on PostgreSQL — {args.clients} clients, {OFFICES} offices")
        print()
        print("Per step, one document, warm, no signatures (statements: the request's, then its outbox delivery's)")
        print(f"{'step':<10} {'request':>8} {'outbox':>8} {'ms':>8}")
        rows = statements_per_step(offices[0], dossiers[0])
        for name, request, delivery, seconds in rows:
            print(f"{name:<10} {request:>8} {delivery:>8} {seconds * 1000:>8.1f}")
        totals = [sum(r[i] for r in rows) for i in (1, 2, 3)]
        print(f"{'document':<10} {totals[0]:>8} {totals[1]:>8} {totals[2] * 1000:>8.1f}")
        print()

        one = lifecycles_per_second(offices, dossiers, 1, max(args.docs // 4, 10), base=1000)
        many = lifecycles_per_second(offices, dossiers, args.clients, args.docs, base=2000)
        print(f"{'figure':<60} {'value':>9} {'baseline':>9} {'ratio':>7}")

        def row(label: str, value: float, baseline: float) -> None:
            print(f"{label:<60} {value:>9.2f} {baseline:>9.2f} {value / baseline:>7.2f}")

        row(f"lifecycle, no signatures, docs/s, {args.clients} clients vs 1", many, one)

        clerk_office = offices[1]
        flow, flow_hold = registrations(clerk_office, args.clients, args.registrations, through_flow=True)
        service, service_hold = registrations(clerk_office, args.clients, args.registrations, through_flow=False)
        bare = bare_counter(clerk_office, args.clients, args.registrations * 2)
        row("registrations/s, through the flow vs the service", flow, service)
        row("registrations/s, the service vs a bare counter loop", service, bare)
        (flow_ms, flow_after), (service_ms, service_after) = flow_hold.summary(), service_hold.summary()
        row("counter row held, median ms, flow vs service", flow_ms, service_ms)
        print(f"{'statements after the counter lock, most, flow / service':<60} {flow_after:>9} {service_after:>9}")

        call_command("issue_demo_certificates", stdout=io.StringIO())
        signed = lifecycles_per_second(offices, dossiers, args.clients, args.signed_docs, base=3000)
        bound = bare_signing_bound(args.clients, args.signed_docs, offices[0])
        row(f"lifecycle with PAdES, docs/s, {args.clients} clients vs bare pyHanko", signed, bound)
    finally:
        if args.keep:
            print(f"kept {os.environ['DATABASE_URL']}")
        else:
            drop_database(admin)


if __name__ == "__main__":
    main()
