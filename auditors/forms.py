"""The desk's filters: bad values are shown back with a Vietnamese message, never a 500."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType, Status


class _Filters(forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class DocumentFilters(_Filters):
    q = forms.CharField(label=_("Trích yếu hoặc ký hiệu"), required=False, max_length=200)
    organization = forms.TypedChoiceField(label=_("Cơ quan"), required=False, coerce=int, empty_value=None)
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    year = forms.IntegerField(
        label=_("Năm"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Năm phải là một số, ví dụ 2026.")},
    )

    def __init__(self, *args, organizations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("Tất cả"))] + [(o.pk, o.name) for o in organizations]
        self.fields["doc_type"].choices = [("", _("Tất cả"))] + [
            (t.code, t.name) for t in DocumentType.objects.order_by("name")
        ]
        self.fields["status"].choices = [("", _("Tất cả")), *Status.choices]


class LogFilters(_Filters):
    organization = forms.TypedChoiceField(label=_("Cơ quan"), coerce=int)
    actor = forms.TypedChoiceField(label=_("Người thực hiện"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    object = forms.CharField(label=_("Đối tượng (loại:mã)"), required=False, max_length=90)

    def __init__(self, *args, organizations=(), actors=(), actions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
        self.fields["actor"].choices = [("", _("Tất cả"))] + [(m.user_id, str(m.user)) for m in actors]
        self.fields["action"].choices = [("", _("Tất cả")), *actions]
