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

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

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
