"""Inbox latency at 1k and at 100k documents, and approvals per second with 8 concurrent clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban_bench .venv/bin/python bench/bench_inbox.py \
        [--docs 100000 --tasks 1000000 --orgs 50 --requests 50 --clients 8 --approvals 400 --keep]

Creates (and at the end drops) its own database, named by DATABASE_URL (vanban_bench). Rows are written
with COPY, not through the services: documents in the shapes the real flow leaves them (most archived,
some on their way), their viewflow Process/Task rows (start → draft → review → … → end, ~10 per document)
and the tasks' "previous" links. The inbox is timed through DRF's APIClient (the full view, serializer and
selector), ~`--requests` requests per inbox tab. The approvals run through the API and the real flow
(workflow.actions.perform) on documents put in review by the real services.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.own_database import drop_database, recreate_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# status → share of the documents (~10.4 tasks a document with today's flow: ~1M tasks for 100k documents)
SHAPES = {
    "archived": 0.85,
    "issued": 0.05,
    "signed": 0.03,
    "awaiting_signature": 0.03,
    "in_review": 0.03,
    "draft": 0.01,
}
STAFF_PER_ORG = 4


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=1_000_000, help="informational: ~10.4 tasks per document")
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--small", type=int, default=1_000, help="the first measurement's document count")
    parser.add_argument("--probe-orgs", type=int, default=10, help="organizations that get no documents after --small")
    parser.add_argument("--requests", type=int, default=50, help="requests per inbox tab and size")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--approvals", type=int, default=400)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


class Directory:
    """Organizations with a unit and their people: head, deputy, clerk, auditor and a few staff."""

    def __init__(self, orgs: int) -> None:
        from organizations.models import Membership, Organization, Role, Unit, User

        organizations = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"Phòng Giáo dục và Đào tạo số {i}",
                    abbreviation=f"PGD{i}",
                    place_name="Cần Giuộc",
                    parent_line_name="UBND HUYỆN CẦN GIUỘC",
                )
                for i in range(orgs)
            ]
        )
        units = Unit.objects.bulk_create(
            [Unit(organization=org, name="Tổ Tổng hợp", abbreviation="TH") for org in organizations]
        )
        roles = [("head", Role.HEAD), ("deputy", Role.DEPUTY), ("clerk", Role.CLERK), ("auditor", Role.AUDITOR)]
        roles += [(f"staff{k}", Role.STAFF) for k in range(STAFF_PER_ORG)]
        users = User.objects.bulk_create(
            [
                User(username=f"o{i}.{key}", full_name=f"Người {key} {i}", password="!")
                for i in range(orgs)
                for key, _ in roles
            ]
        )
        self.people: list[dict[str, object]] = []
        self.numbers: dict[int, int] = {}
        self.template: list[tuple] = []  # last number given per organization (one year, one register)
        memberships = []
        for i, (org, unit) in enumerate(zip(organizations, units, strict=True)):
            mine = dict(zip([key for key, _ in roles], users[i * len(roles) : (i + 1) * len(roles)], strict=True))
            memberships += [
                Membership(user=mine[key], organization=org, unit=unit, role=role, post_title=key.upper())
                for key, role in roles
            ]
            self.people.append({"org": org, "unit": unit, **mine})
        Membership.objects.bulk_create(memberships)
        delegate_to_deputies(self.people)


def delegate_to_deputies(people: list[dict]) -> None:
    """Each organization's deputy signs KT. for its head, as in the demo offices."""
    from organizations.models import Delegation, SignatureForm

    Delegation.objects.bulk_create(
        [
            Delegation(
                organization=p["org"],
                delegate=p["deputy"],
                principal=p["head"],
                form=SignatureForm.KT,
                valid_from=dt.date(2000, 1, 1),
            )
            for p in people
        ]
    )


