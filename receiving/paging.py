"""A Paginator for the year-long lists (the incoming list here, the registers of records/): its count stops a
little past the page asked for, so opening page 1 of a busy organization's year does not count the whole year.

The count reads at most `horizon` + 1 ids (workflow.paging's COUNT_CAP, or the rows up to one page past the one
asked for, whichever is more): every page stays reachable by "Sau", and past the horizon the page says "hơn
1.000 văn bản", which is honest. Reading page N with OFFSET reads the rows before it anyway; the count adds no
more than that.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from workflow.paging import COUNT_CAP

MAX_PAGE = 1_000_000  # a page number past any year's rows; bounds the LIMIT it becomes


class CappedCountPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, asked: Any = None) -> None:
        super().__init__(object_list, per_page)
        try:
            number = min(max(int(asked), 1), MAX_PAGE)
        except (TypeError, ValueError):
            number = 1
        self.horizon = max(COUNT_CAP, (number + 1) * per_page)

    @cached_property
    def found(self) -> int:
        """The rows, counted up to horizon + 1: ids only, without the page's ordering and joins."""
        return self.object_list.order_by().values("pk")[: self.horizon + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.found, self.horizon)

    @property
    def capped(self) -> bool:
        """The count is a floor: there are more rows than `count`."""
        return self.found > self.horizon

    @property
    def count_text(self) -> str:
        """The count as a Vietnamese page writes it, thousands grouped by dots ("1.000"): Django's vi locale sets
        no grouping, so floatformat and intcomma would print "1000"."""
        return f"{self.count:,}".replace(",", ".")
