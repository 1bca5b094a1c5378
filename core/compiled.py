"""A query built and compiled once, then run with one value changed: for rules that are costly to build.

The one visibility rule (documents.selectors.visibility_filter) is a dozen subqueries; Django takes ~10 ms to build
it and ~3 ms to compile it, where the database answers in a fraction of that. Its Python inputs are a person's id
and constant names only; everything else (memberships, grants, deliveries, states) is read by the database when
the SQL runs. So the same SQL with another id decides exactly what building it again would.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

# No row of ours has this id: the placeholder the compiled SQL carries for the value that changes.
PROBE = -7_340_291_583


class ProbeQuery:
    """`queryset` with one parameter equal to PROBE: compiled now, run later with that parameter replaced.

    `exists(value)` answers `queryset` with PROBE replaced by `value` has a row. When PROBE is not exactly one
    parameter of the SQL (Django built it otherwise), every run builds the query again with `rebuild(value)`:
    correct, only slower.
    """

    def __init__(self, queryset: QuerySet, rebuild: Callable[[int], QuerySet]) -> None:
        self.alias = queryset.db
        self.rebuild = rebuild
        sql, params = queryset.order_by().values("pk")[:1].query.sql_with_params()
        slots = [index for index, value in enumerate(params) if value == PROBE]
        self._compiled = (sql, list(params), slots[0]) if len(slots) == 1 else None

    @property
    def compiled(self) -> bool:
        return self._compiled is not None

    def exists(self, value: int) -> bool:
        if self._compiled is None:
            return self.rebuild(value).exists()
        sql, params, slot = self._compiled
        params = [*params]
        params[slot] = value
        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() is not None