def flow_template(directory: Directory) -> list[tuple[str, str, str | None, str]]:
    """Run one document through the real flow to the archive; its task rows are the pattern for the COPY.

    Returns (flow_task reference, task type, role of the owner or None, step name) per task, in order.
    """
    from documents import services
    from documents.models import DocumentType
    from workflow import actions
    from workflow.models import DocumentTask

    people = directory.people[0]
    dossier = services.dossier_open(
        actor=people["clerk"], organization=people["org"], code="01.TH", title="Mẫu", year=2026, retention_years=10
    )
    document = actions.create_document(
        actor=people["staff0"],
        organization=people["org"],
        doc_type=DocumentType.objects.get(code="ke_hoach"),
        subject="Mẫu",
        body="Nội dung.",
        signer=people["head"],
        recipients=[{"display_name": "Các trường trực thuộc", "purpose": "execute"}],
    )
    for actor, action, params in [
        ("staff0", "submit", {"reviewer": people["deputy"]}),
        ("deputy", "approve", {}),
        ("head", "sign", {}),
        ("clerk", "register", {}),
        ("clerk", "issue", {}),
        ("clerk", "archive", {"dossier": dossier}),
    ]:
        document = actions.perform(document=document, actor=people[actor], action=action, **params)
    roles = {people[key].pk: role for key, role in [("staff0", "drafter"), ("deputy", "reviewer"), ("head", "signer")]}
    roles[people["clerk"].pk] = "clerk"
    ref = DocumentTask._meta.get_field("flow_task")
    return [
        (ref.get_prep_value(task.flow_task), task.flow_task_type, roles.get(task.owner_id), task.flow_task.name)
        for task in DocumentTask.objects.filter(process__documentprocess__document=document).order_by("pk")
    ]


def shape(template: list[tuple], status: str) -> tuple[list[tuple], int | None, bool]:
    """The template's prefix a document in `status` has: (tasks, index of the open one, open one in a queue?)."""
    from workflow.assignment import QUEUE_ROLES
    from workflow.flows import STEP_STATUS

    if status == "archived":
        return template, None, False
    index = next(i for i, row in enumerate(template) if STEP_STATUS.get(row[3]) == status)
    return template[: index + 1], index, template[index][3] in QUEUE_ROLES


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - table names are constants
    return cursor.fetchone()[0]


