"""A trail certificate: what one exported PDF certificate states, kept so that its holder can check it online."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrailCertificate(models.Model):
    """Written once by `auditors.services.trail_certificate_issue`; the public page shows `summary`, no more."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("thời điểm cấp"))
    # Exactly what the PDF states (canonical JSON), and its SHA-256, printed on the PDF and in its QR code.
    summary = models.JSONField()
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("chứng nhận quá trình xử lý")
        verbose_name_plural = _("chứng nhận quá trình xử lý")

    def __str__(self) -> str:
        return f"{self.id} {self.digest[:12]}"
