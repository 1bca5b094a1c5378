"""One generated year of a district (issue 14, part 7): inbox, search, registers and dashboard at 2 % and at 100 %.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban_b_bench .venv/bin/python bench/bench_district.py \\
        [--orgs 100 --docs-per-org 250 --small 0.02 --requests 30 --keep]

Creates (and at the end drops, unless --keep) its own database, named by DATABASE_URL. The district: one Phòng
GD&ĐT (three units, two deputies, six staff), four other offices of the UBND huyện and schools under the Phòng
(head, deputy, clerk, auditor, four staff each). The year is 2026 from 1 January to now, `--docs-per-org` × `--orgs`
outgoing documents in all (the province's 5 M a year over 2,000 organizations is 2,500 per organization); the Phòng
issues 20× a school's share, an office 5×. The whole year is planned first (numbers and incoming numbers follow
the dates, per organization), then written in two fills: a random `--small` share of it (the same year, thinner),
then the rest. Each size is timed through the real views: the inbox tabs (DRF APIClient, bench_inbox.time_inbox),
the search API, the outgoing register (records/), the incoming register (records/ and receiving/) and the
dashboard (search/), each page `--requests` times, p50/p95 and the ratio full/small.

Written with COPY, in the shapes the real flow leaves (the task pattern is one document taken through the real flow
to the archive, bench_inbox.flow_template). Real: documents (status by age: old ones archived, recent ones on their
way), one version each, viewflow processes/tasks/previous links, a step deadline per human step (closed when done;
the open ones due three working days after they opened), "Nơi nhận" lines and deliveries (the Phòng to 5–20 of its
schools, an office to the Phòng and two schools, a school to the Phòng for a third of its documents), their
delivery events and, for every accepted delivery, the receiving organization's incoming register row with its
handling; the search entries (search.indexing.entry_for: the real folding); audit events with real hash chains
(audit.hashing, one chain per organization, heads updated). Filler: the version's content is the template's JSON
and its hash is not the content's; bodies are a few dozen words of bench_search's vocabulary; within each fill
the chain follows time, but the second fill's sequences continue after the first's, so across the two fills
time goes back once per chain. Not written: notifications, outbox rows (emptied by retention), dossiers, filed
copies, PDFs (files leave the database, ADR 0006). Rows and sizes per table are printed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import heapq
import json
import logging
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_inbox import _copy, _next_id, delegate_to_deputies, flow_template, shape, time_inbox
from bench.bench_search import PHRASES, WEIGHTS, create_trigram_indexes, drop_trigram_indexes
from bench.own_database import drop_database, recreate_database
from bench.own_files import use_own_files

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

YEAR = 2026
WEIGHT = {"pgd": 20, "office": 5, "school": 1}  # documents issued, relative to a school
OFFICES = ("Phòng Nội vụ", "Phòng Tài chính - Kế hoạch", "Văn phòng HĐND và UBND", "Phòng Văn hóa và Thông tin")
SCHOOL_KINDS = ("Trường Mầm non", "Trường Tiểu học", "Trường THCS")
# Human steps in flow order, the status a document has once each is done, and the audit action that closes it.
STEPS = (
    ("draft", "in_review", "document.submit"),
    ("review", "awaiting_signature", "document.approve"),
    ("sign", "signed", "document.sign"),
    ("register", "registered", "document.register"),
    ("issue", "issued", "document.issue"),
    ("archive", "archived", "document.archive"),
)
STATUS_ORDER = ("draft", "in_review", "awaiting_signature", "signed", "registered", "issued", "archived")
# The receiving side: status after each step, who does it, and its delay after the previous one (hours).
DELIVERY_STEPS = (
    ("accepted", "clerk", 6),
    ("assigned", "head", 20),
    ("in_progress", "staff0", 4),
    ("done", "staff0", 60),
)
BATCH = 5000


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=100, help="organizations in the district (≥ 10)")
    parser.add_argument(
        "--docs-per-org", type=int, default=250, help="documents a year per organization (2,500 = a province)"
    )
    parser.add_argument("--small", type=float, default=0.02, help="share of the year in the first measurement")
    parser.add_argument("--requests", type=int, default=30, help="requests per page and size")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


# --- the district ---------------------------------------------------------------------------------------------


def make_district(orgs: int) -> list[dict[str, Any]]:
    """The Phòng GD&ĐT first, then the offices, then the schools: one dict per organization with its people (the
    keys bench_inbox's helpers use: org, unit, head, deputy, clerk, staff0…) and its kind."""
    from organizations.models import (
        Membership,
        Organization,
        OrganizationKind,
        Role,
        Unit,
        User,
    )

    committee = "UBND HUYỆN CẦN GIUỘC"
    pgd = Organization.objects.create(
        name="Phòng Giáo dục và Đào tạo",
        abbreviation="PGDĐT",
        kind=OrganizationKind.OFFICE,
        place_name="Cần Giuộc",
        parent_line_name=committee,
    )
    specs: list[tuple[str, str, str, str]] = [("pgd", "", "", "")]
    specs += [("office", name, OrganizationKind.OFFICE, f"P{i}") for i, name in enumerate(OFFICES[: max(0, orgs - 1)])]
    specs += [
        ("school", f"{SCHOOL_KINDS[i % 3]} số {i + 1}", OrganizationKind.SCHOOL, f"TRG{i + 1}")
        for i in range(orgs - len(specs))
    ]
    others = Organization.objects.bulk_create(
        [
            Organization(
                name=name,
                abbreviation=abbreviation,
                kind=kind,
                place_name="Cần Giuộc",
                parent_line_name="PHÒNG GD&ĐT CẦN GIUỘC" if kind == OrganizationKind.SCHOOL else committee,
                parent=pgd if kind == OrganizationKind.SCHOOL else None,
            )
            for _, name, kind, abbreviation in specs[1:]
        ]
    )
    organizations = [pgd, *others]
    unit_names = {
        "pgd": (("Tổ Tổng hợp", "TH"), ("Tổ Tiểu học", "TIH"), ("Tổ Mầm non", "MN")),
        "office": (("Tổ Tổng hợp", "TH"),),
        "school": (("Tổ Văn phòng", "VP"),),
    }
    units = Unit.objects.bulk_create(
        [
            Unit(organization=org, name=name, abbreviation=abbreviation)
            for org, (kind, *_rest) in zip(organizations, specs, strict=True)
            for name, abbreviation in unit_names[kind]
        ]
    )
    staff = {"pgd": 6, "office": 4, "school": 4}
    roles_of = {}
    for kind in staff:
        roles = [("head", Role.HEAD), ("deputy", Role.DEPUTY), ("clerk", Role.CLERK), ("auditor", Role.AUDITOR)]
        roles += [("deputy2", Role.DEPUTY)] if kind == "pgd" else []
        roles_of[kind] = roles + [(f"staff{k}", Role.STAFF) for k in range(staff[kind])]
    users = User.objects.bulk_create(
        [
            User(username=f"o{i}.{key}", full_name=f"Người {key} {org.abbreviation}", password="!")
            for i, (org, (kind, *_rest)) in enumerate(zip(organizations, specs, strict=True))
            for key, _ in roles_of[kind]
        ]
    )
    people, memberships, user_at, unit_at = [], [], 0, 0
    for org, (kind, *_rest) in zip(organizations, specs, strict=True):
        mine_units = units[unit_at : unit_at + len(unit_names[kind])]
        unit_at += len(mine_units)
        roles = roles_of[kind]
        mine = dict(zip([key for key, _ in roles], users[user_at : user_at + len(roles)], strict=True))
        user_at += len(roles)
        memberships += [
            Membership(
                user=mine[key], organization=org, unit=mine_units[k % len(mine_units)], role=role, post_title=key
            )
            for k, (key, role) in enumerate(roles)
        ]
        people.append({"org": org, "unit": mine_units[0], "units": mine_units, "kind": kind, **mine})
    Membership.objects.bulk_create(memberships)
    delegate_to_deputies(people)
    return people


# --- the year, planned ------------------------------------------------------------------------------------------


@dataclass
class Planned:
    org: int  # index into the district
    created: dt.datetime
    status: str
    durations: list[float]  # hours each human step took, in STEPS order
    number: int | None = None
    deliveries: list[list[Any]] = field(default_factory=list)  # [receiver index, status, incoming number or None]


def _status_by_age(age_days: float, rng: random.Random) -> str:
    if age_days > 30:
        return "archived" if rng.random() < 0.95 else "issued"
    if age_days > 7:
        return rng.choices(("archived", "issued", "signed", "awaiting_signature"), (60, 30, 5, 5))[0]
    return rng.choices(("issued", "signed", "awaiting_signature", "in_review", "draft"), (30, 15, 20, 25, 10))[0]


def _delivery_status(age_days: float, rng: random.Random) -> str:
    if age_days > 14:
        return rng.choices(("done", "in_progress", "assigned", "accepted"), (85, 5, 5, 5))[0]
    return rng.choice(("arrived", "accepted", "assigned", "in_progress", "done"))


def plan_year(district: list[dict], total: int, now: dt.datetime, rng: random.Random) -> list[Planned]:
    """Every document of the year with its number and its deliveries' incoming numbers, in date order."""
    start = dt.datetime(YEAR, 1, 1, 1, tzinfo=dt.UTC)
    span = (now - start).total_seconds() - 3 * 3600
    weights = [WEIGHT[p["kind"]] for p in district]
    schools = [i for i, p in enumerate(district) if p["kind"] == "school"] or [0]
    plan = []
    for org in rng.choices(range(len(district)), weights, k=total):
        created = start + dt.timedelta(seconds=rng.uniform(0, span))
        age = (now - created).total_seconds() / 86400
        durations = [rng.lognormvariate(1.2, 0.9) for _ in STEPS]  # median ~3 h a step, a long tail
        planned = Planned(org=org, created=created, status=_status_by_age(age, rng), durations=durations)
        if STATUS_ORDER.index(planned.status) >= STATUS_ORDER.index("issued"):
            kind = district[org]["kind"]
            if kind == "pgd":
                receivers = rng.sample(schools, min(len(schools), rng.randint(5, 20)))
            elif kind == "office":
                receivers = [0, *rng.sample(schools, min(len(schools), 2))]
            else:
                receivers = [0] if rng.random() < 1 / 3 else []
            planned.deliveries = [[r, _delivery_status(age, rng), None] for r in receivers]
        plan.append(planned)
    plan.sort(key=lambda p: p.created)
    numbers: dict[int, int] = {}
    incoming: dict[int, int] = {}
    for planned in plan:
        if planned.status in ("registered", "issued", "archived"):
            numbers[planned.org] = planned.number = numbers.get(planned.org, 100) + 1  # past the template's
            for delivery in planned.deliveries:
                if delivery[1] != "arrived":
                    incoming[delivery[0]] = delivery[2] = incoming.get(delivery[0], 0) + 1
    return plan


# --- writing ----------------------------------------------------------------------------------------------------


class Writer:
    """COPYs planned documents and everything they leave, a batch at a time; chains the audit events per
    organization in time order within one call of `write` (a heap holds the events not yet safe to chain)."""

    def __init__(self, district: list[dict], template: list[tuple], rng: random.Random) -> None:
        from django.db import connection

        from documents.models import DocumentType
        from workflow.flows import DocumentFlow
        from workflow.models import DocumentProcess

        self.district, self.rng = district, rng
        self.flow_class = DocumentProcess._meta.get_field("flow_class").get_prep_value(DocumentFlow)
        self.doc_types = dict(DocumentType.objects.values_list("code", "id"))
        self.patterns = {status: shape(template, status) for status in STATUS_ORDER if status != "registered"}
        self.heads: dict[int, tuple[int, str]] = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT organization_id, last_sequence, last_hash FROM audit_auditchainhead")
            self.heads = {org: (seq, digest) for org, seq, digest in cursor.fetchall()}

    def write(self, plan: list[Planned]) -> None:
        from django.db import connection, transaction

        from audit.hashing import GENESIS_HASH

        self.pending: list[tuple] = []  # (time, tiebreak, org, event fields) not yet chained
        self.tiebreak = 0
        connection.ensure_connection()
        raw = connection.connection.cursor()
        for start in range(0, len(plan), BATCH):
            with transaction.atomic():
                self.rows: dict[str, list[tuple]] = {}
                self.ids = {
                    t: _next_id(raw, t)
                    for t in (
                        "documents_document", "viewflow_process", "viewflow_task", "documents_version",
                        "documents_recipient", "documents_delivery", "documents_deliveryevent",
                        "documents_incomingdocument", "workflow_stepdeadline", "audit_auditevent",
                    )
                }  # fmt: skip
                batch = plan[start : start + BATCH]
                for planned in batch:
                    self.document(planned)
                self.chain(until=batch[-1].created if start + BATCH < len(plan) else None, genesis=GENESIS_HASH)
                for target, rows in self.rows.items():
                    _copy(raw, target, rows)
                for table in self.ids:
                    raw.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
                    )
        with transaction.atomic():
            heads = [(org, seq, digest) for org, (seq, digest) in self.heads.items()]
            raw.executemany(
                "INSERT INTO audit_auditchainhead (organization_id, last_sequence, last_hash) VALUES (%s, %s, %s) "
                "ON CONFLICT (organization_id) DO UPDATE SET last_sequence = EXCLUDED.last_sequence, "
                "last_hash = EXCLUDED.last_hash",
                heads,
            )

    def _id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _row(self, target: str, row: tuple) -> None:
        self.rows.setdefault(target, []).append(row)

    def _event(
        self, at: dt.datetime, org: Any, actor: Any, action: str, obj: tuple[str, int], states: tuple, details: dict
    ) -> None:
        self.tiebreak += 1
        fields = (actor.pk, str(actor), action, obj[0], str(obj[1]), states[0], states[1], details)
        heapq.heappush(self.pending, (at, self.tiebreak, org.pk, fields))

    def chain(self, *, until: dt.datetime | None, genesis: str) -> None:
        """Chain (and queue for COPY) every pending event older than `until` (all of them if None)."""
        from audit.hashing import CURRENT_HASH_VERSION, canonical_json, chain_hash, event_payload

        while self.pending and (until is None or self.pending[0][0] < until):
            at, _, org, (actor_id, actor_name, action, object_type, object_id, before, after, details) = heapq.heappop(
                self.pending
            )
            sequence, previous = self.heads.get(org, (0, genesis))
            sequence += 1
            payload = event_payload(
                organization_id=org, sequence=sequence, created_at=at, actor_id=actor_id, action=action,
                object_type=object_type, object_id=object_id, from_state=before, to_state=after, details=details,
                client_address=None, actor_name=actor_name, hash_version=CURRENT_HASH_VERSION,
            )  # fmt: skip
            digest = chain_hash(previous, payload)
            self.heads[org] = (sequence, digest)
            self._row(
                "audit_auditevent (id, sequence, created_at, actor_name, action, object_type, object_id, from_state, "
                "to_state, details, client_address, previous_hash, hash, actor_id, organization_id, hash_version)",
                (
                    self._id("audit_auditevent"), sequence, at, actor_name, action, object_type, object_id, before,
                    after, canonical_json(details), None, previous, digest, actor_id, org, CURRENT_HASH_VERSION,
                ),
            )  # fmt: skip

    def document(self, planned: Planned) -> None:
        from documents.models import Document
        from search.indexing import entry_for

        rng, people = self.rng, self.district[planned.org]
        org = people["org"]
        drafter = people[f"staff{rng.randrange(4)}"]
        owners = {"drafter": drafter, "reviewer": people["deputy"], "signer": people["head"], "clerk": people["clerk"]}
        doc_id = self._id("documents_document")
        version_id = self._id("documents_version")
        steps, open_index, queued = self.patterns[planned.status]
        # When each human step finished (or None for the open one and those after it).
        done_upto = STATUS_ORDER.index(planned.status)
        at, finished = planned.created, {}
        for (step, after, _), hours in zip(STEPS, planned.durations, strict=True):
            if STATUS_ORDER.index(after) > done_upto:
                break
            at += dt.timedelta(hours=hours)
            finished[step] = at
        numbered = planned.number is not None
        issued_at = finished.get("issue")
        issue_date = (finished.get("register") or planned.created).date() if numbered else None
        kind = "ke_hoach" if rng.random() < 0.4 else rng.choice(("cong_van", "bao_cao", "quyet_dinh", "thong_bao"))
        doc_type = self.doc_types.get(kind) or next(iter(self.doc_types.values()))
        abbreviation = {"ke_hoach": "KH", "bao_cao": "BC", "quyet_dinh": "QĐ", "thong_bao": "TB"}.get(kind, "")
        code = f"{planned.number}/{abbreviation + '-' if abbreviation else ''}{org.abbreviation}" if numbered else ""
        subject = " ".join(("Kế hoạch", *rng.choices(PHRASES, WEIGHTS, k=rng.randint(3, 9)))).capitalize()
        body = " ".join(rng.choices(PHRASES, WEIGHTS, k=rng.randint(20, 60)))
        self._row(
            "documents_document (id, organization_id, drafting_unit_id, drafter_id, doc_type_id, subject, legal_bases, "
            "body, place_name, register, number, number_year, code, issue_date, signer_id, reviewer_id, "
            "signature_form, signer_title_lines, confidentiality, urgency, deadline, filing_line, status, "
            "returned_comment, created_at, updated_at, type_title, replacement_kind, origin, external_id, "
            "signer_name, source_code, source_date_line, signed_at, registered_at, issued_at, current_version_id, "
            "signed_version_id)",
            (
                doc_id, org.pk, people["unit"].pk, drafter.pk, doc_type, subject, "[]", body, "Cần Giuộc", "regular",
                planned.number, YEAR if numbered else None, code, issue_date, people["head"].pk,
                people["deputy"].pk if planned.status != "draft" else None, "direct", '["TRƯỞNG PHÒNG"]', "normal",
                rng.choice(("normal", "normal", "normal", "khan", "thuong_khan", "hoa_toc")),
                None if rng.random() < 0.5 else (planned.created + dt.timedelta(days=rng.randint(5, 60))).date(),
                "VT, TH.", planned.status, "", planned.created, at, "", "", "internal", "", "", "", "",
                finished.get("sign"), finished.get("register"), issued_at, version_id,
                version_id if "sign" in finished else None,
            ),
        )  # fmt: skip
        content = {"subject": subject, "doc_type": kind, "organization": org.pk, "recipients": []}
        self._row(
            "documents_version (id, number, content, content_hash, created_at, created_by_id, document_id)",
            (version_id, 1, json.dumps(content, ensure_ascii=False), hashlib.sha256(str(doc_id).encode()).hexdigest(),
             planned.created, drafter.pk, doc_id),
        )  # fmt: skip
        entry = entry_for(Document(pk=doc_id, code=code, subject=subject, body=body))
        self._row(
            "search_searchentry (document_id, code_key, subject_folded, text_folded)",
            (doc_id, entry.code_key, entry.subject_folded, entry.text_folded),
        )
        # The process, its tasks, their links and the human steps' deadlines.
        process_id = self._id("viewflow_process")
        closed = planned.status == "archived"
        self._row(
            "viewflow_process (id, flow_class, status, created, finished, data)",
            (process_id, self.flow_class, "DONE" if closed else "NEW", planned.created, at if closed else None, "{}"),
        )
        self._row("workflow_documentprocess (process_ptr_id, document_id)", (process_id, doc_id))
        previous_task, clock = None, planned.created
        for index, (ref, task_kind, role, name) in enumerate(steps):
            is_open = index == open_index
            began = clock
            if name in finished:
                clock = finished[name]
            owner = owners[role].pk if role and not (is_open and queued) else None
            task_id = self._id("viewflow_task")
            status = "ASSIGNED" if is_open and owner else "NEW" if is_open else "DONE"
            self._row(
                "viewflow_task (id, flow_task, flow_task_type, status, created, started, finished, token, owner_id, "
                "process_id, data)",
                (task_id, ref, task_kind, status, began, None if is_open else began, None if is_open else clock,
                 "start", owner, process_id, "{}"),
            )  # fmt: skip
            if previous_task is not None:
                self._row("viewflow_task_previous (from_task_id, to_task_id)", (task_id, previous_task))
            previous_task = task_id
            if task_kind == "HUMAN":
                due = began + dt.timedelta(days=3) if is_open else None
                self._row(
                    "workflow_stepdeadline (id, step, opened_at, due_at, source, remind_at, escalate_at, "
                    "reminded_before_at, reminded_after_at, escalated_at, closed_at, delivery_id, document_id, "
                    "task_id)",
                    (self._id("workflow_stepdeadline"), name, began, due, "rule" if due else "", None, None, None,
                     None, None, None if is_open else clock, None, doc_id, task_id),
                )  # fmt: skip
        # The audit trail in the issuing organization's chain.
        obj = ("documents.document", doc_id)
        self._event(planned.created, org, drafter, "document.create", obj, ("", "draft"), {"version": 1})
        actors = {"draft": drafter, "review": people["deputy"], "sign": people["head"]}
        before = "draft"
        for step, after, action in STEPS:
            if step not in finished:
                break
            details: dict[str, Any] = {"version": 1}
            if step == "register":
                details |= {
                    "code": code,
                    "number": planned.number,
                    "register": "regular",
                    "issue_date": str(issue_date),
                }
            elif step == "issue":
                details |= {"filed": ["VT", "TH"], "deliveries": len(planned.deliveries)}
            state_after = after if step != "register" else "registered"
            actor = actors.get(step, people["clerk"])
            self._event(finished[step], org, actor, action, obj, (before, state_after), details)
            before = state_after
        if issued_at is not None:
            self.deliveries(planned, doc_id, code, issued_at, issue_date)

    def deliveries(self, planned: Planned, doc_id: int, code: str, issued_at: dt.datetime, issue_date: dt.date) -> None:
        rng, sender = self.rng, self.district[planned.org]
        if not planned.deliveries:
            return
        line_id = self._id("documents_recipient")
        to_pgd = len(planned.deliveries) == 1 and planned.deliveries[0][0] == 0
        name = "Phòng Giáo dục và Đào tạo" if to_pgd else "Các trường trực thuộc"
        self._row(
            "documents_recipient (id, position, display_name, purpose, document_id, organization_id, person_id, "
            "unit_id, group_id, email, organ_code, purpose_text)",
            (line_id, 1, name, "report" if to_pgd else "execute", doc_id,
             self.district[0]["org"].pk if to_pgd else None, None, None, None, "", "", ""),
        )  # fmt: skip
        for receiver_index, status, incoming_number in planned.deliveries:
            receiver = self.district[receiver_index]
            delivery_id = self._id("documents_delivery")
            clock = issued_at
            events = [("arrived", clock, sender["clerk"])]
            stamps: dict[str, dt.datetime] = {}
            for step_status, role, hours in DELIVERY_STEPS:
                if _delivery_rank(step_status) > _delivery_rank(status):
                    break
                clock += dt.timedelta(hours=hours * rng.uniform(0.2, 2))
                events.append((step_status, clock, receiver[role]))
                stamps[step_status] = clock
            accepted = stamps.get("accepted")
            self._row(
                "documents_delivery (id, status, sent_at, acknowledged_at, acknowledged_by_id, document_id, "
                "recipient_id, kind, note, organization_id, person_id, status_at, target, unit_id, reminded_at)",
                (delivery_id, status, issued_at, accepted, receiver["clerk"].pk if accepted else None, doc_id, line_id,
                 "organization", "", receiver["org"].pk, None, clock, f"o:{receiver['org'].pk}", None, None),
            )  # fmt: skip
            previous = ""
            for event_status, when, actor in events:
                self._row(
                    "documents_deliveryevent (id, status, at, note, actor_id, delivery_id)",
                    (self._id("documents_deliveryevent"), event_status, when, "", actor.pk, delivery_id),
                )
                if event_status != "arrived":  # arrival is in the sender's issue event; the rest in the receiver's
                    self._event(
                        when, receiver["org"], actor, f"delivery.{event_status}", ("documents.delivery", delivery_id),
                        (previous, event_status), {"document": doc_id, "code": code, "recipient": receiver["org"].name},
                    )  # fmt: skip
                previous = event_status
            if incoming_number is not None:
                self._row(
                    "documents_incomingdocument (id, register, year, number, received_at, registered_at, sender_name, "
                    "sender_code, sender_date, delivery_id, organization_id, registered_by_id, assigned_at, "
                    "assigned_by_id, assigned_person_id, assigned_unit_id, directive, finished_at, forwarded_at, "
                    "handling_deadline, leader_id, result, started_at, started_by_id)",
                    (
                        self._id("documents_incomingdocument"), "incoming", YEAR, incoming_number, issued_at,
                        accepted, sender["org"].name, code, issue_date, delivery_id, receiver["org"].pk,
                        receiver["clerk"].pk, stamps.get("assigned"),
                        receiver["head"].pk if "assigned" in stamps else None,
                        receiver["staff0"].pk if "assigned" in stamps else None,
                        receiver["unit"].pk if "assigned" in stamps else None, "", stamps.get("done"), accepted,
                        None, receiver["head"].pk, "Đã triển khai." if "done" in stamps else "",
                        stamps.get("in_progress"), receiver["staff0"].pk if "in_progress" in stamps else None,
                    ),
                )  # fmt: skip