def fill(directory: Directory, count: int, rng: random.Random, *, among: list[dict] | None = None) -> int:
    """COPY `count` documents with their processes, tasks and task links; returns the number of tasks."""
    from django.db import connection, transaction

    from documents.models import DocumentType
    from workflow.flows import DocumentFlow
    from workflow.models import DocumentProcess

    flow_class = DocumentProcess._meta.get_field("flow_class").get_prep_value(DocumentFlow)
    doc_types = list(DocumentType.objects.values_list("id", flat=True))
    shapes = list(SHAPES)
    weights = [SHAPES[s] for s in shapes]
    patterns = {status: shape(directory.template, status) for status in shapes}
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    tasks_written = 0
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection.cursor()
        doc_id, process_id, task_id = (
            _next_id(raw, t) for t in ("documents_document", "viewflow_process", "viewflow_task")
        )
        numbers = directory.numbers
        docs, processes, links, tasks, previous = [], [], [], [], []
        for _ in range(count):
            people = rng.choice(among or directory.people)
            org = people["org"]
            status = rng.choices(shapes, weights)[0]
            steps, open_index, queued = patterns[status]
            created = now - dt.timedelta(minutes=rng.randint(60, 60 * 24 * 700))
            drafter = people[f"staff{rng.randrange(STAFF_PER_ORG)}"]
            owners = {
                "drafter": drafter,
                "reviewer": people["deputy"],
                "signer": people["head"],
                "clerk": people["clerk"],
            }
            numbered = status in ("archived", "issued")
            number = None
            if numbered:
                numbers[org.pk] = numbers.get(org.pk, 1000) + 1  # past what the template run took
                number = numbers[org.pk]
            deadline = None if rng.random() < 0.3 else today + dt.timedelta(days=rng.randint(-180, 180))
            docs.append(
                (
                    doc_id, org.pk, people["unit"].pk, drafter.pk, rng.choice(doc_types),
                    f"Kế hoạch công tác số {doc_id}", "[]", "Nội dung kế hoạch.", "Cần Giuộc", "regular",
                    number, created.year if numbered else None, f"{number}/KH-{org.abbreviation}" if numbered else "",
                    created.date() if numbered else None, people["head"].pk,
                    people["deputy"].pk if status != "draft" else None, "direct", "[]", "normal",
                    rng.choice(["normal", "normal", "normal", "khan", "thuong_khan", "hoa_toc"]), deadline,
                    "VT, TH.", status, "", created, created, "", "", "internal", "", "", "", "",
                )
            )  # fmt: skip
            finished = status == "archived"
            processes.append(
                (process_id, flow_class, "DONE" if finished else "NEW", created, created if finished else None, "{}")
            )
            links.append((process_id, doc_id))
            previous_task = None
            for index, (ref, kind, role, _) in enumerate(steps):
                is_open = index == open_index
                at = created + dt.timedelta(hours=index)
                owner = owners[role].pk if role and not (is_open and queued) else None
                tasks.append(
                    (
                        task_id, ref, kind, "ASSIGNED" if is_open and owner else "NEW" if is_open else "DONE",
                        at, None if is_open else at, None if is_open else at, "start", owner, process_id, "{}",
                    )
                )  # fmt: skip
                if previous_task is not None:
                    previous.append((task_id, previous_task))
                previous_task = task_id
                task_id += 1
            tasks_written += len(steps)
            doc_id += 1
            process_id += 1
        document_columns = (
            "id, organization_id, drafting_unit_id, drafter_id, doc_type_id, subject, legal_bases, body, place_name, "
            "register, number, number_year, code, issue_date, signer_id, reviewer_id, signature_form, "
            "signer_title_lines, confidentiality, urgency, deadline, filing_line, status, returned_comment, "
            "created_at, updated_at, type_title, replacement_kind, origin, external_id, signer_name, source_code, "
            "source_date_line"
        )
        _copy(raw, f"documents_document ({document_columns})", docs)
        _copy(raw, "viewflow_process (id, flow_class, status, created, finished, data)", processes)
        _copy(raw, "workflow_documentprocess (process_ptr_id, document_id)", links)
        task_columns = (
            "id, flow_task, flow_task_type, status, created, started, finished, token, owner_id, process_id, data"
        )
        _copy(raw, f"viewflow_task ({task_columns})", tasks)
        _copy(raw, "viewflow_task_previous (from_task_id, to_task_id)", previous)
        for table in ("documents_document", "viewflow_process", "viewflow_task"):
            raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608
    with connection.cursor() as cursor:
        # VACUUM too: COPY leaves no visibility map, so no index-only scan until autovacuum passes, which a
        # database in service has long done for its old rows (and the indexes the inbox reads are built for it).
        cursor.execute("VACUUM ANALYZE")
    return tasks_written


def _copy(raw, target: str, rows: list[tuple]) -> None:
    with raw.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def time_inbox(people_list: list[dict], requests: int, rng: random.Random) -> dict[str, tuple[float, float]]:
    """Median and p95 (ms) of GET /api/inbox/?kind=… per tab, each request as a different person."""
    from django.urls import reverse
    from rest_framework.test import APIClient

    who = {
        "assigned": ("deputy", "head"),
        "queue": ("clerk",),
        "submitted": ("staff0", "staff1"),
        "done": ("clerk", "deputy"),
    }
    url = reverse("api-inbox")
    results = {}
    for kind, roles in who.items():
        timings = []
        for index in range(requests + 5):
            people = people_list[index % len(people_list)]
            client = APIClient()
            client.force_authenticate(people[rng.choice(roles)])
            start = time.perf_counter()
            response = client.get(url, {"kind": kind})
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, response.content[:300]
            if index >= 5:  # warm-up
                timings.append(elapsed)
        timings.sort()
        results[kind] = (statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)])
    return results


