from django.contrib import admin

from workflow.models import Absence


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("user", "delegate", "start", "end", "note")
    list_filter = ("start",)
    search_fields = ("user__username", "user__full_name", "delegate__username", "delegate__full_name")
    autocomplete_fields = ("user", "delegate")
    date_hierarchy = "start"
