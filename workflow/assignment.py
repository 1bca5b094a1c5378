"""Who acts next: assignment by role, computed from Membership rows (indexed), and leave → delegate.

Rules (docs/workflow.md):
- reviewer: document.reviewer if set, else the deputy of the drafting unit, else any deputy other than
  the drafter, else the head; an absent reviewer's task goes to their delegate.
- signer: document.signer, always (signing authority is personal and printed on the document: a delegate
  cannot sign for an absent signer unless the draft names them as signer with a KT. delegation).
- clerk steps (register, issue, archive): the clerk queue of the issuing organization, claimable by any
  of its clerks; the drafter may also file (archive) their own document.
- consultation (xin ý kiến): one task per consulted unit, in the queue of that unit's members.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from documents.dates import vn_today
from documents.models import Document
from organizations import selectors
from organizations.models import Membership, Role, User
from workflow.models import Absence

# Steps that wait in a role's queue of the document's organization instead of going to one person.
QUEUE_ROLES: dict[str, str] = {"register": Role.CLERK, "issue": Role.CLERK, "archive": Role.CLERK}
# A consultation waits in the queue of the consulted unit's members.
CONSULT_STEP = "consult"
LEADER_ROLES = (Role.HEAD, Role.DEPUTY)
MAX_DELEGATION_HOPS = 5


def present_delegate(user: Any, *, on: dt.date | None = None) -> Any:
    """The person who takes `user`'s tasks on that day: `user` unless absent, then their delegate (transitively)."""
    if user is None:
        return None
    day = on or vn_today()
    seen = {user.pk}
    for _ in range(MAX_DELEGATION_HOPS):
        absence = (
            Absence.objects.filter(user_id=user.pk, start__lte=day, end__gte=day)
            .select_related("delegate")
            .order_by("-start", "-pk")
            .first()
        )
        if absence is None or absence.delegate_id in seen:
            return user
        user = absence.delegate
        seen.add(user.pk)
    return user


def default_reviewer(document: Document) -> User | None:
    """The organization's rule (organizations.selectors.default_reviewer) for this draft."""
    return selectors.default_reviewer(
        organization_id=document.organization_id,
        drafting_unit_id=document.drafting_unit_id,
        drafter_id=document.drafter_id,
    )


def reviewer_for(document: Document, *, requested: Any = None) -> User | None:
    """The reviewer the review task goes to, after leave is taken into account."""
    return present_delegate(requested or document.reviewer or default_reviewer(document))


def consult_unit_members(unit_id: int | None) -> Any:
    """Memberships that may give a consulted unit's opinion: its active members, auditors excepted."""
    return Membership.objects.filter(unit_id=unit_id, is_active=True).exclude(role=Role.AUDITOR)


def in_queue(*, user: Any, step: str, document: Document, unit_id: int | None = None) -> bool:
    """May `user` take an unassigned task of this step for this document from the queue?

    For a consultation, `unit_id` is the consulted unit (the task's seed).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if step == CONSULT_STEP:
        return consult_unit_members(unit_id).filter(user_id=user.pk).exists()
    role = QUEUE_ROLES.get(step)
    if role is None:
        return False
    if step == "archive" and document.drafter_id == user.pk:
        return True
    return Membership.objects.filter(
        user_id=user.pk, organization_id=document.organization_id, role=role, is_active=True
    ).exists()


def is_leader(*, user: Any, organization_id: int) -> bool:
    return Membership.objects.filter(
        user_id=getattr(user, "pk", None), organization_id=organization_id, role__in=LEADER_ROLES, is_active=True
    ).exists()


def is_head(*, user: Any, organization_id: int) -> bool:
    return Membership.objects.filter(
        user_id=getattr(user, "pk", None), organization_id=organization_id, role=Role.HEAD, is_active=True
    ).exists()


def may_reassign(*, actor: Any, step: str, owner_id: int | None, unit_id: int | None, document: Document) -> bool:
    """Who may hand an open task to someone else: the head of the issuing organization, or the leader of
    the person holding it — for a consultation, a leader of the consulted unit; for a clerk's step, a
    leader of the clerk's unit. A review is the head's to hand over (a reviewer's leader is the head).
    The actor must also be able to see the document (workflow.actions checks that first)."""
    if is_head(user=actor, organization_id=document.organization_id):
        return True
    unit_leaders = (Role.DEPUTY, Role.UNIT_LEAD)
    if step == CONSULT_STEP:
        return Membership.objects.filter(
            user_id=getattr(actor, "pk", None), unit_id=unit_id, role__in=unit_leaders, is_active=True
        ).exists()
    if step in QUEUE_ROLES and owner_id is not None:
        owner_units = Membership.objects.filter(
            user_id=owner_id, organization_id=document.organization_id, is_active=True, unit__isnull=False
        ).values("unit_id")
        return Membership.objects.filter(
            user_id=getattr(actor, "pk", None), unit_id__in=owner_units, role__in=unit_leaders, is_active=True
        ).exists()
    return False


def reassign_candidates(*, step: str, owner_id: int | None, unit_id: int | None, document: Document) -> QuerySet[User]:
    """The people an open task may be handed to: those who could take that step themselves, never the
    drafter, never the current holder, never a system account."""
    if step == CONSULT_STEP:
        people = User.objects.filter(pk__in=consult_unit_members(unit_id).values("user_id"), is_active=True)
    elif step in QUEUE_ROLES:
        people = User.objects.filter(
            pk__in=selectors.members_with_role(organization_id=document.organization_id, role=QUEUE_ROLES[step]).values(
                "user_id"
            ),
            is_active=True,
        )
    elif step == "review":
        people = selectors.eligible_reviewers(organization_id=document.organization_id, drafter_id=document.drafter_id)
    else:
        return User.objects.none()
    return (
        people.exclude(pk=document.drafter_id)
        .exclude(pk=owner_id)
        .exclude(username=selectors.anonymous_username())
        .order_by("full_name", "username")
    )
