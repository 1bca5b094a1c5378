"""Reads about who is who. Indexed queries on memberships; no object-permission scans."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from organizations.authority import TM, chain_for, chain_of_steps
from organizations.models import (
    Delegation,
    Membership,
    Organ,
    Organization,
    RecipientGroup,
    Role,
    SignatureForm,
    Unit,
    User,
)
from organizations.naming import expand

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
    # A unit head (TL., TUQ. are often theirs) ranks after the deputy; it had no rank and raised KeyError.
    rank = {Role.HEAD: 0, Role.DEPUTY: 1, Role.UNIT_LEAD: 2, Role.CLERK: 3, Role.STAFF: 4, Role.AUDITOR: 5}
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
    """A head signs directly (or TM. for a collective); every other form needs a delegation in force.

    The same rule as the forms the drafting page offers (signature_forms_for), so a form offered is a form that
    signs."""
    held = signature_forms_for(signer=user, organization=organization, doc_type_id=doc_type_id, on=on)
    return any(choice.form == form for choice in held)


def signature_form_refusal(
    *, signer: Any, organization: Organization, form: str, doc_type_id: int | None, on: dt.date
) -> str | None:
    """Why `signer` may not be named with `form` on day `on` (None: they hold it), in the drafter's words.

    The drafting page, the API and every other way a draft is saved ask this, through the drafting services."""
    held = signature_forms_for(signer=signer, organization=organization, doc_type_id=doc_type_id, on=on)
    if any(h.form == form for h in held):
        return None
    message = _("%(name)s không giữ thể thức ký “%(form)s” vào ngày %(day)s.") % {
        "name": signer.display_name,
        "form": SignatureForm(form).label,
        "day": on.strftime("%d/%m/%Y"),
    }
    if held:
        return message + " " + _("Có thể chọn: %(forms)s.") % {"forms": ", ".join(h.label for h in held)}
    return message + " " + _("Người này chưa giữ thể thức ký nào: chọn người ký khác.")


@dataclass(frozen=True)
class HeldForm:
    """A signature form a person holds on a day, and why, in words the drafter reads."""

    form: str
    label: str
    reason: str


_DELEGATED_PHRASES = {
    SignatureForm.TM: "ký thay mặt (TM.)",
    SignatureForm.KT: "ký thay (KT.)",
    SignatureForm.Q: "ký quyền (Q.)",
    SignatureForm.TL: "ký thừa lệnh (TL.)",
    SignatureForm.TUQ: "ký thừa ủy quyền (TUQ.)",
    SignatureForm.TM_KT: "ký thay (KT.) thay mặt tập thể (TM.)",
    SignatureForm.TM_Q: "ký quyền (Q.) thay mặt tập thể (TM.)",
    SignatureForm.TL_KT: "ký thay (KT.) người ký thừa lệnh (TL.)",
}


def _period(delegation: Delegation) -> str:
    since = f"từ {delegation.valid_from:%d/%m/%Y}"
    return f"{since} đến {delegation.valid_until:%d/%m/%Y}" if delegation.valid_until else since


def unit_head_of(*, signer: Any, organization_id: int) -> Membership | None:
    """For TL.+KT.: the head (Role.UNIT_LEAD) of the internal unit `signer` belongs to, someone else than the
    signer, whose TL. the signer signs KT. for. None where the signer has no unit or the unit no other head."""
    units = Membership.objects.filter(
        user=signer, organization_id=organization_id, is_active=True, unit__isnull=False
    ).values("unit_id")
    return (
        Membership.objects.filter(organization_id=organization_id, unit_id__in=units, role=Role.UNIT_LEAD)
        .filter(is_active=True, user__is_active=True)
        .exclude(user=signer)
        .order_by("pk")
        .first()
    )


def signature_forms_for(
    *, signer: Any, organization: Organization, doc_type_id: int | None, on: dt.date
) -> list[HeldForm]:
    """The signature forms `signer` holds for this organization and document type on day `on`, with the reason
    ("Phó Trưởng phòng Nguyễn Văn A được giao ký thay (KT.) từ 01/01/2026"), one per authority chain
    (organizations.authority):

    - direct: the head; TM.: the head of an organization with a collective leadership, or a TM. delegation;
    - KT.: a deputy (Role.DEPUTY) with a KT. delegation in force; Q., TL., TUQ.: a delegation in force;
    - TM.+KT.: an organization with a `collective_name` and a deputy holding KT. (or a TM.+KT. delegation);
    - TM.+Q.: an organization with a `collective_name` and a Q. (or TM.+Q.) delegation in force;
    - TL.+KT.: a TL.+KT. delegation in force to a member of an internal unit whose head is someone else.

    Two queries, three when a TL.+KT. delegation is in force. `doc_type_id` None: any type."""
    if is_system_account(signer):
        return []
    memberships = list(Membership.objects.filter(user=signer, organization_id=organization.pk, is_active=True))
    roles = {m.role for m in memberships}
    post = next((m.post_title for m in memberships if m.role in (Role.HEAD, Role.DEPUTY) and m.post_title), "")
    post = post or next((m.post_title for m in memberships if m.post_title), "")
    who = f"{post.capitalize()} {signer.display_name}".strip()
    collective = organization.collective_name
    held: dict[str, HeldForm] = {}

    def hold(form: str, reason: str) -> None:
        held.setdefault(form, HeldForm(form, str(SignatureForm(form).label), reason))

    if Role.HEAD in roles:
        hold(SignatureForm.DIRECT, f"{who} là người đứng đầu, ký trực tiếp")
        if collective:
            hold(SignatureForm.TM, f"{who} ký thay mặt tập thể {collective}")
    delegations = (
        Delegation.objects.filter(delegate=signer, organization_id=organization.pk, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("valid_from", "pk")
    )
    if doc_type_id is not None:
        delegations = delegations.filter(Q(document_types__isnull=True) | Q(document_types__id=doc_type_id))
    for delegation in delegations.distinct():
        chain = chain_for(delegation.form)
        if chain.needs_deputy and Role.DEPUTY not in roles:
            continue  # KT. for the head is a deputy's, whoever was given it
        if chain.collective and chain.delegated_step and not collective:
            continue  # TM. needs a collective body to speak for
        period = _period(delegation)
        if chain.form == SignatureForm.TL_KT:
            unit_head = unit_head_of(signer=signer, organization_id=organization.pk)
            if unit_head is None:
                continue
            hold(
                chain.form,
                f"{who} được giao ký thay {unit_head.post_title.capitalize() or 'trưởng đơn vị'} "
                f"khi ký thừa lệnh (TL. + KT.) {period}",
            )
            continue
        hold(chain.form, f"{who} được giao {_DELEGATED_PHRASES[chain.form]} {period}")
        # A KT. or Q. delegation in a collective body is also its TM.+KT. or TM.+Q. (NĐ 30/2020, Phụ lục I).
        combined = chain_of_steps((TM, chain.delegated_step)) if collective and not chain.collective else None
        if combined is not None and not (combined.needs_deputy and Role.DEPUTY not in roles):
            hold(
                combined.form,
                f"{who} được giao {_DELEGATED_PHRASES[chain.form]} {period}, thay mặt tập thể {collective}",
            )
    order = list(SignatureForm.values)
    return sorted(held.values(), key=lambda choice: order.index(choice.form))


def signer_title_lines(
    *, organization: Organization, form: str, signer_post_title: str, unit_head_title: str = ""
) -> list[str]:
    """The title lines above a signature, per the signature form's authority chain (NĐ 30/2020, Phụ lục I)."""
    return chain_for(form).title_lines(
        head_title=organization.head_title,
        collective_name=organization.collective_name or organization.name,
        signer_post_title=signer_post_title,
        unit_head_title=unit_head_title,
    )


