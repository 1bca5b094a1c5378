"""What the auditor's desk reads (docs/auditors.md). Every document list asks `visible_documents`; who reads an
organization's audit log is decided here, once (`log_organizations`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import AuditChainHead, AuditEvent
from documents.dates import VIETNAM
from documents.models import Delivery, DeliveryEvent, Document, DocumentArtifact, Version
from documents.permissions import sees_full_history
from documents.selectors import LIST_RELATED, deliveries_of, document_get_visible, document_history, visible_documents
from organizations.models import Membership, Organization, Role
from workflow.models import DocumentTask

# viewflow's task states, as the trail shows them (viewflow's own labels are English only).
TASK_STATES = {
    "NEW": _("Chờ nhận"),
    "ASSIGNED": _("Đã giao"),
    "STARTED": _("Đang xử lý"),
    "DONE": _("Đã xong"),
    "CANCELED": _("Đã hủy"),
    "ERROR": _("Lỗi"),
    "REVIVED": _("Đã mở lại"),
}

PAGE_SIZE = 50
# Who reads an organization's whole log: its auditors and its head (superusers everywhere).
LOG_READERS = (Role.AUDITOR, Role.HEAD)


# --- documents in scope ------------------------------------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=VIETNAM)


def scope_documents(*, user: Any, filters: dict[str, Any], before: int | None = None) -> list[Document]:
    """One page (PAGE_SIZE + 1 rows: the extra one says there is a next page) of what `user` may read, newest
    first, keyset on id: no OFFSET, no COUNT(*). Filters: organization (id), doc_type (code), status, year,
    date_from/date_to (created, Vietnam days), q (in trích yếu or code)."""
    queryset = visible_documents(user=user)
    exact = {"organization": "organization_id", "doc_type": "doc_type__code", "status": "status"}
    for name, lookup in exact.items():
        if filters.get(name):
            queryset = queryset.filter(**{lookup: filters[name]})
    if filters.get("year"):
        year = filters["year"]
        queryset = queryset.filter(
            created_at__gte=_day_start(dt.date(year, 1, 1)), created_at__lt=_day_start(dt.date(year + 1, 1, 1))
        )
    if filters.get("date_from"):
        queryset = queryset.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        queryset = queryset.filter(created_at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    if filters.get("q"):
        queryset = queryset.filter(Q(subject__icontains=filters["q"]) | Q(code__icontains=filters["q"]))
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    return list(queryset.select_related(*LIST_RELATED).order_by("-pk")[: PAGE_SIZE + 1])


def member_organizations(*, user: Any) -> QuerySet[Organization]:
    """The organizations offered in the desk's organization filter: where the person is an active member."""
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user_id=user.pk, is_active=True).values("organization_id")
    ).order_by("name")


# --- a document's trail ------------------------------------------------------------------------------------------


@dataclass
class Trail:
    document: Document
    full: bool  # the auditor of the issuing organization: hashes, details, client addresses
    events: list[AuditEvent]
    tasks: list[DocumentTask]
    versions: list[Version]
    artifacts: list[DocumentArtifact]
    deliveries: list[Delivery]
    head: AuditChainHead | None = None


def document_trail(*, user: Any, pk: int) -> Trail | None:
    """Everything that happened to one document, or None when `user` may not read it (the one rule). A fixed
    number of queries however long the trail: each kind of row is one query."""
    document = document_get_visible(user=user, pk=pk)
    if document is None:
        return None
    tasks = list(
        DocumentTask.objects.filter(process__documentprocess__document_id=document.pk, flow_task_type="HUMAN")
        .select_related("owner")
        .order_by("pk")
    )
    for task in tasks:
        task.state_label = TASK_STATES.get(task.status, task.status)
    deliveries = list(
        deliveries_of(document=document).prefetch_related(
            Prefetch("events", queryset=DeliveryEvent.objects.select_related("actor").order_by("at", "pk"))
        )
    )
    return Trail(
        document=document,
        full=sees_full_history(user, document),
        events=list(document_history(document=document)),
        tasks=tasks,
        versions=list(Version.objects.filter(document_id=document.pk).select_related("created_by").order_by("number")),
        # The PDF bytes are read only when a signature is checked (trail_signatures).
        artifacts=list(DocumentArtifact.objects.filter(document_id=document.pk).order_by("pk")),
        deliveries=deliveries,
        head=AuditChainHead.objects.filter(organization_id=document.organization_id).first(),
    )


def trail_signatures(trail: Trail) -> list[dict[str, Any]]:
    """The signatures of the newest stored PDF (the issued one holds the signer's and the organization's), as
    signing.verification reads them: signer, certificate, time, whether it holds."""
    from signing.verification import UnreadablePdf, verify_pdf

    if not trail.artifacts:
        return []
    artifact = DocumentArtifact.objects.only("sha256", "kind").get(pk=trail.artifacts[-1].pk)
    try:
        report = verify_pdf(artifact.read())
    except UnreadablePdf:
        return []
    return [
        {
            "artifact_kind": artifact.get_kind_display(),
            "artifact_sha256": artifact.sha256,
            "signer": s.signer_name,
            "organization": s.signer_organization,
            "time": s.signing_time,
            "certificate": s.chain[0].subject if s.chain else "",
            "issuer": s.chain[0].issuer if s.chain else "",
            "serial": s.chain[0].serial if s.chain else "",
            "is_organization": s.is_organization,
            "intact": s.intact,
            "trusted": s.trusted,
            "ok": s.ok,
        }
        for s in report.signatures
    ]


# --- the organization's audit log -----------------------------------------------------------------------------


def log_organizations(*, user: Any) -> QuerySet[Organization]:
    """The organizations whose audit log `user` may read: as an auditor or its head; a superuser, all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.order_by("name")
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user_id=user.pk, is_active=True, role__in=LOG_READERS).values(
            "organization_id"
        )
    ).order_by("name")


def may_read_log(*, user: Any, organization_id: int) -> bool:
    return log_organizations(user=user).filter(pk=organization_id).exists()


def audit_log(*, organization_id: int, filters: dict[str, Any], before: int | None = None) -> list[AuditEvent]:
    """One page of one organization's log, newest first (the caller asked `may_read_log`).

    Keyset on the chain's own order, (organization, sequence) descending, which is the unique index's order and
    within one organization the same order as id: the page costs the same at event 10 and at event 10,000,000.
    Filters: actor (user id), action, date_from/date_to (Vietnam days), object ("type:id" or an id)."""
    queryset = AuditEvent.objects.filter(organization_id=organization_id)
    if filters.get("actor"):
        queryset = queryset.filter(actor_id=filters["actor"])
    if filters.get("action"):
        queryset = queryset.filter(action=filters["action"])
    if filters.get("date_from"):
        queryset = queryset.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        queryset = queryset.filter(created_at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    if filters.get("object"):
        object_type, _, object_id = filters["object"].rpartition(":")
        queryset = queryset.filter(object_id=object_id)
        if object_type:
            queryset = queryset.filter(object_type=object_type)
    if before is not None:
        queryset = queryset.filter(sequence__lt=before)
    return list(queryset.select_related("actor").order_by("-sequence")[: PAGE_SIZE + 1])


def log_actors(*, organization_id: int) -> QuerySet[Any]:
    """The organization's members, for the actor filter (one indexed query, not a DISTINCT over the log)."""
    return Membership.objects.filter(organization_id=organization_id).select_related("user").order_by("user__full_name")
