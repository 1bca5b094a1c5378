from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Quy trình xử lý văn bản"

    def ready(self) -> None:
        # Load the flow once so viewflow registers its nodes and the "manage" permission consistently.
        from documents.events import subscribe
        from notifications.links import register_resolver
        from workflow import flows  # noqa: F401
        from workflow.deadlines import on_document_event
        from workflow.notification_links import task_or_document_links

        # Steps of the receiving side open in documents.services, below us: their deadlines follow the events.
        subscribe(on_document_event)
        # A notification leads to the reader's open task, else to the document (notifications.links).
        register_resolver(task_or_document_links)