def title_lines_of(*, signer: Any, organization: Organization, form: str) -> list[str]:
    """signer_title_lines for a person: their leading post in the organization and, for TL.+KT., the title of
    their unit's head. What the draft prints and the sign step freezes (signing.titles, document_sign)."""
    post_title, unit_head_title = "", ""
    if signer is not None:
        membership = membership_of(user=signer, organization_id=organization.pk)
        post_title = membership.post_title if membership else ""
        if form == SignatureForm.TL_KT and (unit_head := unit_head_of(signer=signer, organization_id=organization.pk)):
            unit_head_title = unit_head.post_title
    return signer_title_lines(
        organization=organization, form=form, signer_post_title=post_title, unit_head_title=unit_head_title
    )


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
        .filter(outside=False)  # an outside body is reached through the exchange or e-mail
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


def leaders_of(*, user_ids: set[int], organization_id: int) -> set[int]:
    """Who is told when these people let a step run late (workflow.reminders): each one's leader in the
    organization — for a member of a unit with a lead (trưởng đơn vị, tổ trưởng), that lead; else the deputy of
    their unit; else the head; for a deputy or a unit lead without a deputy above, the head; for the head, nobody
    in the organization. The people themselves are never their own leaders. One query."""
    posts = list(
        Membership.objects.filter(organization_id=organization_id, is_active=True, user__is_active=True).values_list(
            "user_id", "unit_id", "role"
        )
    )
    heads = {user for user, _, role in posts if role == Role.HEAD}
    leaders: set[int] = set()
    for person in user_ids:
        roles = {role for user, _, role in posts if user == person}
        units = {unit for user, unit, _ in posts if user == person and unit}
        if not roles or Role.HEAD in roles:  # not of this organization, or at its top
            continue
        if Role.DEPUTY in roles:
            leaders |= heads
            continue
        unit_leads = {user for user, unit, role in posts if role == Role.UNIT_LEAD and unit in units}
        deputies = {user for user, unit, role in posts if role == Role.DEPUTY and unit in units}
        if Role.UNIT_LEAD not in roles and unit_leads - {person}:
            leaders |= unit_leads - {person}
        else:
            leaders |= deputies or heads
    return leaders - set(user_ids)


# --- the organ directory (organizations.Organ) ---------------------------------------------------------------

_CODE_QUERY = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]*)*$")
_LOCAL_GOVERNMENT = re.compile(r"^(uy ban nhan dan|hoi dong nhan dan) (?P<place>.+)$")


