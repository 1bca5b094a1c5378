"""Who may read and edit a document, and the explicit grants that extend it (docs/permissions.md).

Two layers: the role rule (documents.selectors.visibility_filter, from memberships) and django-guardian
for exceptions — a confidential document shown to named people, a document shared with a consulted unit.
Lifecycle permissions (who may approve, sign, register…) are checked by documents.services.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from audit.services import record_event
from documents.errors import InvalidTransition, PermissionDenied, ValidationFailed
from documents.locks import lock_document
from documents.models import Document, Status
from documents.selectors import may_read
from organizations.models import Role
from organizations.selectors import has_role, is_system_account, roles_in

VIEW = "documents.view_document"
VIEW_CONFIDENTIAL = "documents.view_confidential_document"
GRANTING_ROLES = (Role.HEAD, Role.CLERK)
# A grant shows the document in every state but draft (a draft is its drafter's alone, docs/permissions.md);
# it ends when revoked, or when the document is cancelled (end_grants, called by document_cancel).
GRANT_ENDED_STATES = (Status.CANCELLED,)


def can_view(user: Any, document: Document) -> bool:
    """One indexed query: the same rule as every list, so a list and a detail never disagree."""
    return may_read(user=user, document_id=document.pk)


def can_edit(user: Any, document: Document) -> bool:
    """Only the drafter, only while it is a draft."""
    return document.status == Status.DRAFT and document.drafter_id == getattr(user, "pk", None)


def check_edit(user: Any, document: Document) -> None:
    """403 for anyone but the drafter; 409 for the drafter once the draft has left their hands."""
    if document.drafter_id != getattr(user, "pk", None):
        raise PermissionDenied("Chỉ người soạn thảo được sửa dự thảo.")
    if document.status != Status.DRAFT:
        raise InvalidTransition(
            "Văn bản đã trình hoặc đã ký không được sửa nội dung.", details={"status": document.status}
        )


def may_cancel(user: Any, document: Document) -> bool:
    """The drafter or the head abandons a draft or a document still in review (the state is the FSM's)."""
    return document.drafter_id == getattr(user, "pk", None) or has_role(
        user=user, organization_id=document.organization_id, roles=(Role.HEAD,)
    )


def may_recall(user: Any, document: Document) -> bool:
    """Only the head of the issuing organization takes an issued document back."""
    return has_role(user=user, organization_id=document.organization_id, roles=(Role.HEAD,))


def sees_deliveries(user: Any, document: Document) -> bool:
    """The sender's table (every addressee, its status, refusals): people of the issuing organization who may
    read the document (the caller checked that through the one visibility rule); one indexed query."""
    if getattr(user, "pk", None) is None:
        return False
    return bool(roles_in(user=user, organization_id=document.organization_id))


def sees_full_history(user: Any, document: Document) -> bool:
    """Auditors of the issuing organization read every detail of the log."""
    return has_role(user=user, organization_id=document.organization_id, roles=(Role.AUDITOR,))


def _check_granting(document: Document, actor: Any) -> None:
    if not has_role(user=actor, organization_id=document.organization_id, roles=GRANTING_ROLES):
        raise PermissionDenied("Chỉ người đứng đầu hoặc văn thư của cơ quan ban hành được cấp quyền xem văn bản.")


@transaction.atomic
def grant_view(*, document: Document, user: Any, actor: Any) -> Document:
    """Let `user` read this one document (a confidential one included); recorded in the audit log."""
    document = lock_document(document.pk)
    _check_granting(document, actor)
    if is_system_account(user):
        raise ValidationFailed("Người được cấp quyền không còn hoạt động.", details={"field": "user"})
    if document.status in GRANT_ENDED_STATES:
        raise InvalidTransition("Văn bản đã hủy: không cấp quyền xem.", details={"status": document.status})
    assign_perm(VIEW, user, document)
    if document.is_secret:
        assign_perm(VIEW_CONFIDENTIAL, user, document)
    record_event(
        organization_id=document.organization_id,
        actor=actor,
        action="document.grant_view",
        obj=document,
        details={"user": user.pk, "user_name": str(user), "confidential": document.is_secret},
    )
    return document


@transaction.atomic
def revoke_view(*, document: Document, user: Any, actor: Any) -> Document:
    """Take an explicit grant back; the role rule still applies."""
    document = lock_document(document.pk)
    _check_granting(document, actor)
    remove_perm(VIEW, user, document)
    remove_perm(VIEW_CONFIDENTIAL, user, document)
    record_event(
        organization_id=document.organization_id,
        actor=actor,
        action="document.revoke_view",
        obj=document,
        details={"user": user.pk, "user_name": str(user)},
    )
    return document


def end_grants(*, document: Document) -> list[int]:
    """Remove every explicit grant on `document`; returns the users who held one. Called inside the
    service that ends the document (its audit event lists them), never on its own."""
    grants = UserObjectPermission.objects.filter(
        content_type__app_label="documents", content_type__model="document", object_pk=str(document.pk)
    )
    users = sorted(set(grants.values_list("user_id", flat=True)))
    grants.delete()
    return users
