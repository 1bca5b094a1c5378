"""Keyset ("cursor") paging for the inbox, with a count that stops at a cap.

A page is read as the N+1 rows after (or before) the last row seen, compared on the ordering's whole key
(workflow.selectors.KEYS: each part ascending or descending, a nullable part's NULLs last, `pk` last so the key
is total). The cost of a page is then the cost of its rows, wherever it is in the list, where OFFSET reads and
throws away every row before it. The total is counted over at most COUNT_CAP + 1 rows: past the cap the page
says "hơn 1.000", which is honest and does not read a busy person's whole history.

The cursor is opaque to clients: URL-safe base64 of JSON {"o": ordering, "d": "n"|"p", "k": key values}. A cursor
that does not decode, or was made for another ordering, is a 400 (ValidationFailed), never a 500.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from core.errors import ValidationFailed

COUNT_CAP = 1000
Key = tuple[tuple[str, bool, bool], ...]  # (field, descending, nullable with NULLs last)


@dataclass
class KeysetPage:
    object_list: list[Any]
    count: int  # exact when count_is_exact, else COUNT_CAP ("hơn 1.000")
    count_is_exact: bool
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def capped_count(rows: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """(count, exact): the rows counted up to cap (COUNT_CAP) + 1, in a subquery that selects only their ids."""
    cap = COUNT_CAP if cap is None else cap
    counted = rows.order_by().values("pk")[: cap + 1].count()
    return (counted, True) if counted <= cap else (cap, False)


MAX_PAGE = 1_000_000  # a page number past any year's rows; bounds the LIMIT it becomes


class CappedPaginator(Paginator):
    """A Django Paginator whose count stops at a horizon (capped_count): search results, the registers and the
    incoming list, where counting a common word's every match or a busy organization's whole year would read it
    all, and "hơn 1.000" is all a person needs.

    The horizon is COUNT_CAP, or one page past the page `asked` for (the year-long lists) when that is further, so
    every page stays reachable by "Sau". `capped` says the count is a floor.
    """

    def __init__(self, object_list: Any, per_page: int, *, asked: Any = None) -> None:
        super().__init__(object_list, per_page)
        try:
            number = min(max(int(asked), 1), MAX_PAGE)
        except (TypeError, ValueError):
            number = 1
        self.horizon = max(COUNT_CAP, (number + 1) * per_page)

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return capped_count(self.object_list, self.horizon)

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def capped(self) -> bool:
        """The count is a floor: there are more rows than `count`."""
        return not self._counted[1]

    @property
    def count_text(self) -> str:
        """The count as a Vietnamese page writes it, thousands grouped by dots ("1.000"): Django's vi locale sets
        no grouping, so floatformat and intcomma would print "1000"."""
        return f"{self.count:,}".replace(",", ".")


def _encode(ordering: str, direction: str, values: list[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, dt.datetime) else value for value in values]
    raw = json.dumps({"o": ordering, "d": direction, "k": plain}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_CURSOR = "Con trỏ trang không hợp lệ; hãy mở lại trang đầu của hộp việc."


def _decode(cursor: str, ordering: str, key: Key) -> tuple[str, list[Any]]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        data = json.loads(raw)
        direction, values = data["d"], data["k"]
        if data["o"] != ordering or direction not in ("n", "p") or len(values) != len(key):
            raise ValueError
        parsed = []
        for (field, _, nullable), value in zip(key, values, strict=True):
            if value is None and nullable:
                parsed.append(None)
            elif field in ("listed_at", "due_at"):
                moment = dt.datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise ValueError
                parsed.append(moment)
            elif isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63:
                parsed.append(value)
            else:
                raise ValueError
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, json.JSONDecodeError):
        raise ValidationFailed(BAD_CURSOR, details={"field": "cursor"}) from None
    return direction, parsed


def _beyond(key: Key, values: list[Any], *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the cursor row in the key's order, NULLs last.

    The expanded row comparison: (k1 beyond v1) or (k1 = v1 and k2 beyond v2) or …; with the first part's bound
    repeated on its own (k1 ≥ v1) so an index on the leading column gives a range, not a walk from the start.
    """
    alternatives = []
    equal_so_far: list[Q] = []
    for (field, desc, nullable), value in zip(key, values, strict=True):
        smaller = desc == forward  # forward in a descending part, or backward in an ascending one
        if value is None:  # the cursor is in the NULL group, which sorts last
            beyond = Q(**{f"{field}__isnull": False}) if not forward else None
            equal = Q(**{f"{field}__isnull": True})
        else:
            beyond = Q(**{f"{field}__{'lt' if smaller else 'gt'}": value})
            if nullable and forward:
                beyond |= Q(**{f"{field}__isnull": True})
            equal = Q(**{field: value})
        if beyond is not None:
            alternatives.append(reduce(and_, [*equal_so_far, beyond]))
        equal_so_far.append(equal)
    if not alternatives:
        return Q(pk__in=[])
    condition = reduce(or_, alternatives)
    field, desc, nullable = key[0]
    if not nullable and values[0] is not None:
        condition &= Q(**{f"{field}__{'lte' if desc == forward else 'gte'}": values[0]})
    return condition