def _delivery_rank(status: str) -> int:
    return ("arrived", *(step for step, _, _ in DELIVERY_STEPS)).index(status)


# --- timing -----------------------------------------------------------------------------------------------------

TABLES = (
    "viewflow_task", "viewflow_task_previous", "viewflow_process", "audit_auditevent", "workflow_stepdeadline",
    "documents_document", "documents_version", "search_searchentry", "documents_recipient", "documents_delivery",
    "documents_deliveryevent", "documents_incomingdocument",
)  # fmt: skip


def _quantiles(timings: list[float]) -> tuple[float, float]:
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


def time_pages(district: list[dict], requests: int) -> dict[str, tuple[float, float, int]]:
    """p50, p95 (ms) and statements of each page, through the real views, as the Phòng's people (the busiest
    registers and dashboard of the district)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from rest_framework.test import APIClient

    from documents.models import Document

    pgd = district[0]
    org = pgd["org"].pk
    code = (
        Document.objects.filter(organization_id=org).exclude(code="").order_by("-number").values_list("code", flat=True)
    )
    code = code.first() or "1/KH-PGDĐT"
    by_role: dict[str, Any] = {}
    for role in ("head", "clerk"):
        by_role[role] = Client()
        by_role[role].force_login(pgd[role])
    api = APIClient()
    api.force_authenticate(pgd["head"])
    year = {"organization": org, "year": YEAR}
    pages = {
        "search phrase": (api, reverse("search:api"), {"q": "ke hoach tuyen sinh"}),
        "search code": (api, reverse("search:api"), {"q": code}),
        "register out": (by_role["clerk"], reverse("records:register", args=["regular"]), year),
        "register in": (by_role["clerk"], reverse("records:register", args=["incoming"]), year),
        "incoming (recv)": (by_role["clerk"], reverse("receiving:incoming"), year),
        "dashboard": (by_role["head"], reverse("search:dashboard"), {"organization": org}),
    }
    results = {}
    for name, (client, url, params) in pages.items():
        timings = []
        for index in range(requests + 3):
            start = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (name, response.status_code, response.content[:300])
            if index >= 3:  # warm-up
                timings.append(elapsed)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        results[name] = (*_quantiles(timings), len(queries))
    return results


def sizes() -> list[tuple[str, int, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        rows = []
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*), pg_total_relation_size('{table}') FROM {table}")  # noqa: S608
            rows.append((table, *cursor.fetchone()))
    return rows


def main() -> None:
    args = parse()
    admin = recreate_database()
    use_own_files("district")
    import django

    django.setup()
    from types import SimpleNamespace

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("axes").setLevel(logging.WARNING)  # one login line per client otherwise
    started = time.perf_counter()
    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(20261124)
        district = make_district(args.orgs)
        template = flow_template(SimpleNamespace(people=district))
        plan = plan_year(district, args.orgs * args.docs_per_org, timezone.now(), rng)
        order = list(range(len(plan)))
        rng.shuffle(order)
        cut = max(1, int(len(plan) * args.small))
        first = [plan[i] for i in sorted(order[:cut])]
        rest = [plan[i] for i in sorted(order[cut:])]
        writer = Writer(district, template, rng)
        t0 = time.perf_counter()
        writer.write(first)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        deliveries = sum(len(p.deliveries) for p in first)
        print(f"{len(first)} documents ({args.small:.0%} of the year), {args.orgs} organizations, "
              f"{deliveries} deliveries, written in {time.perf_counter() - t0:.0f} s")  # fmt: skip
        schools = [p for p in district if p["kind"] == "school"][:20]
        small = {"inbox " + k: v for k, v in time_inbox([district[0]], args.requests, rng).items()}
        small |= {"school inbox " + k: v for k, v in time_inbox(schools, args.requests, rng).items()}
        small_pages = time_pages(district, args.requests)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            drop_trigram_indexes(cursor)
        writer.write(rest)
        with connection.cursor() as cursor:
            create_trigram_indexes(cursor)
            cursor.execute("ANALYZE")
        print(f"{len(plan)} documents (the year), {sum(len(p.deliveries) for p in plan)} deliveries, "
              f"the rest written in {time.perf_counter() - t0:.0f} s")  # fmt: skip
        large = {"inbox " + k: v for k, v in time_inbox([district[0]], args.requests, rng).items()}
        large |= {"school inbox " + k: v for k, v in time_inbox(schools, args.requests, rng).items()}
        large_pages = time_pages(district, args.requests)
        print(f"\n{'page':<26}{'p50 small':>10}{'p95 small':>10}{'p50 year':>10}{'p95 year':>10}"
              f"{'x p50':>7}{'x p95':>7}{'stmts':>8}")  # fmt: skip
        rows = [(k, *small[k], *large[k], "") for k in small]
        rows += [
            (k, *small_pages[k][:2], *large_pages[k][:2], f"{small_pages[k][2]}/{large_pages[k][2]}")
            for k in small_pages
        ]
        for name, s50, s95, l50, l95, statements in rows:
            print(
                f"{name:<26}{s50:10.1f}{s95:10.1f}{l50:10.1f}{l95:10.1f}{l50 / s50:7.2f}{l95 / s95:7.2f}{statements:>8}"
            )
        print(f"\n{'table':<30}{'rows':>12}{'MB':>10}{'rows/doc':>10}{'bytes/doc':>11}")
        documents = len(plan) + 1
        for table, count, size in sizes():
            print(f"{table:<30}{count:12,}{size / 2**20:10.1f}{count / documents:10.2f}{size / documents:11.0f}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            print(f"database {cursor.fetchone()[0] / 2**20:.0f} MB; total {time.perf_counter() - started:.0f} s")
    finally:
        if not args.keep:
            drop_database(admin)


if __name__ == "__main__":
    main()