def approvals_per_second(directory: Directory, clients: int, total: int) -> tuple[int, float]:
    """Put `total` documents in review through the real flow, then approve them from `clients` threads."""
    from django.db import connection
    from django.urls import reverse
    from rest_framework.test import APIClient

    from documents.models import DocumentType
    from workflow import actions

    plan = DocumentType.objects.get(code="ke_hoach")
    queues: list[list[tuple[object, int]]] = [[] for _ in range(clients)]
    for index in range(total):
        people = directory.people[index % len(directory.people)]
        document = actions.create_document(
            actor=people["staff0"],
            organization=people["org"],
            doc_type=plan,
            subject=f"Kế hoạch chờ duyệt {index}",
            body="Nội dung.",
            signer=people["head"],
            recipients=[{"display_name": "Các trường trực thuộc", "purpose": "execute"}],
        )
        actions.perform(document=document, actor=people["staff0"], action="submit", reviewer=people["deputy"])
        queues[index % clients].append((people["deputy"], document.pk))
    outcomes: list[int] = []
    lock = threading.Lock()

    def work(queue: list[tuple[object, int]]) -> None:
        try:
            for deputy, pk in queue:
                client = APIClient()
                client.force_authenticate(deputy)
                code = client.post(reverse("documents-api:approve", args=[pk]), {"comment": "Đồng ý."}, format="json")
                with lock:
                    outcomes.append(code.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(queue,)) for queue in queues]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    ok = sum(1 for code in outcomes if code == 200)
    return ok, ok / elapsed


def report(title: str, timings: dict[str, tuple[float, float]]) -> None:
    print(f"\n{title}")
    for kind, (median, p95) in timings.items():
        print(f"  inbox kind={kind:<10} median {median:7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    args = parse()
    admin = recreate_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(20261123)
        directory = Directory(args.orgs)
        directory.template = flow_template(directory)
        small = min(args.small, args.docs)
        # Probe organizations get documents only in the first fill: their people's inboxes stay the same while
        # the tables grow 100x around them (does a page cost depend on other people's rows?). The others get
        # the rest: their inboxes grow with the data (what a busy office feels).
        probes = directory.people[: args.probe_orgs]
        growing = directory.people[args.probe_orgs :]
        tasks = fill(directory, small, rng)
        print(f"{small} documents, {tasks} tasks, {args.orgs} organizations ({time.perf_counter() - started:.0f} s)")
        timings = {("same", small): time_inbox(probes, args.requests, rng)}
        timings["growing", small] = time_inbox(growing, args.requests, rng)
        report(f"inbox at {small} documents, probe organizations", timings["same", small])
        report(f"inbox at {small} documents, other organizations", timings["growing", small])
        t0 = time.perf_counter()
        tasks += fill(directory, args.docs - small, rng, among=growing)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM viewflow_task")
            total_tasks = cursor.fetchone()[0]
        print(f"\n{args.docs} documents, {total_tasks} tasks (filled in {time.perf_counter() - t0:.0f} s)")
        timings["same", args.docs] = time_inbox(probes, args.requests, rng)
        timings["growing", args.docs] = time_inbox(growing, args.requests, rng)
        report(f"inbox at {args.docs} documents, probe organizations (same inbox content)", timings["same", args.docs])
        report(f"inbox at {args.docs} documents, other organizations (inboxes fuller)", timings["growing", args.docs])
        for label, title in (("same", "same inbox content"), ("growing", "inboxes growing with the data")):
            print(f"\nratio {args.docs} / {small} documents, {title} (goal < 1.5)")
            for kind, (median, p95) in timings[label, small].items():
                large_median, large_p95 = timings[label, args.docs][kind]
                print(f"  kind={kind:<10} median x{large_median / median:.2f}   p95 x{large_p95 / p95:.2f}")
        ok, rate = approvals_per_second(directory, args.clients, args.approvals)
        print(f"\napprovals: {ok}/{args.approvals} succeeded, {rate:.1f} approvals/s with {args.clients} clients")
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    finally:
        if not args.keep:
            drop_database(admin)


if __name__ == "__main__":
    main()
