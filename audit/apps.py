from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Nhật ký"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from audit.lockouts import on_user_locked_out

        user_locked_out.connect(on_user_locked_out, dispatch_uid="audit.login_lockout_audit")
