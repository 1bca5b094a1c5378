"""The dossier form: what the clerk types; the rules (duplicate code, closed dossier) are the service's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import RetentionPeriod
from organizations.models import Organization, Unit


class DossierForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Cơ quan"))
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=9999)
    code = forms.CharField(label=_("Số và ký hiệu hồ sơ"), max_length=40)
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=255)
    retention_period = forms.ModelChoiceField(
        queryset=RetentionPeriod.objects.all(),
        label=_("Thời hạn bảo quản (theo bảng)"),
        required=False,
        empty_label=_("— chọn nhóm hồ sơ —"),
    )
    retention_years = forms.IntegerField(
        label=_("Hoặc số năm bảo quản (để trống: vĩnh viễn)"), min_value=1, max_value=100, required=False
    )
    owner_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Đơn vị lập hồ sơ"), required=False, empty_label="—"
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args: Any, organizations: list[Organization], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in organizations]
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=ids).order_by("name")
        self.fields["owner_unit"].queryset = Unit.objects.filter(organization_id__in=ids).order_by("name")
        self.fields["code"].error_messages["required"] = _("Hồ sơ cần có số và ký hiệu.")
        self.fields["title"].error_messages["required"] = _("Hồ sơ cần có tiêu đề.")
        if editing:  # a dossier stays in its organization and year
            self.fields["organization"].disabled = True
            self.fields["year"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit, organization = data.get("owner_unit"), data.get("organization")
        if unit is not None and organization is not None and unit.organization_id != organization.pk:
            self.add_error("owner_unit", _("Đơn vị lập hồ sơ không thuộc cơ quan đã chọn."))
        return data
