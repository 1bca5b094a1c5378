from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project as a whole: what joins the apps together (the header's links)."""

    name = "config"
    verbose_name = "Hệ thống"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from config.navigation import remember_menu

        user_logged_in.connect(remember_menu, dispatch_uid="config.remember_menu")
