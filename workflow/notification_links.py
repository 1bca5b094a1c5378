"""Where a notification leads (registered with notifications.links in WorkflowConfig.ready): the reader's open
task on the document — the step they must do — else the document's page."""

from __future__ import annotations

from django.urls import reverse
from viewflow.workflow.status import STATUS

from workflow.models import DocumentTask

OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
DOC_ID = "process__documentprocess__document_id"


def task_or_document_links(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """(person id, document id) → their open task's page, else the document's page. One query for every pair:
    a fan-out to 1,000 people costs what one person costs."""
    tasks = (
        DocumentTask.objects.filter(
            owner_id__in={person for person, _ in pairs},
            status__in=OPEN_TASK,
            **{f"{DOC_ID}__in": {document for _, document in pairs}},
        )
        .order_by("pk")  # the newest open task of a person on a document wins
        .values_list("owner_id", DOC_ID, "pk")
    )
    open_task = {(owner, document): task for owner, document, task in tasks}
    return {
        pair: reverse("workflow:task", args=[open_task[pair]])
        if pair in open_task
        else reverse("workflow:document", args=[pair[1]])
        for pair in pairs
    }
