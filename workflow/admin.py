from django.contrib import admin

from workflow.models import Absence, DeadlineRule, StepDeadline


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("user", "delegate", "start", "end", "note")
    list_filter = ("start",)
    search_fields = ("user__username", "user__full_name", "delegate__username", "delegate__full_name")
    autocomplete_fields = ("user", "delegate")
    date_hierarchy = "start"


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    """Thời hạn xử lý as data: the most specific rule wins (docs/notifications.md, "Deadlines and reminders")."""

    list_display = ("organization", "doc_type", "urgency", "step", "amount", "unit")
    list_filter = ("urgency", "step", "unit")
    list_select_related = ("organization", "doc_type")
    autocomplete_fields = ("organization",)


@admin.register(StepDeadline)
class StepDeadlineAdmin(admin.ModelAdmin):
    """Read-only: rows are kept by workflow.deadlines; their marks are what makes each reminder go once."""

    list_display = (
        "document",
        "step",
        "due_at",
        "reminded_before_at",
        "reminded_after_at",
        "escalated_at",
        "closed_at",
    )
    list_filter = ("step", "source")
    list_select_related = ("document",)
    date_hierarchy = "due_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
