"""Who may read which register and which dossiers, and the rows they read (docs/records.md).

Decided once here; every page and export of the records app asks these functions. The incoming registers'
rule is documents.selectors' (REGISTER_READERS), reused as it stands.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from documents.errors import NotFound, PermissionDenied
from documents.models import (
    DeliveryStatus,
    Document,
    Dossier,
    DossierEntry,
    FiledCopy,
    IncomingDocument,
    Origin,
    Recipient,
    Register,
    Status,
)
from documents.selectors import incoming_register, register_organizations, visible_documents
from organizations.models import Membership, Organization, Role

# The outgoing registers: the clerk who keeps them, the head and deputies, the auditors; the secret one only for
# the clerk and the head, as the secret incoming register (documents.selectors.REGISTER_READERS) — the roles that
# see every secret document the organization issues.
OUTGOING_READERS: dict[str, tuple[str, ...]] = {
    Register.REGULAR: (Role.CLERK, Role.HEAD, Role.DEPUTY, Role.AUDITOR),
    Register.SECRET: (Role.CLERK, Role.HEAD),
}
OUTGOING = (Register.REGULAR, Register.SECRET)
INCOMING = (Register.INCOMING, Register.INCOMING_SECRET)
REGISTERS = (*OUTGOING, *INCOMING)
# What an outgoing register lists: every document that received a number here.
NUMBERED_STATES = (Status.REGISTERED, Status.ISSUED, Status.ARCHIVED, Status.RECALLED)
# The dossier list: read by the organization's leaders and auditors, kept by its clerk and head.
DOSSIER_READERS = (Role.CLERK, Role.HEAD, Role.DEPUTY, Role.AUDITOR)


def _member_organizations(user: Any, roles: tuple[str, ...]) -> QuerySet[Organization]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    ids = Membership.objects.filter(user_id=user.pk, role__in=roles, is_active=True).values("organization_id")
    return Organization.objects.filter(pk__in=ids).order_by("name")


def register_readable_organizations(*, user: Any, register: str) -> QuerySet[Organization]:
    """The organizations whose `register` `user` may read (none for a register name that does not exist)."""
    if register in OUTGOING_READERS:
        return _member_organizations(user, OUTGOING_READERS[register])
    if register in INCOMING:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return Organization.objects.none()
        return register_organizations(user=user, register=register)
    return Organization.objects.none()


def readable_registers(*, user: Any) -> list[str]:
    """The registers `user` may read in at least one organization, in the order the menu lists them."""
    return [r for r in REGISTERS if register_readable_organizations(user=user, register=r).exists()]


def may_read_register(*, user: Any, organization_id: int, register: str) -> bool:
    return register_readable_organizations(user=user, register=register).filter(pk=organization_id).exists()


def _apply(queryset: QuerySet[Any], filters: dict[str, Any], fields: dict[str, str]) -> QuerySet[Any]:
    for name, lookup in fields.items():
        value = filters.get(name)
        if value not in (None, ""):
            queryset = queryset.filter(**{lookup: value})
    return queryset


def outgoing_register(
    *, user: Any, organization_id: int, register: str, year: int, filters: dict[str, Any] | None = None
) -> QuerySet[Document]:
    """Sổ văn bản đi of one organization for one year, by number: a constant number of queries for any page."""
    if register not in OUTGOING or not may_read_register(user=user, organization_id=organization_id, register=register):
        raise PermissionDenied("Bạn không được xem sổ văn bản đi này.")
    rows = Document.objects.filter(
        organization_id=organization_id,
        origin=Origin.INTERNAL,
        register=register,
        number_year=year,
        number__isnull=False,
        status__in=NUMBERED_STATES,
    )
    rows = _apply(
        rows,
        filters or {},
        {
            "doc_type": "doc_type_id",
            "unit": "drafting_unit_id",
            "status": "status",
            "confidentiality": "confidentiality",
        },
    )
    return (
        rows.select_related("doc_type", "signer", "drafting_unit")
        .prefetch_related(
            Prefetch("recipients", queryset=Recipient.objects.order_by("position")),
            Prefetch("filed_copies", queryset=FiledCopy.objects.order_by("position")),
        )
        .order_by("number", "pk")
    )


def incoming_rows(
    *, user: Any, organization_id: int, register: str, year: int, filters: dict[str, Any] | None = None
) -> QuerySet[IncomingDocument]:
    """Sổ văn bản đến, through documents.selectors.incoming_register (its rule and its related rows), filtered."""
    if register not in INCOMING:
        raise PermissionDenied("Bạn không được xem sổ văn bản đến này.")
    rows = incoming_register(user=user, organization_id=organization_id, year=year, register=register)
    return _apply(
        rows,
        filters or {},
        {
            "doc_type": "delivery__document__doc_type_id",
            "unit": "assigned_unit_id",
            "status": "delivery__status",
            "confidentiality": "delivery__document__confidentiality",
        },
    )


def status_choices(register: str) -> list[tuple[str, str]]:
    """The states a register's filter offers."""
    if register in OUTGOING:
        return [(s.value, s.label) for s in Status if s.value in NUMBERED_STATES]
    return [(s.value, s.label) for s in DeliveryStatus]


