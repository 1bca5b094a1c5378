"""The drafter's form: a new plan or an edit of a draft, as plain fields a person types."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents import limits
from documents.importer import parse_recipient_line
from documents.models import Confidentiality, DocumentType, Urgency
from organizations.models import Organization, SignatureForm, User
from organizations.selectors import eligible_signers


class DraftForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=Organization.objects.none())
    doc_type = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentType.objects.order_by("name"))
    subject = forms.CharField(label=_("Trích yếu"), max_length=limits.SUBJECT_MAX)
    legal_bases = forms.CharField(
        label=_("Căn cứ (mỗi dòng một căn cứ)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Nội dung (các đoạn cách nhau một dòng trống)"),
        max_length=limits.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi, ví dụ: Sở GD&ĐT tỉnh Long An (b/c))"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    signer = forms.ModelChoiceField(label=_("Người ký"), queryset=User.objects.none())
    signature_form = forms.ChoiceField(label=_("Thể thức ký"), choices=SignatureForm.choices)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    confidentiality = forms.ChoiceField(label=_("Độ mật"), choices=Confidentiality.choices)
    deadline = forms.DateField(label=_("Hạn xử lý"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, organizations: list[Organization], drafter: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in organizations]
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=ids)
        # The people the services accept as signer (organizations.selectors.eligible_signers), nobody else.
        signers = Q(pk__in=[])
        for organization_id in ids:
            eligible = eligible_signers(organization_id=organization_id, drafter_id=drafter.pk)
            signers |= Q(pk__in=eligible.values("pk"))
        self.fields["signer"].queryset = User.objects.filter(signers).order_by("full_name")
        self.fields["signer"].label_from_instance = lambda user: user.display_name
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk

    def clean_recipients(self) -> list[dict[str, str]]:
        lines = [line for line in self.cleaned_data["recipients"].splitlines() if line.strip(" -;")]
        if not lines:
            raise forms.ValidationError(_("Cần ít nhất một nơi nhận."))
        recipients = [dict(zip(("display_name", "purpose"), parse_recipient_line(line), strict=True)) for line in lines]
        _check_lines([r["display_name"] for r in recipients], limits.RECIPIENTS_MAX, limits.RECIPIENT_MAX)
        return recipients

    def clean_legal_bases(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["legal_bases"].splitlines() if line.strip()]
        _check_lines(lines, limits.LEGAL_BASES_MAX, limits.LEGAL_BASIS_MAX)
        return lines

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as documents.services takes them."""
        data = dict(self.cleaned_data)
        data.pop("organization")
        return data


def _check_lines(lines: list[str], max_lines: int, max_length: int) -> None:
    if problem := limits.lines_problem(lines, max_lines=max_lines, max_length=max_length):
        raise forms.ValidationError(problem)
