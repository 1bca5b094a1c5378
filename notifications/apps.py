from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from documents.events import subscribe
        from notifications.services import notify_for_event

        subscribe(notify_for_event)
