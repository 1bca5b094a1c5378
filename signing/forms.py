"""Upload forms: a PDF to verify, a plain-text plan to import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_PLAN_BYTES = 1024 * 1024


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Tệp PDF cần kiểm tra"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PDF_BYTES:
            raise ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise ValidationError(_("Tệp không phải là PDF."))
        return upload


class ImportPlanForm(forms.Form):
    organization = forms.ChoiceField(label=_("Cơ quan ban hành"))
    file = forms.FileField(label=_("Tệp kế hoạch (.txt, UTF-8)"))

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}
        self.fields["organization"].choices = [(str(o.pk), o.name) for o in organizations]

    def clean_organization(self) -> Any:
        return self.organizations[self.cleaned_data["organization"]]

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PLAN_BYTES:
            raise ValidationError(_("Tệp quá lớn (tối đa 1 MB)."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("Tệp phải là văn bản UTF-8.")) from exc
