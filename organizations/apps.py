from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Cơ quan, tổ chức"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from organizations.security import on_user_locked_out

        user_locked_out.connect(on_user_locked_out, dispatch_uid="organizations.login_lockout_audit")
