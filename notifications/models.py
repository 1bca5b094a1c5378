"""Stored notifications: what a person should look at, kept until they read it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("sự kiện"), max_length=40)
    message = models.CharField(_("nội dung"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # The outbox event (documents.OutboxEvent.key) this notification answers: delivery is at least once, and
    # a second delivery of the same event must not notify the same person twice.
    source_event = models.UUIDField(_("sự kiện gốc"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["source_event", "recipient"], name="notification_once_per_event"),
        ]

    def __str__(self) -> str:
        return self.message

    def as_payload(self) -> dict[str, object]:
        return {
            "id": self.pk,
            "event": self.event,
            "message": self.message,
            "document": self.document_id,
            "created_at": self.created_at.isoformat(),
            "read": self.read_at is not None,
        }


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", _("Gửi ngay")
    DIGEST = "digest", _("Tóm tắt hằng ngày")
    NONE = "none", _("Không gửi")


class EmailPreference(models.Model):
    """How one person wants one kind of notification by e-mail (notifications.preferences); absent = the default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    category = models.CharField(_("loại thông báo"), max_length=20)
    choice = models.CharField(_("cách nhận thư"), max_length=10, choices=EmailChoice.choices)

    class Meta:
        verbose_name = _("cách nhận thư thông báo")
        verbose_name_plural = _("cách nhận thư thông báo")
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="email_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.category} → {self.choice}"


class DigestSent(models.Model):
    """One daily digest of one person, written before its e-mail is sent: a second run that day finds it and sends
    nothing. `until` is the newest notification time it covered; the next digest starts after it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày"))
    until = models.DateTimeField(_("đến thời điểm"))
    count = models.PositiveIntegerField(_("số thông báo"), default=0)

    class Meta:
        verbose_name = _("thư tóm tắt đã gửi")
        verbose_name_plural = _("thư tóm tắt đã gửi")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_sent_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day:%d/%m/%Y}: {self.count}"


class CredentialExpiryWarning(models.Model):
    """One warning that a signing certificate expires soon, to one person, per threshold (30 and 7 days): the row
    is the proof it was sent, and its unique constraint makes a second run (or a second worker) send nothing.
    Kept apart from `Notification`, which always points at a document."""

    credential = models.ForeignKey(
        "signing.SigningCredential", on_delete=models.CASCADE, related_name="expiry_warnings"
    )
    threshold_days = models.PositiveSmallIntegerField(_("ngưỡng (ngày)"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_expiry_warnings"
    )
    message = models.CharField(_("nội dung"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cảnh báo chứng thư số sắp hết hạn")
        verbose_name_plural = _("cảnh báo chứng thư số sắp hết hạn")
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "threshold_days", "recipient"], name="credential_warning_once"
            ),
        ]

    def __str__(self) -> str:
        return self.message
