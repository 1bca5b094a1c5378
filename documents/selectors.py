"""Reads about documents: who may see what, lists, inboxes and history.

Visibility is role-based and computed from memberships with indexed subqueries (see docs/permissions.md).
django-guardian holds only the exceptions (explicit grants on one document); they are read through one
subquery on its UserObjectPermission table, never through `get_objects_for_user`, and never by scanning
every object permission of a user.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from audit.models import AuditEvent
from documents.dates import vn_today
from documents.models import Confidentiality, Delivery, DeliveryStatus, Document, Status
from organizations.models import Membership, Role, User

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


def _addressed_to(user: Any) -> Q:
    """Deliveries addressed to `user`: as their organization's clerk, by name, or to their unit
    (indexes delivery_org_status, delivery_person_status)."""
    units = Membership.objects.filter(user_id=user.pk, is_active=True, unit__isnull=False).values("unit_id")
    return Q(organization_id__in=_org_ids(user, Role.CLERK)) | Q(person_id=user.pk) | Q(unit_id__in=units)


def addressed_document_ids(*, user: Any) -> QuerySet[Delivery]:
    """Subquery: the documents delivered to `user`."""
    return Delivery.objects.filter(_addressed_to(user)).values("document_id")


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
    issuing_clerk = Q(organization_id__in=_org_ids(user, Role.CLERK), status__in=SIGNED_OR_LATER)
    # The addressees of an issued document, after its lines were expanded (documents.distribution): the
    # clerk of a recipient organization, a person named, the members of a unit named.
    recipient = Q(pk__in=addressed_document_ids(user=user), status__in=ISSUED_OR_LATER)
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
        | recipient
        | consulted
        | (Q(organization_id__in=_org_ids(user, Role.HEAD, Role.DEPUTY)) & ~Q(status=Status.DRAFT))
        | (Q(organization_id__in=_org_ids(user, Role.AUDITOR)) & put_before_them)
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


def visible_documents(*, user: Any) -> QuerySet[Document]:
    """Every document `user` may read; nothing for an anonymous user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Document.objects.none()
    return Document.objects.filter(visibility_filter(user=user))


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
    return {person.pk for person in people if visible_documents(user=person).filter(pk=document.pk).exists()}


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
