"""Signing's own rows. The private keys are never here (signing.keys); only public data and prepared PDFs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# --- Signatures that wait (docs/signing.md, "Signing that waits") ------------------------------------------


class SignatureRequestState(models.TextChoices):
    WAITING = "waiting", "Đang chờ ký số"
    COMPLETED = "completed", "Đã ký"
    CANCELLED = "cancelled", "Đã hủy"
    EXPIRED = "expired", "Hết hạn"
    REFUSED = "refused", "Bị từ chối"


class SignatureRequestBackend(models.TextChoices):
    EXTERNAL = "external", "Công cụ ký số của người ký"
    CSC = "csc", "Dịch vụ ký số từ xa (CSC)"


class SignatureRequest(models.Model):
    """A signer's signature prepared by the server and waiting for the CMS from outside (the person's own tool,
    or a remote signing service). Holds no lock and no secret: the one-time token is kept only as its SHA-256,
    the prepared PDF is public data. At most one waits per (document, step)."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="signature_requests")
    version_id_prepared = models.PositiveBigIntegerField(help_text="The version the PDF was rendered from.")
    step = models.CharField(max_length=32)  # the flow's step: "sign" or "sign_kt"
    action = models.CharField(max_length=16, default="sign")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    backend = models.CharField(max_length=16, choices=SignatureRequestBackend.choices)
    state = models.CharField(
        max_length=16, choices=SignatureRequestState.choices, default=SignatureRequestState.WAITING
    )
    deadline = models.DateTimeField()
    # What finishing needs (signing.pades.PreparedSignature): the prepared PDF, its reserved /Contents region
    # and the /ByteRange digest the CMS must carry; plus the prepared PDF's own hash, checked before use.
    prepared_pdf = models.BinaryField()
    prepared_sha256 = models.CharField(max_length=64)
    document_digest = models.BinaryField()
    digest_algorithm = models.CharField(max_length=16, default="sha256")
    reserved_start = models.PositiveBigIntegerField()
    reserved_end = models.PositiveBigIntegerField()
    expected_certificate = models.BinaryField(help_text="DER of the person's registered certificate.")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "step"],
                condition=Q(state="waiting"),
                name="signing_one_waiting_request_per_step",
            )
        ]
        indexes = [models.Index(fields=["signer", "state"], name="signing_req_signer_state")]

    def __str__(self) -> str:  # nothing secret is stored, but keep the PDF bytes out of logs
        return f"Yêu cầu ký số {self.pk} ({self.backend}, {self.state})"

    def __repr__(self) -> str:
        return f"<SignatureRequest {self.pk} document={self.document_id} {self.backend} {self.state}>"

    @property
    def effective_state(self) -> str:
        """A waiting request past its deadline counts as expired when read, before any row says so."""
        if self.state == SignatureRequestState.WAITING and self.deadline <= timezone.now():
            return SignatureRequestState.EXPIRED
        return self.state
