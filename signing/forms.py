"""Upload forms: a PDF to verify, a plan to import (.txt, .docx or PDF)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from documents.errors import DomainError
from documents.extraction import extract_text

MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_IMPORT_BYTES = 20 * 1024 * 1024  # documents.extraction.MAX_FILE_BYTES


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
    file = forms.FileField(
        label=_("Tệp kế hoạch (Word .docx, PDF có lớp chữ, hoặc .txt UTF-8)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt,application/pdf,text/plain"}),
    )

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}
        self.fields["organization"].choices = [(str(o.pk), o.name) for o in organizations]

    def clean_organization(self) -> Any:
        return self.organizations[self.cleaned_data["organization"]]

    def clean_file(self) -> str:
        """The plan's text, from a .txt, .docx or PDF, the type told by the bytes (documents.extraction: a zip bomb,
        a scan without text, a password, a program renamed .pdf are refused)."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        data = upload.read()
        try:
            return extract_text(data, file_name=upload.name or "").text
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
