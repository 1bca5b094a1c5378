"""The organization's seal image, set by an administrator (signing.services.seal_image_set)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from organizations.models import SealImage
from signing.services import seal_image_set


class SealImageForm(forms.ModelForm):
    """The seal's PNG as an upload; the bytes, hash and pixel size are set by the service."""

    upload = forms.FileField(label=_("Ảnh con dấu (PNG trong suốt, màu đỏ)"), required=True)

    class Meta:
        model = SealImage
        fields = ("organization", "width_mm")


@admin.register(SealImage)
class SealImageAdmin(admin.ModelAdmin):
    form = SealImageForm
    list_display = ("organization", "width_mm", "width_px", "height_px", "uploaded_at")
    list_select_related = ("organization",)
    readonly_fields = ("sha256", "width_px", "height_px", "uploaded_at")

    def save_model(self, request: HttpRequest, obj: SealImage, form: forms.ModelForm, change: bool) -> None:
        # Through the service, like every change: checked by content, one transaction with its audit event.
        upload = form.cleaned_data["upload"]
        saved = seal_image_set(
            actor=request.user,
            organization=form.cleaned_data["organization"],
            data=upload.read(),
            width_mm=form.cleaned_data["width_mm"],
        )
        obj.pk = saved.pk
