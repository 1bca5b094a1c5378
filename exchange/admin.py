"""Read-only admin of what crossed the exchange: the packets are a record, changed only by exchange.services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from exchange.models import InboundPacket, OutboundPacket


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(InboundPacket)
class InboundPacketAdmin(ReadOnly):
    list_display = ("received_at", "name", "state", "kind", "sender_organ", "document_id", "status_code", "reason")
    list_filter = ("state", "kind", "reason_code")
    search_fields = ("name", "sha256", "document_id", "sender_organ")
    exclude = ("raw",)
    readonly_fields = ("download",)

    @admin.display(description=_("Nội dung gói tin"))
    def download(self, obj: InboundPacket) -> str:
        return format_html('<a href="{}">{}</a>', reverse("exchange:raw", args=[obj.pk]), _("Tải về"))


@admin.register(OutboundPacket)
class OutboundPacketAdmin(ReadOnly):
    list_display = ("created_at", "packet_id", "kind", "status_code", "to_organ", "state", "attempts", "last_error")
    list_filter = ("state", "kind", "status_code")
    search_fields = ("packet_id", "to_organ")
