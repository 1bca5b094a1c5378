"""The organization's seal image (signing.services.seal_image_set) and the directory of signing credentials
(signing.credentials), set by an administrator through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from documents.errors import DomainError, ValidationFailed
from organizations.models import SealImage
from signing.credentials import credential_deactivate, credential_register
from signing.models import SigningCredential
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


class SigningCredentialForm(forms.ModelForm):
    """A certificate for a person or an organization; its fields are read from the file by the service."""

    certificate = forms.FileField(label=_("Chứng thư số (tệp .cer/.crt/.pem, DER hoặc PEM)"), required=True)

    class Meta:
        model = SigningCredential
        fields = ("user", "organization", "backend", "label", "settings_json")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("certificate", None)  # a registered certificate is never replaced in place

    def clean_certificate(self) -> bytes:
        return self.cleaned_data["certificate"].read()

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors or self.instance.pk:
            return cleaned
        # The service's own checks (owner, name on the certificate, no secret in the settings) as form errors.
        try:
            self.instance = credential_register(
                actor=self.actor,
                user=cleaned.get("user"),
                organization=cleaned.get("organization"),
                backend=cleaned["backend"],
                certificate_der=cleaned["certificate"],
                settings_json=cleaned.get("settings_json") or {},
                label=cleaned.get("label") or "",
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return cleaned


@admin.register(SigningCredential)
class SigningCredentialAdmin(admin.ModelAdmin):
    form = SigningCredentialForm
    list_display = ("common_name", "backend", "serial", "not_before", "not_after", "is_active")
    list_filter = ("backend", "is_active")
    search_fields = ("common_name", "serial", "sha256")
    list_select_related = ("user", "organization")
    actions = ("deactivate",)

    def get_form(self, request: HttpRequest, obj: SigningCredential | None = None, **kwargs: object) -> type:
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: SigningCredential | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        # A registered certificate is not edited: deactivate it and register the new one.
        return tuple(f.name for f in SigningCredential._meta.fields if f.name != "certificate_der")

    def get_fields(self, request: HttpRequest, obj: SigningCredential | None = None) -> list[str]:
        if obj is None:
            return ["user", "organization", "backend", "label", "settings_json", "certificate"]
        return [f.name for f in SigningCredential._meta.fields if f.name not in ("id", "certificate_der")]

    def save_model(self, request: HttpRequest, obj: SigningCredential, form: forms.ModelForm, change: bool) -> None:
        # Saved by the service in the form's clean (one transaction with its audit event): nothing to do here.
        if not change:
            obj.pk = form.instance.pk

    @admin.action(description=_("Ngừng dùng các chứng thư số đã chọn"))
    def deactivate(self, request: HttpRequest, queryset: object) -> None:
        for credential in queryset:
            credential_deactivate(actor=request.user, credential=credential)
        self.message_user(request, _("Đã ngừng dùng chứng thư số."))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: SigningCredential | None = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: SigningCredential | None = None) -> bool:
        return False
