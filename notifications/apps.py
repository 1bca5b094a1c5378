from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from documents.events import subscribe
        from notifications.services import notify_for_event
        from notifications.sessions import close_sockets_on_logout

        subscribe(notify_for_event, name="notifications")
        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="notifications.close_sockets_on_logout")