# --- dossiers ------------------------------------------------------------------------------------------------


def dossier_organizations(*, user: Any) -> QuerySet[Organization]:
    """The organizations whose dossier list `user` may read."""
    return _member_organizations(user, DOSSIER_READERS)


def dossier_keeping_organizations(*, user: Any) -> QuerySet[Organization]:
    """The organizations whose dossiers `user` may open, edit and close (documents.services.dossiers)."""
    return _member_organizations(user, (Role.CLERK, Role.HEAD))


def dossier_list(*, user: Any, organization_id: int, year: int) -> QuerySet[Dossier]:
    """Danh mục hồ sơ of one organization for one year, each with its number of documents."""
    if not dossier_organizations(user=user).filter(pk=organization_id).exists():
        raise PermissionDenied("Bạn không được xem danh mục hồ sơ của cơ quan này.")
    return (
        Dossier.objects.filter(organization_id=organization_id, year=year)
        .select_related("retention_period", "owner_unit")
        .annotate(document_count=Count("entries"))
        .order_by("code")
    )


def dossier_get(*, user: Any, pk: int) -> Dossier:
    """One dossier its reader may open; 404 for anyone else (they need not learn it exists)."""
    dossier = (
        Dossier.objects.filter(pk=pk, organization__in=dossier_organizations(user=user))
        .select_related("organization", "retention_period", "owner_unit")
        .first()
    )
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    return dossier


def open_dossiers(*, organization_id: int, year: int) -> QuerySet[Dossier]:
    """The open dossiers of a year a document may still be filed into."""
    return Dossier.objects.filter(organization_id=organization_id, year=year, is_closed=False).order_by("code")


def dossier_entries(*, dossier: Dossier, user: Any) -> list[DossierEntry]:
    """The table of contents, in order; `entry.readable` says whether `user` may read the document itself (a
    secret document shows as such to a leader who may not read it)."""
    entries = list(
        DossierEntry.objects.filter(dossier_id=dossier.pk)
        .select_related("document", "document__doc_type", "added_by")
        .order_by("position")
    )
    readable = set(
        visible_documents(user=user).filter(pk__in=[e.document_id for e in entries]).values_list("pk", flat=True)
    )
    for entry in entries:
        entry.readable = entry.document_id in readable
    return entries


def document_dossiers(*, document: Document) -> QuerySet[DossierEntry]:
    """The dossiers one document sits in (the document page's list)."""
    return DossierEntry.objects.filter(document_id=document.pk).select_related("dossier").order_by("dossier__code")


def fileable_documents(*, user: Any, dossier: Dossier, query: str = "") -> QuerySet[Document]:
    """Issued documents of the dossier's organization `user` may read, not yet in it: what the dossier page offers."""
    rows = (
        visible_documents(user=user)
        .filter(organization_id=dossier.organization_id, origin=Origin.INTERNAL)
        .filter(status__in=(Status.ISSUED, Status.ARCHIVED, Status.RECALLED))
        .exclude(pk__in=DossierEntry.objects.filter(dossier_id=dossier.pk).values("document_id"))
        .select_related("doc_type")
    )
    query = query.strip()
    if query:
        rows = rows.filter(code__icontains=query) | rows.filter(subject__icontains=query)
    return rows.order_by("-issued_at", "-pk")


def records_menu(*, user: Any) -> dict[str, Any]:
    """What the header offers: the first register `user` may read (or None) and whether the dossier list is
    theirs. One query, from the same reader tables as the pages."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {"register": None, "dossiers": False}
    from documents.selectors import REGISTER_READERS

    roles = set(Membership.objects.filter(user_id=user.pk, is_active=True).values_list("role", flat=True))
    readers = {**OUTGOING_READERS, **REGISTER_READERS}
    register = next((r for r in REGISTERS if roles & set(readers.get(r, ()))), None)
    return {"register": register, "dossiers": bool(roles & set(DOSSIER_READERS))}
