"""E-mail as each person chose: per kind of notification, at once, in a daily digest, or not at all.

Kinds group the domain events as a person thinks of them. An event belongs to its kind and, on a Khẩn /
Thượng khẩn / Hỏa tốc document, also to "văn bản khẩn"; the person's most immediate choice among the kinds it
belongs to wins (urgent documents by e-mail at once, even if the rest of that kind is not mailed). Choices equal
to the default are not stored, so a default changed later reaches everyone who never chose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from notifications.models import EmailChoice, EmailPreference

URGENT = "urgent"


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    default: str
    events: frozenset[str] = field(default_factory=frozenset)


KINDS: tuple[Kind, ...] = (
    Kind(
        "tasks",
        _("Việc chờ tôi xử lý (trình duyệt, chờ ký, trả lại, chờ cấp số, phân công)"),
        EmailChoice.NONE,
        frozenset(
            {
                "document_submitted",
                "document_unit_approved",
                "document_approved",
                "document_returned",
                "document_signed",
                "delivery_forwarded",
                "delivery_assigned",
            }
        ),
    ),
    Kind(
        "arrivals",
        _("Văn bản đến (văn bản mới, nhắc tiếp nhận, thu hồi)"),
        EmailChoice.IMMEDIATE,
        frozenset({"document_issued", "document_arrived", "document_recalled", "deliveries_reminded"}),
    ),
    Kind(URGENT, _("Văn bản khẩn, thượng khẩn, hỏa tốc (mọi thông báo)"), EmailChoice.IMMEDIATE),
    Kind("due_soon", _("Nhắc việc sắp đến hạn"), EmailChoice.NONE, frozenset({"step_due_soon"})),
    Kind(
        "overdue",
        _("Việc quá hạn (của tôi, và việc quá hạn được báo lên lãnh đạo)"),
        EmailChoice.IMMEDIATE,
        frozenset({"step_overdue", "step_escalated"}),
    ),
    Kind(
        "results",
        _("Kết quả gửi văn bản (cấp số, tiếp nhận, từ chối, xử lý, thu hồi)"),
        EmailChoice.NONE,
        frozenset(
            {
                "document_registered",
                "delivery_accepted",
                "delivery_refused",
                "delivery_in_progress",
                "delivery_done",
                "delivery_recalled",
                "delivery_recall_refused",
            }
        ),
    ),
)
BY_CODE = {kind.code: kind for kind in KINDS}
DEFAULTS = {kind.code: kind.default for kind in KINDS}
RANK = {EmailChoice.NONE: 0, EmailChoice.DIGEST: 1, EmailChoice.IMMEDIATE: 2}


def kinds_of(event: str, *, urgent: bool) -> list[str]:
    found = [kind.code for kind in KINDS if event in kind.events]
    return [*found, URGENT] if urgent else found


def choice_for(choices: dict[str, str], event: str, *, urgent: bool) -> str:
    """How a person with these stored `choices` gets this event by e-mail (immediate, digest or none)."""
    return max(
        (choices.get(code, DEFAULTS[code]) for code in kinds_of(event, urgent=urgent)),
        key=lambda choice: RANK[choice],
        default=EmailChoice.NONE,
    )


@dataclass(frozen=True)
class Mailbox:
    email: str
    choices: dict[str, str]


def mailboxes(user_ids: Iterable[int]) -> dict[int, Mailbox]:
    """The address and stored choices of every active person among `user_ids` who has an address (one query)."""
    from organizations.models import User

    found: dict[int, Mailbox] = {}
    rows = (
        User.objects.filter(pk__in=list(user_ids), is_active=True)
        .exclude(email="")
        .values_list("pk", "email", "email_preferences__category", "email_preferences__choice")
    )
    for pk, email, category, choice in rows:
        mailbox = found.setdefault(pk, Mailbox(email=email, choices={}))
        if category:
            mailbox.choices[category] = choice
    return found


def preferences_of(*, user: Any) -> dict[str, str]:
    """Every kind with the person's choice (stored or default), in display order."""
    stored = dict(EmailPreference.objects.filter(user_id=user.pk).values_list("category", "choice"))
    return {kind.code: stored.get(kind.code, kind.default) for kind in KINDS}


def set_preferences(*, actor: Any, choices: dict[str, Any]) -> dict[str, str]:
    """The person sets their own choices (any subset of the kinds); returns them all. A personal setting, not a
    record of the office's work: it is not written to the audit chain."""
    unknown = sorted(set(choices) - set(BY_CODE))
    if unknown:
        raise ValidationFailed(
            f"Loại thông báo không có: {', '.join(map(str, unknown))}.", details={"field": "preferences"}
        )
    bad = sorted(code for code, choice in choices.items() if choice not in EmailChoice.values)
    if bad:
        raise ValidationFailed(
            "Cách nhận thư phải là: gửi ngay (immediate), tóm tắt hằng ngày (digest) hoặc không gửi (none).",
            details={"field": "preferences", "kinds": bad},
        )
    with transaction.atomic():
        for code, choice in choices.items():
            if choice == DEFAULTS[code]:
                EmailPreference.objects.filter(user_id=actor.pk, category=code).delete()
            else:
                EmailPreference.objects.update_or_create(user_id=actor.pk, category=code, defaults={"choice": choice})
    return preferences_of(user=actor)
