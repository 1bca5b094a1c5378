"""What crossed the exchange: every packet that arrived (kept, refused ones too) and every packet to send.

`InboundPacket` is the receiving side's log: one row per file or item the transport offered, with its state
(accepted, refused with a reason, duplicate, ignored) and its bytes (capped) for an administrator to inspect.
`OutboundPacket` is the sending side's outbox: one row per (delivery, kind, status code), written by the consumer
of the event that caused it, rendered and handed to the transport afterwards, marked sent in the same transaction,
so a send retried after a crash goes out once (same packet id, same file name). See docs/exchange.md.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PacketKind(models.TextChoices):
    DOCUMENT = "document", _("Văn bản")
    RECALL = "recall", _("Thu hồi văn bản")
    STATUS = "status", _("Trạng thái xử lý")


class InboundState(models.TextChoices):
    ACCEPTED = "accepted", _("Đã nhận")
    REFUSED = "refused", _("Từ chối")
    DUPLICATE = "duplicate", _("Trùng, đã nhận trước đó")
    IGNORED = "ignored", _("Bỏ qua: đến sau bước đã ghi nhận")


class InboundPacket(models.Model):
    """One packet the transport offered, whatever became of it."""

    name = models.CharField(_("tên gói tin"), max_length=255)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("kích thước (byte)"))
    # The bytes as received, cut at EXCHANGE_KEEP_PACKET_BYTES (`truncated` says so): enough to see what came.
    raw = models.BinaryField(_("nội dung gói tin"))
    truncated = models.BooleanField(_("đã cắt bớt"), default=False)
    state = models.CharField(_("trạng thái"), max_length=10, choices=InboundState.choices)
    kind = models.CharField(_("loại gói tin"), max_length=10, choices=PacketKind.choices, blank=True)
    reason_code = models.CharField(_("mã lý do"), max_length=30, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    sender_organ = models.CharField(_("mã cơ quan gửi"), max_length=40, blank=True)
    document_id = models.CharField(_("mã văn bản liên thông"), max_length=255, blank=True)
    status_code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    business_type = models.PositiveSmallIntegerField(_("nghiệp vụ"), null=True, blank=True)
    # The arrivals it made, or the deliveries whose status it moved.
    deliveries = models.ManyToManyField("documents.Delivery", blank=True, related_name="inbound_packets")
    received_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("gói tin đến")
        verbose_name_plural = _("gói tin đến")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # The same bytes are taken once; a second sight is recorded as a duplicate.
            models.UniqueConstraint(
                fields=["sha256"], condition=Q(state__in=("accepted", "ignored")), name="inbound_packet_taken_once"
            )
        ]
        indexes = [models.Index(fields=["state", "-received_at"], name="inbound_packet_state")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"


class OutboundState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    CANCELLED = "cancelled", _("Hủy: văn bản đã thu hồi trước khi gửi")
    FAILED = "failed", _("Gửi không được")


class OutboundPacket(models.Model):
    """One packet to send: a document to an outside body, a recall, or a status answer to an outside sender."""

    packet_id = models.UUIDField(_("mã gói tin"), default=uuid.uuid4, unique=True, editable=False)
    delivery = models.ForeignKey("documents.Delivery", on_delete=models.PROTECT, related_name="outbound_packets")
    kind = models.CharField(_("loại gói tin"), max_length=10, choices=PacketKind.choices)
    status_code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)  # status packets only
    to_organ = models.CharField(_("mã cơ quan nhận"), max_length=40)
    description = models.TextField(_("mô tả"), blank=True)  # a reason, a result, the recall's reason
    staff = models.CharField(_("người xử lý"), max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("thời điểm"))  # written into the packet: a retry writes the same bytes
    state = models.CharField(_("trạng thái"), max_length=10, choices=OutboundState.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)

    class Meta:
        verbose_name = _("gói tin đi")
        verbose_name_plural = _("gói tin đi")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "kind", "status_code"], name="outbound_packet_once"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="outbound_packet_state")]

    def __str__(self) -> str:
        code = f" {self.status_code}" if self.status_code else ""
        return f"{self.get_kind_display()}{code} → {self.to_organ} ({self.get_state_display()})"
