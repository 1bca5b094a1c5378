"""Match printed "Nơi nhận" lines ("Sở GD&ĐT tỉnh Long An", "TP, các PTP", "PGDĐT") to the directory.

Used by the importer: the printed line is kept as it is; a line that names one entry of the directory without
doubt is linked to it, every other line stays an outside body, and the caller is told which is which.

Names are compared after normalising case, diacritics (đ = d), punctuation and whitespace, and after spelling
out the usual abbreviations (GD&ĐT, PGDĐT, UBND, TP …), by `organizations.naming`. Three queries whatever the
number of lines: the issuing organization's groups, its units, and the organizations of the directory (read as a
few columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from organizations.models import Organization, RecipientGroup, Unit
from organizations.naming import ABBREVIATIONS, expand, normalize

__all__ = ["ABBREVIATIONS", "Match", "expand", "group_key", "match_recipients", "normalize"]

# Words that say where, not who: "tỉnh", "huyện" … (the place itself is compared with the place name).
PLACE_WORDS = r"\b(tinh|huyen|thanh pho|tp|thi xa|quan|xa|thi tran)\b"
# Group lines are written many ways ("Các trường học trực thuộc", "TP, PTP Phòng GD&ĐT"): the words that do
# not tell one group from another are dropped before comparing.
GROUP_NOISE = (
    r"\bcac\b",
    r"\bhoc\b",
    r"\bdon vi (?=truong)",
    r"\bphong giao duc va dao tao\b",
    r"\bgiao duc va dao tao\b",
)


def _without_places(text: str) -> str:
    return " ".join(re.sub(PLACE_WORDS, " ", text).split())


def group_key(text: str) -> str:
    text = expand(text)
    for pattern in GROUP_NOISE:
        text = re.sub(pattern, " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Match:
    """One printed line and what it was linked to (field and id), or why not."""

    display_name: str
    purpose: str
    field: str = ""  # organization | unit | group | "" (not resolved: an outside body)
    target_id: int | None = None
    target_name: str = ""
    reason: str = ""  # why it stayed outside: nothing matched, or several did

    @property
    def resolved(self) -> bool:
        return bool(self.field)

    def line(self) -> dict[str, Any]:
        """The line as documents.services takes it."""
        return {"display_name": self.display_name, "purpose": self.purpose} | (
            {self.field: self.target_id} if self.field else {}
        )


def _kin_rank(organization: dict[str, Any], issuer: Organization, ancestors: list[int]) -> int:
    """Among namesakes, the issuer's own line wins: a body above it first, then one below it. A namesake beside
    it is no likelier than any other ("Phòng Giáo dục và Đào tạo" written by a Phòng is not its neighbour)."""
    if organization["pk"] in ancestors:
        return 0
    if organization["parent_id"] == issuer.pk:
        return 1
    return 2


def match_recipients(lines: list[tuple[str, str]], *, organization: Organization) -> list[Match]:
    """Each (printed name, purpose) matched against the directory of the issuing `organization`."""
    groups = {group_key(g.name): g for g in RecipientGroup.objects.filter(organization=organization)}
    units: dict[str, Unit] = {}
    for unit in Unit.objects.filter(organization=organization):
        units.setdefault(normalize(unit.abbreviation), unit)
        units.setdefault(expand(unit.name), unit)
    directory = list(
        Organization.objects.exclude(pk=organization.pk).values("pk", "name", "place_name", "parent_id", "abbreviation")
    )
    by_pk = {row["pk"]: row for row in directory}
    ancestors, parent = [], organization.parent_id
    while parent and parent not in ancestors and parent in by_pk:
        ancestors.append(parent)
        parent = by_pk[parent]["parent_id"]
    full_names: dict[str, list[dict[str, Any]]] = {}
    short_names: dict[str, list[dict[str, Any]]] = {}
    for row in directory:
        name = _without_places(expand(row["name"]))
        place = normalize(row["place_name"])
        full_names.setdefault(name if place and place in name else f"{name} {place}".strip(), []).append(row)
        short_names.setdefault(name, []).append(row)
    own_place = normalize(organization.place_name)
    return [
        _match_one(name, purpose, groups, units, full_names, short_names, organization, ancestors, own_place)
        for name, purpose in lines
    ]


def _match_one(
    name: str,
    purpose: str,
    groups: dict[str, RecipientGroup],
    units: dict[str, Unit],
    full_names: dict[str, list[dict[str, Any]]],
    short_names: dict[str, list[dict[str, Any]]],
    issuer: Organization,
    ancestors: list[int],
    own_place: str,
) -> Match:
    if group := groups.get(group_key(name)):
        return Match(name, purpose, "group", group.pk, group.name)
    if unit := units.get(normalize(name)) or units.get(expand(name)):
        return Match(name, purpose, "unit", unit.pk, unit.name)
    expanded = expand(name)
    bare = _without_places(expanded)
    # "UBND huyện" from a body of Cần Giuộc is the UBND of Cần Giuộc: a place word with no place after it.
    candidates = full_names.get(bare) or []
    if not candidates and re.search(PLACE_WORDS + r"$", expanded) and own_place:
        candidates = full_names.get(f"{bare} {own_place}") or []
    if not candidates:
        candidates = short_names.get(bare) or []
    if not candidates:
        return Match(name, purpose, reason="không có trong danh bạ")
    best = min(_kin_rank(row, issuer, ancestors) for row in candidates)
    closest = [row for row in candidates if _kin_rank(row, issuer, ancestors) == best]
    if len(closest) > 1:
        return Match(name, purpose, reason=f"trùng tên {len(closest)} cơ quan trong danh bạ")
    chosen = closest[0]
    label = (
        chosen["name"]
        if normalize(chosen["place_name"]) in normalize(chosen["name"])
        else (f"{chosen['name']} {chosen['place_name']}".strip())
    )
    return Match(name, purpose, "organization", chosen["pk"], label)
