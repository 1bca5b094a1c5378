"""Who an issued document goes to: each "Nơi nhận" line expanded into addressees (docs/distribution.md).

A line names an organization, a unit or a person of the directory, a named group of the issuing organization
(expanded here, at issue, so the group's members are those of that day), or nobody in the directory (an
outside body, reached by the exchange, e-mail or paper). Expansion and writing take a constant number of
queries whatever the length of the list, and are idempotent: a (document, target) pair is unique, so issuing
again or retrying after a crash never makes a second delivery for an addressee, and never skips one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from documents.models import Delivery, DeliveryEvent, DeliveryKind, DeliveryStatus, Document, Recipient
from organizations.models import GroupRule, Membership, Organization, Role


@dataclass(frozen=True)
class Target:
    line: Recipient
    kind: str
    key: str
    organization_id: int | None = None
    unit_id: int | None = None
    person_id: int | None = None


def expand(lines: list[Recipient]) -> list[Target]:
    """Every addressee of these lines, first line first; an addressee named twice is kept once. Three
    queries at most: the lines are given, one for the subordinate organizations of every group, one for
    the leaders of every group."""
    subordinate_groups = [line.group for line in lines if line.group and line.group.rule == GroupRule.SUBORDINATES]
    leader_groups = [line.group for line in lines if line.group and line.group.rule == GroupRule.LEADERS]
    members: dict[int, list[tuple[str, str, dict[str, int]]]] = {}
    if subordinate_groups:
        condition = Q(pk__in=[])
        for group in subordinate_groups:
            under = Q(parent_id=group.organization_id)
            condition |= under & Q(kind=group.member_kind) if group.member_kind else under
        children = list(Organization.objects.filter(condition).order_by("name", "pk").values("pk", "parent_id", "kind"))
        for group in subordinate_groups:
            members[group.pk] = [
                (DeliveryKind.ORGANIZATION, f"o:{child['pk']}", {"organization_id": child["pk"]})
                for child in children
                if child["parent_id"] == group.organization_id and group.member_kind in ("", child["kind"])
            ]
    if leader_groups:
        leaders = list(
            Membership.objects.filter(
                organization_id__in={group.organization_id for group in leader_groups},
                role__in=(Role.HEAD, Role.DEPUTY),
                is_active=True,
                user__is_active=True,
            )
            .order_by("role", "pk")
            .values("organization_id", "user_id")
        )
        for group in leader_groups:
            members[group.pk] = [
                (DeliveryKind.PERSON, f"p:{row['user_id']}", {"person_id": row["user_id"]})
                for row in leaders
                if row["organization_id"] == group.organization_id
            ]
    targets: list[Target] = []
    seen: set[str] = set()
    for line in lines:
        for kind, key, ids in _targets_of(line, members):
            if key not in seen:
                seen.add(key)
                targets.append(Target(line=line, kind=kind, key=key, **ids))
    return targets


def _targets_of(line: Recipient, members: dict[int, list[tuple[str, str, dict[str, int]]]]) -> list[Any]:
    if line.group_id:
        return members.get(line.group_id, [])
    if line.person_id:
        return [(DeliveryKind.PERSON, f"p:{line.person_id}", {"person_id": line.person_id})]
    if line.unit_id:
        return [(DeliveryKind.UNIT, f"u:{line.unit_id}", {"unit_id": line.unit_id})]
    if line.organization_id:
        return [(DeliveryKind.ORGANIZATION, f"o:{line.organization_id}", {"organization_id": line.organization_id})]
    return [(DeliveryKind.EXTERNAL, f"x:{line.pk}", {})]


def write_deliveries(*, document: Document, now: dt.datetime, actor: Any) -> int:
    """One Delivery per addressee, with the first step of its history; returns how many exist now.

    Internal addressees have it at once (01, arrived); outside bodies wait for the exchange (queued).
    Called inside the issuing transaction; six queries whatever the number of addressees.
    """
    lines = list(document.recipients.select_related("group").order_by("position"))
    Delivery.objects.bulk_create(
        [
            Delivery(
                document=document,
                recipient=target.line,
                kind=target.kind,
                target=target.key,
                organization_id=target.organization_id,
                unit_id=target.unit_id,
                person_id=target.person_id,
                status=DeliveryStatus.QUEUED if target.kind == DeliveryKind.EXTERNAL else DeliveryStatus.ARRIVED,
                sent_at=now,
                status_at=now,
            )
            for target in expand(lines)
        ],
        ignore_conflicts=True,
    )
    # The history's first step, for the deliveries that have none yet (a retry writes only the missing ones).
    fresh = list(Delivery.objects.filter(document=document, events__isnull=True).values("pk", "status"))
    DeliveryEvent.objects.bulk_create(
        [
            DeliveryEvent(delivery_id=row["pk"], status=row["status"], at=now, actor_id=getattr(actor, "pk", None))
            for row in fresh
        ]
    )
    return Delivery.objects.filter(document=document).count()
