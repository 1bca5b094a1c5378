"""The API's one seam to the flow: every lifecycle call of the JSON API goes through workflow.actions.

workflow.actions.perform finds the document's open task, checks the actor may take it, runs the matching
documents.services function inside the flow lock and completes the task. Errors are documents.errors.*.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from documents.models import Document
from workflow import actions as flow_actions
from workflow import selectors as flow_selectors
from workflow.models import DocumentTask

ACTIONS = ("submit", "approve", "return", "sign", "register", "issue", "archive", "recall", "cancel")
INBOX_KINDS = flow_selectors.KINDS
INBOX_ORDERINGS = tuple(flow_selectors.ORDERINGS)


def create_document(*, actor: Any, **fields: Any) -> Document:
    """A new draft and its process (the drafter's "draft" task)."""
    return flow_actions.create_document(actor=actor, **fields)


def run_action(*, document: Document, actor: Any, action: str, comment: str = "", **params: Any) -> Document:
    """One lifecycle step by `actor`; raises documents.errors.* when refused."""
    params = {name: value for name, value in params.items() if value is not None}
    return flow_actions.perform(document=document, actor=actor, action=action, comment=comment, **params)


def run_bulk(
    *, documents: Iterable[Document], actor: Any, action: str, comment: str = ""
) -> tuple[list[int], list[dict[str, Any]]]:
    """The same step on several documents, each in its own transaction: one refusal stops only itself."""
    results = flow_actions.bulk_perform(documents=documents, actor=actor, action=action, comment=comment)
    done = [result.document_id for result in results if result.ok]
    failed = [{"id": r.document_id, "code": r.code, "message": r.message} for r in results if not r.ok]
    return done, failed


def inbox(*, user: Any, kind: str = "assigned", **filters: Any) -> QuerySet[DocumentTask]:
    """Task rows of one inbox tab, with their document joined (workflow.selectors.inbox_for)."""
    return flow_selectors.inbox_for(user=user, kind=kind, **filters)
