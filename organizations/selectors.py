"""Reads about who is who. Indexed queries on memberships; no object-permission scans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, Q, QuerySet, Value, When

from organizations.models import (
    Delegation,
    Membership,
    Organization,
    RecipientGroup,
    Role,
    SignatureForm,
    Unit,
    User,
)

# Who may be named on a document for each personal step (docs/permissions.md, "Who may be named").
REVIEWER_ROLES = (Role.HEAD, Role.DEPUTY)
SIGNER_ROLES = (Role.HEAD, Role.DEPUTY)


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


def anonymous_username() -> str:
    """guardian's anonymous user: a row in the user table that is nobody."""
    return getattr(settings, "ANONYMOUS_USER_NAME", "AnonymousUser")


def is_system_account(user: Any) -> bool:
    """Not a person who can take a step: missing, inactive, or guardian's anonymous user."""
    if user is None or not getattr(user, "pk", None) or not getattr(user, "is_active", False):
        return True
    return getattr(user, "username", "") == anonymous_username()


def _people(*, organization_id: int, roles: tuple[str, ...], drafter_id: int | None) -> QuerySet[User]:
    members = Membership.objects.filter(organization_id=organization_id, role__in=roles, is_active=True)
    anonymous = anonymous_username()
    return (
        User.objects.filter(pk__in=members.values("user_id"), is_active=True)
        .exclude(pk=drafter_id)
        .exclude(username=anonymous)
    )


def eligible_reviewers(*, organization_id: int, drafter_id: int | None) -> QuerySet[User]:
    """Who may review a draft of this organization: its active head and deputies, never the drafter."""
    return _people(organization_id=organization_id, roles=REVIEWER_ROLES, drafter_id=drafter_id)


def eligible_signers(*, organization_id: int, drafter_id: int | None) -> QuerySet[User]:
    """Who may be named to sign: its active head and deputies, and anyone holding a delegation of it
    (TL., TUQ., Q. are often held by heads of internal units); never the drafter.

    Whether the person holds the form chosen on the signing day is checked when they sign (may_sign_with).
    """
    delegates = Delegation.objects.filter(organization_id=organization_id).values("delegate_id")
    members = Membership.objects.filter(organization_id=organization_id, is_active=True).values("user_id")
    anonymous = anonymous_username()
    leaders = _people(organization_id=organization_id, roles=SIGNER_ROLES, drafter_id=drafter_id)
    delegated = (
        User.objects.filter(pk__in=delegates, is_active=True)
        .filter(pk__in=members)
        .exclude(pk=drafter_id)
        .exclude(username=anonymous)
    )
    return User.objects.filter(Q(pk__in=leaders.values("pk")) | Q(pk__in=delegated.values("pk")))


def may_review(*, user: Any, organization_id: int, drafter_id: int | None) -> bool:
    if is_system_account(user):
        return False
    return eligible_reviewers(organization_id=organization_id, drafter_id=drafter_id).filter(pk=user.pk).exists()


def may_be_signer(*, user: Any, organization_id: int, drafter_id: int | None) -> bool:
    if is_system_account(user):
        return False
    return eligible_signers(organization_id=organization_id, drafter_id=drafter_id).filter(pk=user.pk).exists()


@dataclass(frozen=True)
class RecipientChoices:
    """What a drafter of one organization may pick for a "Nơi nhận" line (documents' _write_recipients checks
    the same rule): its named groups, the other organizations of the directory (its own subordinates first),
    its units, and its active people."""

    groups: list[RecipientGroup]
    organizations: list[Organization]
    units: list[Unit]
    people: list[Membership]


def recipient_choices(organization: Organization) -> RecipientChoices:
    """Four queries whatever the size of the directory."""
    groups = list(RecipientGroup.objects.filter(organization=organization).order_by("name", "pk"))
    organizations = list(
        Organization.objects.exclude(pk=organization.pk)
        .annotate(is_subordinate=Case(When(parent_id=organization.pk, then=Value(0)), default=Value(1)))
        .order_by("is_subordinate", "name", "place_name", "pk")
    )
    units = list(Unit.objects.filter(organization=organization).order_by("name", "pk"))
    seen: set[int] = set()
    people = []
    memberships = (
        Membership.objects.filter(organization=organization, is_active=True, user__is_active=True)
        .exclude(user__username=anonymous_username())
        .select_related("user", "unit")
        .order_by("user__full_name", "user_id", "pk")
    )
    for membership in memberships:  # one line per person, whatever their number of posts
        if membership.user_id not in seen:
            seen.add(membership.user_id)
            people.append(membership)
    return RecipientChoices(groups=groups, organizations=organizations, units=units, people=people)
