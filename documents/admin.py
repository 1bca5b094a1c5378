"""Read-mostly admin: documents change only through their services, so the admin shows, never edits them."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from documents.models import Document, DocumentType, Dossier, OutboxDelivery, OutboxEvent
from documents.outbox import retry_given_up


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "abbreviation", "code")


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "organization", "year", "retention_years", "is_closed")
    list_filter = ("year", "is_closed")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("code", "subject", "organization", "status", "urgency", "deadline", "created_at")
    list_filter = ("status", "urgency", "confidentiality", "doc_type")
    list_select_related = ("organization", "doc_type")
    search_fields = ("subject", "code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False


class OutboxStateFilter(admin.SimpleListFilter):
    """Pending, delivered, or given up on by some consumer: the last is what an operator must look at."""

    title = _("tình trạng")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("pending", _("đang chờ")), ("delivered", _("đã chuyển")), ("failed", _("lỗi, đã bỏ cuộc"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[OutboxEvent]) -> QuerySet[OutboxEvent]:
        given_up = Exists(OutboxDelivery.objects.filter(event=OuterRef("pk"), gave_up_at__isnull=False))
        match self.value():
            case "pending":
                return queryset.filter(dispatched_at__isnull=True)
            case "delivered":
                return queryset.filter(dispatched_at__isnull=False).exclude(given_up)
            case "failed":
                return queryset.filter(given_up)
        return queryset


class OutboxDeliveryInline(admin.TabularInline):
    model = OutboxDelivery
    extra = 0
    can_delete = False
    fields = ("consumer", "attempts", "delivered_at", "next_attempt_at", "gave_up_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: OutboxEvent | None = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    """Read-only view of the outbox; the one action gives given-up deliveries a new round (documents.outbox)."""

    list_display = ("id", "name", "document", "organization", "created_at", "dispatched_at", "failed_consumers")
    list_filter = (OutboxStateFilter, "name")
    list_select_related = ("document", "organization")
    search_fields = ("=key", "name", "=document__id")
    readonly_fields = [field.name for field in OutboxEvent._meta.fields]
    inlines = [OutboxDeliveryInline]
    actions = ["retry"]

    @admin.display(description=_("nơi nhận lỗi"))
    def failed_consumers(self, obj: OutboxEvent) -> str:
        return ", ".join(d.consumer for d in obj.deliveries.all() if d.gave_up_at)

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxEvent]:
        return super().get_queryset(request).prefetch_related("deliveries")

    @admin.action(description=_("Thử chuyển lại các lần đã bỏ cuộc"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxEvent]) -> None:
        count = retry_given_up(event_ids=queryset.values_list("pk", flat=True), actor=request.user)
        self.message_user(
            request,
            ngettext("Đã đặt lại %(count)d lần chuyển.", "Đã đặt lại %(count)d lần chuyển.", count) % {"count": count},
            messages.SUCCESS,
        )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxEvent | None = None) -> bool:
        return False
