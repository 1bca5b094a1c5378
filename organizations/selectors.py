"""Reads about who is who. Indexed queries on memberships; no object-permission scans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from organizations.models import Delegation, Membership, Organization, Role, SignatureForm


def roles_in(*, user: Any, organization_id: int) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, organization_id=organization_id, is_active=True).values_list(
            "role", flat=True
        )
    )


def has_role(*, user: Any, organization_id: int, roles: set[str] | tuple[str, ...]) -> bool:
    return bool(roles_in(user=user, organization_id=organization_id) & set(roles))


def membership_of(*, user: Any, organization_id: int) -> Membership | None:
    """The person's leading post in the organization (head before deputy before others)."""
    rank = {Role.HEAD: 0, Role.DEPUTY: 1, Role.CLERK: 2, Role.STAFF: 3, Role.AUDITOR: 4}
    memberships = list(
        Membership.objects.filter(user=user, organization_id=organization_id, is_active=True).select_related("unit")
    )
    return min(memberships, key=lambda m: rank[Role(m.role)], default=None)


def members_with_role(*, organization_id: int, role: str) -> QuerySet[Membership]:
    return Membership.objects.filter(organization_id=organization_id, role=role, is_active=True).select_related(
        "user", "unit"
    )


def active_delegation(
    *, user: Any, organization_id: int, form: str, doc_type_id: int, on: dt.date
) -> Delegation | None:
    """The delegation that lets `user` sign with `form` for this document type on that day, if any."""
    return (
        Delegation.objects.filter(delegate=user, organization_id=organization_id, form=form, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .filter(Q(document_types__isnull=True) | Q(document_types__id=doc_type_id))
        .first()
    )


def may_sign_with(*, user: Any, organization: Organization, form: str, doc_type_id: int, on: dt.date) -> bool:
    """A head signs directly (or TM. for a collective); every other form needs a delegation in force."""
    roles = roles_in(user=user, organization_id=organization.pk)
    if form == SignatureForm.DIRECT:
        return Role.HEAD in roles
    if form == SignatureForm.TM and Role.HEAD in roles and organization.collective_name:
        return True
    if form == SignatureForm.KT and Role.DEPUTY not in roles:
        return False
    return (
        active_delegation(user=user, organization_id=organization.pk, form=form, doc_type_id=doc_type_id, on=on)
        is not None
    )


def signer_title_lines(*, organization: Organization, form: str, signer_post_title: str) -> list[str]:
    """The title lines above a signature, per the signature form (NĐ 30/2020, Phụ lục I)."""
    head = organization.head_title.upper()
    post = signer_post_title.upper()
    if form == SignatureForm.DIRECT:
        return [head]
    if form == SignatureForm.TM:
        collective = (organization.collective_name or organization.name).upper()
        return [f"TM. {collective}", post or head]
    if form == SignatureForm.Q:
        return [f"Q. {head}"]
    return [f"{form}. {head}", post]


def default_reviewer(*, organization_id: int, drafting_unit_id: int | None, drafter_id: int) -> Any:
    """Who reviews a draft when nobody is named: the deputy of the drafting unit, else any other deputy,
    else the head — never the drafter. None where the organization has none of them."""
    deputies = list(
        Membership.objects.filter(organization_id=organization_id, role=Role.DEPUTY, is_active=True)
        .exclude(user_id=drafter_id)
        .select_related("user")
        .order_by("pk")
    )
    same_unit = [m for m in deputies if drafting_unit_id and m.unit_id == drafting_unit_id]
    chosen = (same_unit or deputies)[:1]
    if chosen:
        return chosen[0].user
    head = (
        Membership.objects.filter(organization_id=organization_id, role=Role.HEAD, is_active=True)
        .exclude(user_id=drafter_id)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return head.user if head else None
