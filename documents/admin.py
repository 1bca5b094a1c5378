"""Read-mostly admin: documents change only through their services, so the admin shows, never edits them."""

from django.contrib import admin
from django.http import HttpRequest

from documents.models import Document, DocumentType, Dossier


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
