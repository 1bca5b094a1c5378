"""Reads about documents: who may see what, lists, inboxes and history.

Visibility is role-based and computed from memberships with indexed subqueries (see docs/permissions.md).
django-guardian holds only the exceptions (explicit grants on one document); they are read through one
subquery on its UserObjectPermission table, never through `get_objects_for_user`, and never by scanning
every object permission of a user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from operator import or_
from typing import Any

from django.db import router
from django.db.models import BigIntegerField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from audit.models import AuditEvent
from core.compiled import PROBE, ProbeQuery
from documents.citing import issuer_name
from documents.dates import vn_today
from documents.errors import PermissionDenied
from documents.models import (
    Confidentiality,
    Delivery,
    DeliveryEvent,
    DeliveryKind,
    DeliveryStatus,
    Document,
    IncomingDocument,
    Origin,
    Register,
    ReportingDuty,
    ReportingObligation,
    Status,
)
from organizations.models import Membership, Organization, Role, User

# The clerk of the issuing organization sees a document from its signature on.
SIGNED_OR_LATER = (Status.SIGNED, Status.REGISTERED, Status.ISSUED, Status.ARCHIVED, Status.RECALLED)
# A recipient organization sees it once it has been sent.
ISSUED_OR_LATER = (Status.ISSUED, Status.ARCHIVED, Status.RECALLED)
# Still on its way: a deadline can be missed only while one of these.
OPEN_STATES = (Status.DRAFT, Status.IN_REVIEW, Status.AWAITING_SIGNATURE, Status.SIGNED, Status.REGISTERED)
DOCUMENT_OBJECT_TYPE = "documents.document"
LIST_RELATED = ("organization", "doc_type", "drafter", "reviewer", "signer", "drafting_unit")


def _org_ids(user: Any, *roles: str) -> QuerySet[Membership]:
    """Subquery: the organizations where `user` holds one of `roles` (index organization, role, is_active)."""
    return Membership.objects.filter(user_id=user.pk, role__in=roles, is_active=True).values("organization_id")


def granted_document_ids(*, user: Any, codenames: tuple[str, ...]) -> QuerySet[UserObjectPermission]:
    """Subquery: ids of documents explicitly granted to `user` (guardian's index user, content_type, object_pk).

    `object_pk` is a varchar; the cast happens in the projection, after the index has narrowed the rows to
    this user's document grants, so no other model's key is ever cast.
    """
    return (
        UserObjectPermission.objects.filter(
            user_id=user.pk,
            content_type__app_label="documents",
            content_type__model="document",
            permission__codename__in=codenames,
        )
        .annotate(document_id=Cast("object_pk", BigIntegerField()))
        .values("document_id")
    )


def _addressee_ways(user: Any) -> list[Q]:
    """How a delivery is addressed to `user`, one Q each: as their organization's clerk, by name, or to their
    unit (indexes delivery_org_status, delivery_person_status, the unit's foreign key)."""
    units = Membership.objects.filter(user_id=user.pk, is_active=True, unit__isnull=False).values("unit_id")
    return [Q(organization_id__in=_org_ids(user, Role.CLERK)), Q(person_id=user.pk), Q(unit_id__in=units)]


def _addressed_to(user: Any) -> Q:
    """Deliveries addressed to `user`, as one Q."""
    return reduce(or_, _addressee_ways(user))


def _handling_units(user: Any) -> QuerySet[Membership]:
    """Subquery: the units `user` works in (auditors excepted), for units in charge or supporting."""
    return (
        Membership.objects.filter(user_id=user.pk, is_active=True, unit__isnull=False)
        .exclude(role=Role.AUDITOR)
        .values("unit_id")
    )


def _in_charge_ways(user: Any) -> list[Q]:
    """How `user` is in charge of a delivery's handling or supports it, one Q each: by name, or through a unit of
    theirs (documents.services.handling)."""
    units = _handling_units(user)
    return [
        Q(incoming__assigned_person_id=user.pk),
        Q(incoming__assigned_unit_id__in=units),
        Q(incoming__supporting_units__in=units),
    ]


def _handling_by(user: Any) -> Q:
    """Deliveries whose handling names `user`: the leader it was passed to, or in charge or supporting, as one Q."""
    return reduce(or_, [Q(incoming__leader_id=user.pk), *_in_charge_ways(user)])


def _reach(user: Any, *, leaders: bool = False, heads_and_clerks: bool = False) -> list[QuerySet[Delivery]]:
    """The deliveries that reach `user`, as one narrow query per way they can (not yet given back).

    Each branch filters on one indexed column (the delivery's organization, person or unit; the register row's
    leader, person or unit in charge; a supporting unit), so the union reads only the rows that reach this person.
    One OR across the delivery and its register row would instead join every delivery with every register row.
    `leaders`: also a head's or deputy's, once registered; `heads_and_clerks`: also every delivery of an
    organization where they are head or clerk (what they assign and see done)."""
    ways = [*_addressee_ways(user), Q(incoming__leader_id=user.pk), *_in_charge_ways(user)]
    if leaders:
        ways.append(Q(organization_id__in=_org_ids(user, Role.HEAD, Role.DEPUTY), incoming__isnull=False))
    if heads_and_clerks:
        ways.append(Q(organization_id__in=_org_ids(user, Role.HEAD)))
    live = Delivery.objects.exclude(status=DeliveryStatus.RECALLED)
    return [live.filter(way) for way in ways]


def _union(branches: list[QuerySet[Delivery]], field: str) -> QuerySet[Delivery]:
    first, *rest = (branch.order_by().values(field) for branch in branches)
    return first.union(*rest)


def addressed_document_ids(*, user: Any, leaders: bool = False) -> QuerySet[Delivery]:
    """Subquery: the documents delivered to `user` — as an addressee, or named in its handling; with
    `leaders`, also as a head or deputy of a receiving organization once its clerk registered it (the clerk
    checks and registers, then presents it: a refused or unregistered one never reaches them). A copy given back
    (15) is no longer theirs: its delivery and history stay, for the sender and the auditor."""
    return _union(_reach(user, leaders=leaders), "document_id")


def visibility_filter(*, user: Any) -> Q:
    """The rule of who sees what, as one Q over Document (docs/permissions.md)."""
    # Reviewer and signer: from the moment it is put before them, and a draft they sent back.
    put_before_them = ~Q(status=Status.DRAFT) | ~Q(returned_comment="")
    in_path = (
        Q(drafter_id=user.pk)
        | (Q(unit_reviewer_id=user.pk) & put_before_them)
        | (Q(reviewer_id=user.pk) & put_before_them)
        | (Q(signer_id=user.pk) & put_before_them)
    )
    # The issuing organization's own people see its own documents; a document from outside filed under its
    # sender (documents.services.outside) is the receiving side's, reached through its deliveries only.
    own = Q(origin=Origin.INTERNAL)
    issuing_clerk = own & Q(organization_id__in=_org_ids(user, Role.CLERK), status__in=SIGNED_OR_LATER)
    # The addressees of an issued document, after its lines were expanded (documents.distribution): the
    # clerk of a recipient organization, a person named, the members of a unit named; and the people its
    # handling names there (leader passed to, person or units in charge, supporting units).
    recipient = Q(pk__in=addressed_document_ids(user=user), status__in=ISSUED_OR_LATER)
    # …and, for a document of normal confidentiality, the receiving organization's head and deputies.
    receiving_leaders = Q(pk__in=addressed_document_ids(user=user, leaders=True), status__in=ISSUED_OR_LATER)
    # Members of a unit asked for its opinion (auditors excepted), from the request on.
    consulted = Q(
        pk__in=Document.consulted_units.through.objects.filter(
            unit_id__in=Membership.objects.filter(user_id=user.pk, is_active=True, unit__isnull=False)
            .exclude(role=Role.AUDITOR)
            .values("unit_id")
        ).values("document_id"),
    ) & ~Q(status=Status.DRAFT)
    normal = (
        in_path
        | issuing_clerk
        | receiving_leaders
        | consulted
        | (own & Q(organization_id__in=_org_ids(user, Role.HEAD, Role.DEPUTY)) & ~Q(status=Status.DRAFT))
        | (own & Q(organization_id__in=_org_ids(user, Role.AUDITOR)) & put_before_them)
        | Q(
            pk__in=granted_document_ids(user=user, codenames=("view_document", "view_confidential_document")),
            status__in=[s for s in Status.values if s != Status.DRAFT],
        )
    )
    confidential = (
        in_path
        | issuing_clerk
        | recipient
        | Q(
            pk__in=granted_document_ids(user=user, codenames=("view_confidential_document",)),
            status__in=[s for s in Status.values if s != Status.DRAFT],
        )
    )
    is_normal = Q(confidentiality=Confidentiality.NORMAL)
    return (is_normal & normal) | (~is_normal & confidential)


@dataclass(frozen=True)
class _Person:
    """All of a person the rule reads in Python: their id (the rest is read by the database)."""

    pk: int


def _rule(user_id: int) -> QuerySet[Document]:
    return Document.objects.filter(visibility_filter(user=_Person(user_id)))


# Building the rule takes ~10 ms of Python; it depends on nothing but the person's id, so a process keeps it
# (core.compiled). Built, it weighs ~350 KB: a few dozen people's are kept; compiled, ~10 KB: a thousand.
RULES_KEPT = 64
PROBES_KEPT = 1024


@lru_cache(maxsize=RULES_KEPT)
def _visible_to(user_id: int) -> QuerySet[Document]:
    """The rule for one person, never evaluated: callers get a clone."""
    return _rule(user_id)


@lru_cache(maxsize=PROBES_KEPT)
def _readable_probe(alias: str, user_id: int) -> ProbeQuery:
    """The rule for one person and one document, compiled for this database (`may_read`)."""
    return ProbeQuery(
        _rule(user_id).using(alias).filter(pk=PROBE), lambda pk: _rule(user_id).using(alias).filter(pk=pk)
    )


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def visible_documents(*, user: Any) -> QuerySet[Document]:
    """Every document `user` may read; nothing for an anonymous user."""
    if not _signed_in(user):
        return Document.objects.none()
    return _visible_to(user.pk).all()


def may_read(*, user: Any, document_id: int) -> bool:
    """Whether `user` may read this one document: the same rule as `visible_documents`, run from SQL compiled once
    per person (one statement, no building)."""
    if not _signed_in(user):
        return False
    return _readable_probe(router.db_for_read(Document), user.pk).exists(document_id)


def readable_by(*, user: Any, document: str = "document_id") -> Exists:
    """The same rule as a test of each row of another table that points to a document (`document`, its column).

    As EXISTS, the database may check just the documents of a few rows (one delivery, a person's notifications)
    or hash the whole readable set for many; `document_id IN visible_documents(...)` always lists every document
    the person may read first, which for a head is their organization's whole history."""
    return Exists(visible_documents(user=user).filter(pk=OuterRef(document)))


def document_get_visible(*, user: Any, pk: int) -> Document | None:
    """One document with what its detail page shows, or None when `user` must not know it exists."""
    return (
        visible_documents(user=user)
        .select_related(*LIST_RELATED, "current_version", "signed_version", "dossier")
        .prefetch_related("recipients")
        .filter(pk=pk)
        .first()
    )


def readers_among(*, document: Document, user_ids: set[int]) -> set[int]:
    """Which of these people may read `document` (one query each: the same rule as every list). Used to
    tell only readers about it — a notification carries its trích yếu."""
    people = User.objects.filter(pk__in=user_ids, is_active=True)
    return {person.pk for person in people if may_read(user=person, document_id=document.pk)}


ORDERINGS = {
    "deadline": ("deadline", "-id"),
    "-deadline": ("-deadline", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


def _apply_filters(queryset: QuerySet[Document], filters: dict[str, Any]) -> QuerySet[Document]:
    exact = {
        "status": "status",
        "doc_type": "doc_type__code",
        "urgency": "urgency",
        "confidentiality": "confidentiality",
        "organization": "organization_id",
    }
    for name, lookup in exact.items():
        if filters.get(name):
            queryset = queryset.filter(**{lookup: filters[name]})
    if filters.get("q"):
        queryset = queryset.filter(subject__icontains=filters["q"])
    if filters.get("deadline_from"):
        queryset = queryset.filter(deadline__gte=filters["deadline_from"])
    if filters.get("deadline_to"):
        queryset = queryset.filter(deadline__lte=filters["deadline_to"])
    if filters.get("overdue") is True:
        queryset = queryset.filter(deadline__lt=vn_today(), status__in=OPEN_STATES)
    elif filters.get("overdue") is False:
        queryset = queryset.exclude(deadline__lt=vn_today(), status__in=OPEN_STATES)
    return queryset


def document_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Document]:
    """The documents `user` may read, filtered; related rows joined once for the whole page."""
    filters = filters or {}
    queryset = _apply_filters(visible_documents(user=user), filters).select_related(*LIST_RELATED)
    return queryset.order_by(*ORDERINGS.get(filters.get("ordering") or "-created", ORDERINGS["-created"]))


def document_history(*, document: Document) -> QuerySet[AuditEvent]:
    """The audit events of one document, oldest first (index object_type, object_id, sequence)."""
    return (
        AuditEvent.objects.filter(object_type=DOCUMENT_OBJECT_TYPE, object_id=str(document.pk))
        .select_related("actor")
        .order_by("sequence")
    )


def arrivals_for(*, user: Any, statuses: tuple[str, ...] = (DeliveryStatus.ARRIVED,)) -> QuerySet[Delivery]:
    """Văn bản đến chờ tiếp nhận: deliveries addressed to `user` (as clerk, by name, to their unit), newest
    first, with what the list shows joined once."""
    if not getattr(user, "is_authenticated", False):
        return Delivery.objects.none()
    return (
        Delivery.objects.filter(_addressed_to(user), status__in=statuses)
        .exclude(status=DeliveryStatus.RECALLED)  # a copy given back is no longer the addressee's
        .select_related("document", "document__organization", "document__doc_type", "recipient", "organization")
        .order_by("-sent_at", "-pk")
    )


def deliveries_of(*, document: Document) -> QuerySet[Delivery]:
    """The sender's view: every addressee with its status and times (the caller checked the document is visible)."""
    return (
        Delivery.objects.filter(document_id=document.pk)
        .select_related("recipient", "organization", "unit", "person", "incoming")
        .order_by("recipient__position", "pk")
    )


# --- links between documents: căn cứ, replies, corrections, reporting (docs/distribution.md) --------------------
# What the user may not read is shown by these rules only (docs/permissions.md, "Linked documents"): a document
# they may read links to its page; one they may not read shows issuer, code, date and status, and only once it was
# issued (a draft is its drafter's alone); a Mật one they may not read shows "Văn bản mật" and nothing below it.


@dataclass
class LinkNode:
    """One linked document as the user may see it; `branches` hold what was done below it (cascade only)."""

    id: int | None
    readable: bool
    secret: bool
    issuer: str = ""
    code: str = ""
    issue_date: dt.date | None = None
    status: str = ""
    status_display: str = ""
    doc_type: str = ""
    subject: str = ""
    branches: list[CascadeBranch] = field(default_factory=list)


@dataclass
class CascadeBranch:
    """One recipient organization of a document the user may read, and the documents it issued on its basis;
    `organization` None gathers the implementing documents of no addressee (or below an unreadable node)."""

    organization_id: int | None
    organization: str
    delivery_id: int | None = None
    delivery_status: str = ""
    delivery_status_display: str = ""
    documents: list[LinkNode] = field(default_factory=list)


def _link_node(document: Document, *, readable: bool) -> LinkNode:
    if not readable and document.is_secret:
        return LinkNode(id=None, readable=False, secret=True)
    node = LinkNode(
        id=document.pk,
        readable=readable,
        secret=False,
        issuer=issuer_name(document.organization),
        code=document.code,
        issue_date=document.issue_date,
        status=document.status,
        status_display=document.get_status_display(),
    )
    if readable:
        node.doc_type, node.subject = document.doc_type.name, document.subject
    return node


def _shown(documents: list[Document], *, user: Any) -> list[tuple[Document, LinkNode]]:
    """Each document with its node (one query: the visibility rule); one the user may not read only once issued."""
    readable = (
        set(visible_documents(user=user).filter(pk__in=[d.pk for d in documents]).values_list("pk", flat=True))
        if documents
        else set()
    )
    return [
        (d, _link_node(d, readable=d.pk in readable))
        for d in documents
        if d.pk in readable or d.status in ISSUED_OR_LATER
    ]


def delivery_for_member(*, user: Any, pk: int) -> Delivery | None:
    """A delivery that reached `user`'s organization (any active member), their unit, or them by name; None
    otherwise, so an interface answers 404 without saying whether it exists. What they may do with it is the
    services' to say (documents.services.links)."""
    if not getattr(user, "is_authenticated", False):
        return None
    memberships = Membership.objects.filter(user_id=user.pk, is_active=True)
    reached = (
        Q(kind=DeliveryKind.ORGANIZATION, organization_id__in=memberships.values("organization_id"))
        | Q(kind=DeliveryKind.PERSON, person_id=user.pk)
        | Q(kind=DeliveryKind.UNIT, unit_id__in=memberships.filter(unit__isnull=False).values("unit_id"))
    )
    return (
        Delivery.objects.filter(reached, pk=pk)
        .select_related("document", "document__organization", "document__doc_type", "organization")
        .first()
    )


# --- the receiving side: boxes, one delivery, the incoming register (docs/distribution.md) -----------------

RECEIVING_BOXES = ("arrivals", "to_assign", "handling", "done", "recall")
RECEIVING_RELATED = (
    "document",
    "document__organization",
    "document__doc_type",
    "recipient",
    "organization",
    "unit",
    "person",
    "incoming",
    "incoming__leader",
    "incoming__assigned_unit",
    "incoming__assigned_person",
)


def _box(user: Any, box: str) -> Q:
    """The deliveries of one box of `user`'s "Văn bản đến" page, as one Q over Delivery."""
    in_charge = Q(pk__in=_union([Delivery.objects.filter(way) for way in _in_charge_ways(user)], "pk"))
    match box:
        case "arrivals":  # chờ tiếp nhận: the clerk, the person or the unit addressed
            return _addressed_to(user) & Q(status=DeliveryStatus.ARRIVED)
        case "to_assign":  # chờ phân công: passed to me, or my organization's (as its head or clerk)
            return Q(status=DeliveryStatus.ACCEPTED, kind=DeliveryKind.ORGANIZATION) & (
                Q(incoming__leader_id=user.pk) | Q(organization_id__in=_org_ids(user, Role.HEAD, Role.CLERK))
            )
        case "handling":  # đang xử lý: assigned to me or my unit, in charge or supporting
            return Q(status__in=(DeliveryStatus.ASSIGNED, DeliveryStatus.IN_PROGRESS)) & in_charge
        case "done":
            return Q(status=DeliveryStatus.DONE) & (
                in_charge
                | Q(incoming__leader_id=user.pk)
                | Q(organization_id__in=_org_ids(user, Role.HEAD, Role.CLERK))
            )
        case "recall":  # đề nghị thu hồi, chờ trả lời
            return _addressed_to(user) & Q(status=DeliveryStatus.RECALL_REQUESTED)
    raise ValueError(box)


def _receiving(user: Any) -> QuerySet[Delivery]:
    """Deliveries of documents `user` may read (the one rule), so no box lists a trích yếu it should not."""
    return Delivery.objects.filter(readable_by(user=user))


def _in_boxes(user: Any) -> QuerySet[Delivery]:
    """What any of `user`'s boxes can hold, read first through the ways a delivery reaches them (indexed), so a
    box or its count never walks the deliveries of every document they may read (a clerk's sent ones too)."""
    return _receiving(user).filter(pk__in=_union(_reach(user, heads_and_clerks=True), "pk"))


def receiving_box(*, user: Any, box: str) -> QuerySet[Delivery]:
    """One box, newest first, with what its rows show joined once (a constant number of queries)."""
    if not getattr(user, "is_authenticated", False) or box not in RECEIVING_BOXES:
        return Delivery.objects.none()
    return (
        _in_boxes(user)
        .filter(_box(user, box))
        .select_related(*RECEIVING_RELATED)
        .prefetch_related("incoming__supporting_units")
        .order_by("-status_at", "-pk")
    )


def receiving_counts(*, user: Any) -> dict[str, int]:
    """How many deliveries each box holds, and `waiting` (what asks this person to act), in one query."""
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys((*RECEIVING_BOXES, "waiting"), 0)
    boxes = {box: _box(user, box) for box in RECEIVING_BOXES}
    waiting = boxes["arrivals"] | boxes["to_assign"] | boxes["handling"] | boxes["recall"]
    return _in_boxes(user).aggregate(
        **{box: Count("pk", filter=q) for box, q in boxes.items()}, waiting=Count("pk", filter=waiting)
    )


def delivery_get_for_receiver(*, user: Any, pk: int) -> Delivery | None:
    """One delivery as its receiving side sees it — the addressee, the people its handling names, the receiving
    organization's leaders — or None (a 404). A copy given back (15) is gone from here."""
    if not getattr(user, "is_authenticated", False):
        return None
    leaders = Q(organization_id__in=_org_ids(user, Role.HEAD, Role.DEPUTY), incoming__isnull=False)
    reach = _addressed_to(user) | _handling_by(user) | leaders
    return (
        _receiving(user)
        .filter(pk=pk)
        .filter(pk__in=Delivery.objects.filter(reach).values("pk"))
        .exclude(status=DeliveryStatus.RECALLED)
        .select_related(*RECEIVING_RELATED, "document__replaces", "incoming__started_by", "incoming__assigned_by")
        .first()
    )


def implementing_documents(document: Document) -> QuerySet[Document]:
    """The documents issued (or being drafted) on the basis of this one, oldest first."""
    return (
        Document.objects.filter(bases=document)
        .select_related("organization", "doc_type")
        .order_by("issue_date", "created_at", "pk")
    )


LINK_ORDER = ("issue_date", "created_at", "pk")


def document_links(*, document: Document, user: Any) -> dict[str, Any]:
    """Căn cứ both ways, replies both ways, corrections both ways, as `user` may see them (three queries):
    `bases`, `implemented_by`, `answered_by`, `replaced_by` are lists of LinkNode; `answers`, `replaces` one
    LinkNode or None."""
    pairs = list(
        Document.bases.through.objects.filter(
            Q(from_document_id=document.pk) | Q(to_document_id=document.pk)
        ).values_list("from_document_id", "to_document_id")
    )
    bases = {to for frm, to in pairs if frm == document.pk}
    implemented_by = {frm for frm, to in pairs if to == document.pk}
    pointed = bases | implemented_by | {pk for pk in (document.answers_id, document.replaces_id) if pk}
    linked = list(
        Document.objects.filter(Q(pk__in=pointed) | Q(answers_id=document.pk) | Q(replaces_id=document.pk))
        .exclude(pk=document.pk)
        .select_related("organization", "doc_type")
        .order_by(*LINK_ORDER)
    )
    shown = _shown(linked, user=user)
    return {
        "bases": [node for d, node in shown if d.pk in bases],
        "implemented_by": [node for d, node in shown if d.pk in implemented_by],
        "answers": next((node for d, node in shown if d.pk == document.answers_id), None),
        "answered_by": [node for d, node in shown if d.answers_id == document.pk],
        "replaces": next((node for d, node in shown if d.pk == document.replaces_id), None),
        "replaced_by": [node for d, node in shown if d.replaces_id == document.pk],
    }


def cascade_tree(*, document: Document, user: Any, depth: int = 3) -> LinkNode:
    """What was done on the basis of `document` (which the caller found readable), per recipient organization,
    `depth` levels down (seed 002: Sở → Phòng → trường). Three queries per level whatever its breadth: the
    deliveries of the level's readable documents, the documents based on the level, the visibility of those.

    Below a document the user may read, its implementing documents are grouped by the organization it was
    delivered to; below one they may not read, they are listed without its recipients (which stay unsaid)."""
    root = _link_node(document, readable=True)
    root.doc_type, root.subject = document.doc_type.name, document.subject
    level = [root]
    seen = {document.pk}
    for _ in range(max(0, min(depth, 10))):
        parents = {node.id: node for node in level if node.id is not None}
        if not parents:
            break
        readable_ids = [pk for pk, node in parents.items() if node.readable]
        deliveries = (
            list(
                Delivery.objects.filter(document_id__in=readable_ids, kind=DeliveryKind.ORGANIZATION)
                .select_related("organization")
                .order_by("document_id", "recipient__position", "pk")
            )
            if readable_ids
            else []
        )
        for delivery in deliveries:
            parents[delivery.document_id].branches.append(
                CascadeBranch(
                    organization_id=delivery.organization_id,
                    organization=str(delivery.organization),
                    delivery_id=delivery.pk,
                    delivery_status=delivery.status,
                    delivery_status_display=delivery.get_status_display(),
                )
            )
        links = list(
            Document.bases.through.objects.filter(to_document_id__in=list(parents))
            .select_related("from_document__organization", "from_document__doc_type")
            .order_by(*(f"from_document__{name}" for name in LINK_ORDER))
        )
        children = list({link.from_document_id: link.from_document for link in links}.values())
        nodes = {d.pk: node for d, node in _shown(children, user=user)}
        level = []
        for link in links:
            node = nodes.get(link.from_document_id)
            if node is None:
                continue
            parent = parents[link.to_document_id]
            branch = next((b for b in parent.branches if b.organization_id == link.from_document.organization_id), None)
            if branch is None:
                branch = next((b for b in parent.branches if b.organization_id is None), None)
                if branch is None:
                    branch = CascadeBranch(organization_id=None, organization="")
                    parent.branches.append(branch)
            branch.documents.append(node)
            if link.from_document_id not in seen:
                seen.add(link.from_document_id)
                level.append(node)
    return root


@dataclass
class ReportingRow:
    """One organization's obligation as the issuer sees it: reported (with what), open, or late."""

    duty_id: int
    description: str
    recurrence: str
    organization_id: int
    organization: str
    period: int
    due_date: dt.date
    fulfilled_by_id: int | None
    fulfilled_code: str
    fulfilled_date: dt.date | None
    fulfilled_at: dt.datetime | None
    late: bool
    readable: bool = False

    @property
    def state(self) -> str:
        if self.fulfilled_at is not None:
            return "fulfilled"
        return "late" if self.late else "open"


def reporting_duties_of(*, document: Document) -> QuerySet[ReportingDuty]:
    return ReportingDuty.objects.filter(document_id=document.pk).order_by("due_date", "pk")


def reporting_status(*, document: Document, user: Any = None, today: dt.date | None = None) -> list[ReportingRow]:
    """Who owes `document` a report, who reported (the report's code and date, a link where `user` may read it)
    and who is late: the due date passed and nothing issued back (two queries)."""
    today = today or vn_today()
    obligations = list(
        ReportingObligation.objects.filter(duty__document_id=document.pk)
        .select_related("duty", "organization", "fulfilled_by")
        .order_by("due_date", "duty_id", "organization__name", "pk")
    )
    reports = [o.fulfilled_by for o in obligations if o.fulfilled_by is not None]
    readable = (
        set(visible_documents(user=user).filter(pk__in=[r.pk for r in reports]).values_list("pk", flat=True))
        if reports and user is not None
        else set()
    )
    return [
        ReportingRow(
            duty_id=o.duty_id,
            description=o.duty.description,
            recurrence=o.duty.get_recurrence_display(),
            organization_id=o.organization_id,
            organization=str(o.organization),
            period=o.period,
            due_date=o.due_date,
            fulfilled_by_id=o.fulfilled_by_id,
            fulfilled_code=o.fulfilled_by.code if o.fulfilled_by else "",
            fulfilled_date=o.fulfilled_by.issue_date if o.fulfilled_by else None,
            fulfilled_at=o.fulfilled_at,
            late=o.fulfilled_by_id is None and o.due_date < today,
            readable=o.fulfilled_by_id in readable,
        )
        for o in obligations
    ]


def delivery_history(*, delivery: Delivery) -> QuerySet[DeliveryEvent]:
    """The steps of one delivery, oldest first (what the sender sees, too)."""
    return DeliveryEvent.objects.filter(delivery_id=delivery.pk).select_related("actor").order_by("at", "pk")


REGISTER_READERS = {
    Register.INCOMING: (Role.CLERK, Role.HEAD, Role.DEPUTY, Role.AUDITOR),
    Register.INCOMING_SECRET: (Role.CLERK, Role.HEAD),  # the secret register: its keeper and the head only
}


def register_organizations(*, user: Any, register: str = Register.INCOMING) -> QuerySet[Organization]:
    """The organizations whose incoming `register` `user` may read."""
    roles = REGISTER_READERS.get(register, ())
    return (
        Organization.objects.filter(pk__in=_org_ids(user, *roles)).order_by("name")
        if roles
        else (Organization.objects.none())
    )


def incoming_register(
    *, user: Any, organization_id: int, year: int, register: str = Register.INCOMING
) -> QuerySet[IncomingDocument]:
    """Sổ văn bản đến of one organization for one year, by incoming number. Copies given back (15) are left out:
    the number stays taken (the register is gapless), and the recall stays in the delivery's history."""
    if (
        register not in REGISTER_READERS
        or not register_organizations(user=user, register=register).filter(pk=organization_id).exists()
    ):
        raise PermissionDenied("Bạn không được xem sổ văn bản đến này.")
    return (
        IncomingDocument.objects.filter(organization_id=organization_id, year=year, register=register)
        .exclude(delivery__status=DeliveryStatus.RECALLED)
        .select_related(
            "delivery",
            "delivery__document",
            "delivery__document__doc_type",
            "leader",
            "assigned_unit",
            "assigned_person",
            "started_by",
        )
        .prefetch_related("supporting_units")
        .order_by("number")
    )