def organ_search(*, q: str = "") -> QuerySet[Organ]:
    """The directory by code (prefix of the old or the newer code) or by name (every word of the query, in the
    normal form of organizations.naming, so "PGD&ĐT Cần Giuộc" finds "Phòng Giáo dục và Đào tạo huyện Cần Giuộc").

    A name search reads `name_key` with LIKE '%word%': a scan of the table (~100,000 short rows), tens of
    milliseconds on PostgreSQL; the ordering uses the (name_key, code) index."""
    organs = Organ.objects.order_by("name_key", "code")
    q = " ".join(q.split())
    if not q:
        return organs
    if any(c.isdigit() for c in q) and _CODE_QUERY.match(q):
        code = q.upper()
        return organs.filter(Q(code__startswith=code) | Q(new_code__startswith=code))
    for word in expand(q).split():
        organs = organs.filter(name_key__contains=word)
    return organs


def organ_for_name(*, name: str, parent_line_name: str = "") -> Organ | None:
    """The directory's entry for a body as its header prints it ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" under "UBND HUYỆN
    CẦN GIUỘC"), or None when the name is not there or stays ambiguous. Tried in order: the name with the place of
    its local government ("… huyện Cần Giuộc"), then the name alone, told apart by the parent line's entry."""
    key = expand(name)
    if not key:
        return None
    parent_key = expand(parent_line_name)
    keys = [key]
    if local := _LOCAL_GOVERNMENT.match(parent_key):
        keys.insert(0, f"{key} {local['place']}")
    for candidate_key in keys:
        found = list(Organ.objects.filter(name_key=candidate_key).select_related("parent")[:20])
        if len(found) > 1 and parent_key:
            found = [organ for organ in found if organ.parent is not None and organ.parent.name_key == parent_key]
        if len(found) == 1:
            return found[0]
    return None


# --- my settings (personal): who may take my steps while I am away, who may sign for whom ------------------------

# For each role, the roles of a colleague who can do its steps (review and sign need a leader; the clerk's steps a
# clerk; a drafter's steps anyone who drafts or leads).
STAND_IN_ROLES: dict[str, tuple[str, ...]] = {
    Role.HEAD: (Role.HEAD, Role.DEPUTY),
    Role.DEPUTY: (Role.HEAD, Role.DEPUTY),
    Role.UNIT_LEAD: (Role.HEAD, Role.DEPUTY, Role.UNIT_LEAD),
    Role.STAFF: (Role.HEAD, Role.DEPUTY, Role.UNIT_LEAD, Role.STAFF),
    Role.CLERK: (Role.CLERK,),
    Role.AUDITOR: (Role.AUDITOR,),
}
# What a head may give a member of the organization (direct is the head's own; Q. and TM. are not given here, and
# a KT. given in a collective body is also its TM.+KT.). TL.+KT. goes to the deputy of an internal unit.
GIVABLE_FORMS = (SignatureForm.KT, SignatureForm.TL, SignatureForm.TUQ, SignatureForm.TL_KT)


def absence_delegates_for(*, user: Any) -> QuerySet[User]:
    """Who may take `user`'s tasks while away: an active colleague of one of their organizations holding, there, a
    role that can do the steps of each of `user`'s roles in it; never `user`. Two queries."""
    posts = list(Membership.objects.filter(user=user, is_active=True).values_list("organization_id", "role"))
    by_organization: dict[int, set[str]] = {}
    for organization_id, role in posts:
        by_organization.setdefault(organization_id, set()).add(role)
    allowed = Q(pk__in=[])
    for organization_id, roles in by_organization.items():
        fitting = Membership.objects.filter(organization_id=organization_id, is_active=True)
        for role in roles:  # a colleague who can do every one of my steps there
            fitting = fitting.filter(
                user__in=Membership.objects.filter(
                    organization_id=organization_id, is_active=True, role__in=STAND_IN_ROLES[Role(role)]
                ).values("user_id")
            )
        allowed |= Q(pk__in=fitting.values("user_id"))
    return (
        User.objects.filter(allowed, is_active=True)
        .exclude(pk=user.pk)
        .exclude(username=anonymous_username())
        .order_by("full_name", "pk")
    )


def headed_organizations(*, user: Any) -> list[Organization]:
    """The organizations `user` heads: where they may give others a signature form."""
    return list(
        Organization.objects.filter(
            memberships__user=user, memberships__role=Role.HEAD, memberships__is_active=True
        ).distinct()
    )


def delegations_of(*, user: Any) -> tuple[list[Delegation], list[Delegation]]:
    """The delegations `user` received (the forms they hold, with periods) and those they gave. Two queries."""
    related = ("organization", "delegate", "principal")
    received = list(
        Delegation.objects.filter(delegate=user)
        .select_related(*related)
        .prefetch_related("document_types")
        .order_by("-valid_from", "pk")
    )
    given = list(
        Delegation.objects.filter(principal=user)
        .select_related(*related)
        .prefetch_related("document_types")
        .order_by("-valid_from", "pk")
    )
    return received, given
