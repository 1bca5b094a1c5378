"""Signing's own rows: the directory of signing credentials (which certificate a person or an organization signs
with, and where its key lives) and the signatures that wait. Never a private key, a PIN or a passphrase: those
stay on the token, in the key file or in the environment (docs/signing.md, "Where keys live")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Backend(models.TextChoices):
    """Where the private key is and who operates it."""

    PKCS12 = "pkcs12", _("Tệp PKCS#12 trên máy chủ")
    PKCS11 = "pkcs11", _("Thiết bị PKCS#11 (USB token, HSM)")
    CSC = "csc", _("Dịch vụ ký số từ xa (CSC)")
    EXTERNAL = "external", _("Công cụ ký của người ký")


class SigningCredential(models.Model):
    """One certificate a person or an organization signs with (exactly one owner), and its backend's
    non-secret settings: for pkcs11 the module path, token label, key label or id and the NAME of the
    environment variable holding the PIN; for csc the service URL and credential id."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_credentials",
        verbose_name=_("người ký"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_credentials",
        verbose_name=_("cơ quan"),
    )
    backend = models.CharField(_("nơi giữ khóa"), max_length=10, choices=Backend.choices)
    label = models.CharField(_("nhãn"), max_length=100, blank=True)
    certificate_der = models.BinaryField(_("chứng thư số (DER)"))
    subject = models.CharField(_("chủ thể"), max_length=500)
    common_name = models.CharField(_("tên trên chứng thư"), max_length=255)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=64, help_text=_("Hệ thập lục phân."))
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    sha256 = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    settings_json = models.JSONField(_("thiết lập (không bí mật)"), default=dict, blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("ngày ngừng dùng"), null=True, blank=True)

    class Meta:
        verbose_name = _("chứng thư số ký văn bản")
        verbose_name_plural = _("chứng thư số ký văn bản")
        ordering = ("-not_after", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(organization__isnull=True))
                | (Q(user__isnull=True) & Q(organization__isnull=False)),
                name="signing_credential_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "is_active"], name="signing_cred_user_active"),
            models.Index(fields=["organization", "is_active"], name="signing_cred_org_active"),
        ]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.get_backend_display()}, {self.serial[:16]})"

    @property
    def owner(self) -> object:
        return self.user if self.user_id else self.organization


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
