"""Links between documents, for the pages and the API: new drafts start their flow, and what the document page
shows of its links (docs/distribution.md, "Links between documents")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from documents import selectors, services
from documents.models import Document, Recurrence
from documents.permissions import can_edit
from workflow import actions


def start_flow(service: Callable[..., Document], *, actor: Any, **params: Any) -> Document:
    """A draft made by a links service (on the basis of an arrival, a report back, a correction) starts its
    approval flow in the same transaction, like any draft typed in (workflow.actions.create_document)."""
    with transaction.atomic():
        document = service(actor=actor, **params)
        actions.start_process(document=document, actor=actor)
    return document


def links_context(user: Any, document: Document) -> dict[str, Any]:
    """What `templates/workflow/_links.html` shows: the links both ways, the reporting duties and who reported,
    and which of the forms this user may use (seven queries)."""
    return {
        "links": selectors.document_links(document=document, user=user),
        "reporting_duties": list(selectors.reporting_duties_of(document=document)),
        "reporting_rows": selectors.reporting_status(document=document, user=user),
        "can_add_duty": can_edit(user, document),
        "can_correct": services.may_correct(user, document),
        "recurrences": Recurrence.choices,
    }
