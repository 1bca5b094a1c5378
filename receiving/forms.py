"""The forms of "Vào sổ văn bản đến từ tệp / văn bản giấy": the file, then its particulars to complete."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from documents.catalog import DOCUMENT_TYPES
from documents.extraction import MAX_FILE_BYTES
from documents.models import Confidentiality, Urgency
from organizations.models import ORGAN_CODE_PATTERN
from receiving.intake import ALWAYS_REQUIRED, REQUIRED, number_of

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]


class ReceiverChoice(forms.ChoiceField):
    def __init__(self, organizations: list[Any], **kwargs: Any) -> None:
        self.organizations = {str(o.pk): o for o in organizations}
        super().__init__(choices=[(str(o.pk), str(o)) for o in organizations], **kwargs)

    def clean(self, value: Any) -> Any:
        return self.organizations[super().clean(value)]


class UploadForm(forms.Form):
    receiver = forms.Field(label=_("Cơ quan nhận"))
    file = forms.FileField(label=_("Tệp văn bản (PDF, DOCX hoặc văn bản thuần .txt)"))

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"] = ReceiverChoice(organizations, label=_("Cơ quan nhận"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        return upload


class ArrivalForm(forms.Form):
    """The particulars of the received document, as read from it and completed by the clerk."""

    receiver = forms.Field(label=_("Cơ quan nhận"))
    upload = forms.CharField(required=False, widget=forms.HiddenInput)
    sender = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    sender_parent = forms.CharField(label=_("Cơ quan chủ quản"), max_length=255, required=False)
    sender_organ_code = forms.CharField(
        label=_("Mã định danh cơ quan ban hành"),
        max_length=13,
        required=False,
        validators=[RegexValidator(ORGAN_CODE_PATTERN, _("Mã định danh có dạng 000.00.12.H41."))],
    )
    code = forms.CharField(label=_("Số, ký hiệu"), max_length=60, help_text=_("Ví dụ 45/KH-PGDĐT."))
    issue_date = forms.DateField(label=_("Ngày ban hành"), input_formats=DATE_FORMATS, help_text=_("dd/mm/yyyy"))
    place_name = forms.CharField(label=_("Địa danh"), max_length=100, required=False)
    doc_type = forms.ChoiceField(label=_("Tên loại văn bản"), choices=[(c, n) for c, n, _a in DOCUMENT_TYPES])
    subject = forms.CharField(label=_("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    signer_title_lines = forms.CharField(
        label=_("Chức vụ người ký (mỗi dòng một dòng như in)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=150)
    recipient_lines = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một dòng như in)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    confidentiality = forms.ChoiceField(
        label=_("Độ mật"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )

    def __init__(
        self,
        *args: Any,
        organizations: list[Any],
        allow_incomplete: bool = False,
        unread: tuple[str, ...] = (),
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["receiver"] = ReceiverChoice(organizations, label=_("Cơ quan nhận"))
        needed = ALWAYS_REQUIRED if allow_incomplete else REQUIRED
        for name in REQUIRED:
            self.fields[name].required = name in needed
        for name in unread:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "unread"
                self.fields[name].widget.attrs["aria-describedby"] = f"unread-{name}"
        self.unread = set(unread)

    def clean_code(self) -> str:
        code = " ".join(self.cleaned_data["code"].split())
        if code and self.fields["code"].required and number_of(code) is None:
            raise forms.ValidationError(_("Số, ký hiệu chưa có số (ví dụ 45/KH-PGDĐT)."))
        return code

    def clean_signer_title_lines(self) -> list[str]:
        return _lines(self.cleaned_data["signer_title_lines"])

    def clean_recipient_lines(self) -> list[str]:
        return _lines(self.cleaned_data["recipient_lines"])


def _lines(text: str) -> list[str]:
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 60:
        raise forms.ValidationError(_("Nhiều quá 60 dòng."))
    if any(len(line) > 255 for line in lines):
        raise forms.ValidationError(_("Có dòng dài quá 255 ký tự."))
    return lines


def initial_values(values: dict[str, Any]) -> dict[str, Any]:
    """What read_upload found, as the form's initial values (lines as text, the date as dd/mm/yyyy)."""
    initial = dict(values)
    initial["signer_title_lines"] = "\n".join(values.get("signer_title_lines") or [])
    initial["recipient_lines"] = "\n".join(values.get("recipient_lines") or [])
    if values.get("issue_date"):
        initial["issue_date"] = values["issue_date"].strftime("%d/%m/%Y")
    return initial