def _order(key: Key, *, forward: bool) -> list[Any]:
    """The key's ORDER BY, or its exact reverse to read the page before a cursor (then NULLs come first)."""
    order = []
    for field, desc, nullable in key:
        descending = desc == forward
        nulls = ({"nulls_last": True} if forward else {"nulls_first": True}) if nullable else {}
        order.append(F(field).desc(**nulls) if descending else F(field).asc(**nulls))
    return order


def _values(row: Any, key: Key) -> list[Any]:
    return [getattr(row, field) for field, _, _ in key]


Narrowing = Callable[[list[Any] | None, bool, int], QuerySet]
NARROWING = "_keyset_narrowing"


def narrow_by(rows: QuerySet, narrowing: Narrowing) -> QuerySet:
    """Mark `rows` with a narrowing for keyset_page: narrowing(cursor values or None, forward, rows needed) gives
    the same rows read from less (a subset holding every one of the next `needed` rows in the key's order; the
    "submitted" tab's documents, workflow.selectors). It holds on this queryset only, not on its clones: a clone is
    read whole, which gives the same rows, slower."""
    setattr(rows, NARROWING, narrowing)
    return rows


def keyset_page(
    rows: QuerySet,
    *,
    ordering: str,
    key: Key,
    size: int,
    cursor: str | None = None,
    offset: int | None = None,
    counted: QuerySet | None = None,
) -> KeysetPage:
    """One page of `rows` in `key`'s order: after/before `cursor`, or at `offset` (the old `page=` links,
    kept so they still work). Two queries: the capped count (of `counted`, the same rows without their joins,
    when given) and the page's size + 1 rows, narrowed by the rows' narrowing when they carry one (narrow_by)."""
    narrowing: Narrowing | None = getattr(rows, NARROWING, None)
    count, exact = capped_count(rows if counted is None else counted)
    forward = True
    values: list[Any] | None = None
    if cursor:
        direction, values = _decode(cursor, ordering, key)
        forward = direction == "n"
    start = max(offset or 0, 0) if not cursor else 0
    if narrowing is not None:
        rows = narrowing(values, forward, start + size + 1)
    if values is not None:
        rows = rows.filter(_beyond(key, values, forward=forward))
    found = list(rows.order_by(*_order(key, forward=forward))[start : start + size + 1])
    more = len(found) > size
    found = found[:size]
    if not forward:
        found.reverse()
    if not found:
        return KeysetPage([], count, exact, None, None)
    has_next = more if forward else True
    has_previous = (bool(cursor) or start > 0) if forward else more
    return KeysetPage(
        found,
        count,
        exact,
        _encode(ordering, "n", _values(found[-1], key)) if has_next else None,
        _encode(ordering, "p", _values(found[0], key)) if has_previous else None,
    )
