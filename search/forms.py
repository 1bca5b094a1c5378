"""The search form: what a person may type, checked, with Vietnamese messages (the page re-shows it on error)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType, Status
from organizations.models import Organization
from search.selectors import MAX_QUERY_LENGTH, SearchQuery


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Từ khóa, số ký hiệu"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("Từ khóa quá dài: tối đa %(limit_value)d ký tự (bạn nhập %(show_value)d).")},
    )
    organization = forms.ModelChoiceField(
        label=_("Cơ quan ban hành"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label=_("Tất cả"),
        error_messages={"invalid_choice": _("Cơ quan ban hành không có trong danh sách.")},
    )
    doc_type = forms.ModelChoiceField(
        label=_("Loại văn bản"),
        queryset=DocumentType.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả"),
        error_messages={"invalid_choice": _("Loại văn bản không có trong danh sách.")},
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Tất cả")), *Status.choices],
        required=False,
        error_messages={"invalid_choice": _("Trạng thái không hợp lệ.")},
    )
    date_from = forms.DateField(
        label=_("Ban hành từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )
    date_to = forms.DateField(
        label=_("đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )

    def clean_q(self) -> str:
        value = self.cleaned_data.get("q") or ""
        if "\x00" in value:
            raise forms.ValidationError(_("Từ khóa chứa ký tự không hợp lệ."))
        return " ".join(value.split())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def to_query(self) -> SearchQuery:
        data = self.cleaned_data
        organization, doc_type = data.get("organization"), data.get("doc_type")
        return SearchQuery(
            q=data.get("q") or "",
            organization_id=organization.pk if organization else None,
            doc_type=doc_type.code if doc_type else "",
            status=data.get("status") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Tên tìm kiếm"),
        max_length=100,
        error_messages={
            "required": _("Hãy đặt tên cho tìm kiếm."),
            "max_length": _("Tên quá dài: tối đa %(limit_value)d ký tự."),
        },
    )
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)

    def clean_name(self) -> str:
        name = " ".join((self.cleaned_data.get("name") or "").split())
        if not name:
            raise forms.ValidationError(_("Hãy đặt tên cho tìm kiếm."))
        return name
