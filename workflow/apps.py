from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Quy trình xử lý văn bản"

    def ready(self) -> None:
        # Load the flow once so viewflow registers its nodes and the "manage" permission consistently.
        from workflow import flows  # noqa: F401
