"""The forms of my settings page: what a person types; the rules are in personal.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType
from organizations.models import Organization, SignatureForm, User
from organizations.selectors import GIVABLE_FORMS, absence_delegates_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AbsenceForm(forms.Form):
    start = forms.DateField(label=_("Vắng từ ngày"), widget=DATE)
    end = forms.DateField(label=_("Đến ngày"), widget=DATE)
    delegate = forms.ModelChoiceField(label=_("Người xử lý thay"), queryset=User.objects.none())
    note = forms.CharField(label=_("Lý do (không bắt buộc)"), max_length=255, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = absence_delegates_for(user=user)
        self.fields["delegate"].label_from_instance = lambda person: person.display_name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return cleaned


class DelegationForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Organization.objects.none())
    delegate = forms.ModelChoiceField(label=_("Người được giao"), queryset=User.objects.none())
    form = forms.ChoiceField(label=_("Thể thức ký"), choices=[(f, SignatureForm(f).label) for f in GIVABLE_FORMS])
    valid_from = forms.DateField(label=_("Từ ngày"), widget=DATE)
    valid_until = forms.DateField(label=_("Đến ngày (để trống: không thời hạn)"), widget=DATE, required=False)
    document_types = forms.ModelMultipleChoiceField(
        label=_("Loại văn bản (để trống: mọi loại)"),
        queryset=DocumentType.objects.order_by("name"),
        required=False,
    )
    note = forms.CharField(label=_("Căn cứ giao ký (không bắt buộc)"), max_length=255, required=False)

    def __init__(self, *args: Any, organizations: list[Organization], user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk
        self.fields["delegate"].queryset = (
            User.objects.filter(
                memberships__organization__in=organizations, memberships__is_active=True, is_active=True
            )
            .exclude(pk=user.pk)
            .distinct()
            .order_by("full_name", "pk")
        )
        self.fields["delegate"].label_from_instance = lambda person: person.display_name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and until and until < start:
            self.add_error("valid_until", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return cleaned


class SignatureImageForm(forms.Form):
    image = forms.FileField(
        label=_("Ảnh chữ ký (PNG, tối đa 1 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
