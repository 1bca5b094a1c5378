from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from organizations.models import CalendarDay, Delegation, Membership, Organ, Organization, Unit, User, WeeklyRestDay


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Hồ sơ", {"fields": ("full_name",)}))
    list_display = ("username", "full_name", "email", "is_active")
    search_fields = ("username", "full_name", "email")


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "place_name", "abbreviation", "parent_line_name", "organ_code")
    search_fields = ("name", "place_name", "abbreviation", "organ_code")
    list_select_related = ("parent",)
    inlines = [UnitInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "unit", "role", "post_title", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("user", "organization", "unit")
    search_fields = ("user__username", "user__full_name", "organization__name")


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("delegate", "form", "principal", "organization", "valid_from", "valid_until")
    list_select_related = ("delegate", "principal", "organization")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Holidays, compensatory days off and weekend days worked: the data working-day deadlines count with."""

    list_display = ("date", "name", "is_working_day")
    list_filter = ("is_working_day",)
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(WeeklyRestDay)
class WeeklyRestDayAdmin(admin.ModelAdmin):
    list_display = ("weekday",)


@admin.register(Organ)
class OrganAdmin(admin.ModelAdmin):
    """The directory is data loaded by `manage.py import_organs`: browsed here, never edited by hand."""

    list_display = ("code", "new_code", "name", "parent_code", "level")
    search_fields = ("code", "new_code", "name")
    show_full_result_count = False  # no COUNT(*) over 100,000 rows on every page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Organ | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Organ | None = None) -> bool:
        return False
