from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from organizations.models import Delegation, Membership, Organization, Unit, User


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
