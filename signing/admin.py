"""The organization's seal image, set by an administrator (signing.services.seal_image_set)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from documents.errors import ValidationFailed
from organizations.models import SealImage
from signing.services import check_seal_png, seal_image_set


class SealImageForm(forms.ModelForm):
    """The seal's PNG as an upload; the bytes, hash and pixel size are set by the service."""

    upload = forms.FileField(label=_("Ảnh con dấu (PNG trong suốt, màu đỏ)"), required=True)

    class Meta:
        model = SealImage
        fields = ("organization", "width_mm")

    def clean_upload(self) -> bytes:
        # The service's own check, early, so a bad file is a form error (400 page) rather than a failed save.
        data = self.cleaned_data["upload"].read()
        try:
            check_seal_png(data)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(SealImage)
class SealImageAdmin(admin.ModelAdmin):
    form = SealImageForm
    list_display = ("organization", "width_mm", "width_px", "height_px", "uploaded_at")
    list_select_related = ("organization",)
    readonly_fields = ("sha256", "width_px", "height_px", "uploaded_at")

    def save_model(self, request: HttpRequest, obj: SealImage, form: forms.ModelForm, change: bool) -> None:
        # Through the service, like every change: checked by content, one transaction with its audit event.
        saved = seal_image_set(
            actor=request.user,
            organization=form.cleaned_data["organization"],
            data=form.cleaned_data["upload"],
            width_mm=form.cleaned_data["width_mm"],
        )
        obj.pk = saved.pk

    # Only administrators: the service also lets an organization's head, who has no admin access.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: SealImage | None = None) -> bool:
        return bool(request.user.is_superuser)
