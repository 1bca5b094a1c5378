from django.contrib import admin

from documents.models import RetentionPeriod


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    """The retention table is data the office keeps up to date (Thông tư 10/2022/TT-BNV), not code."""

    list_display = ("code", "title", "group", "years", "position")
    list_editable = ("years", "position")
    search_fields = ("code", "title", "group")
    list_filter = ("group",)
