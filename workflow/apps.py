from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Quy trình xử lý văn bản"

    def ready(self) -> None:
        # Load the flow once so viewflow registers its nodes and the "manage" permission consistently.
        from documents.events import subscribe
        from notifications.links import register_resolver
        from signing.remote import on_remote_signature
        from workflow import flows  # noqa: F401
        from workflow.deadlines import on_document_event
        from workflow.notification_links import task_or_document_links
        from workflow.signature_requests import complete_step

        # Steps of the receiving side open in documents.services, below us: their deadlines follow the events.
        subscribe(on_document_event)
        # A notification leads to the reader's open task, else to the document (notifications.links).
        register_resolver(task_or_document_links)
        # A signature that waited (the person's tool, a CSC service) completes its flow step here (signing.remote).
        on_remote_signature(complete_step)
