"""Where a notification takes its reader: their open task on the document, else the document itself.

The pages of tasks and documents belong to a higher layer (workflow), which registers the resolver when it
starts (`WorkflowConfig.ready`); this app never imports it (docs/architecture.md, the import rule). Without a
resolver (an app set without workflow) entries have no link and the centre is where they are read.
"""

from __future__ import annotations

from collections.abc import Callable

# (recipient id, document id) pairs → the address each pair leads to; one query for all of them.
Pair = tuple[int, int]
Resolver = Callable[[set[Pair]], dict[Pair, str]]

_resolver: Resolver | None = None


def register_resolver(resolver: Resolver) -> None:
    global _resolver
    _resolver = resolver


def links_for(pairs: set[Pair]) -> dict[Pair, str]:
    """The address of each (recipient, document) pair; pairs without one are left out."""
    if _resolver is None or not pairs:
        return {}
    return _resolver(pairs)
