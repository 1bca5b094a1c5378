"""The drafter's form: a new plan or an edit of a draft, as plain fields a person types."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents import limits
from documents.dates import vn_today
from documents.importer import parse_recipient
from documents.models import Confidentiality, DocumentType, Purpose, Urgency
from organizations.models import ORGAN_CODE_PATTERN, Organization, SignatureForm, User
from organizations.selectors import (
    HeldForm,
    eligible_signers,
    recipient_choices,
    signature_form_refusal,
    signature_forms_for,
)


class DraftForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=Organization.objects.none())
    doc_type = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentType.objects.order_by("name"))
    type_title = forms.CharField(
        label=_("Tên loại in trên văn bản (khi dài hơn tên loại, ví dụ CHƯƠNG TRÌNH HÀNH ĐỘNG)"),
        max_length=limits.TYPE_TITLE_MAX,
        required=False,
    )
    subject = forms.CharField(label=_("Trích yếu"), max_length=limits.SUBJECT_MAX)
    legal_bases = forms.CharField(
        label=_("Căn cứ (mỗi dòng một căn cứ)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Nội dung (các đoạn cách nhau một dòng trống)"),
        max_length=limits.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    # Pasted lines, for bodies outside the directory or a list copied from a plan; the rows above it
    # (RecipientRowForm, prefix "r") pick from the directory. Both together make the "Nơi nhận" list.
    recipients = forms.CharField(
        label=_("Hoặc dán nhiều nơi nhận ngoài danh bạ (mỗi dòng một nơi, ví dụ: Báo Long An (để biết))"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    signer = forms.ModelChoiceField(label=_("Người ký"), queryset=User.objects.none())
    signature_form = forms.ChoiceField(label=_("Thể thức ký"), choices=SignatureForm.choices)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    confidentiality = forms.ChoiceField(label=_("Độ mật"), choices=Confidentiality.choices)
    deadline = forms.DateField(label=_("Hạn xử lý"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        *args: Any,
        organizations: list[Organization],
        drafter: User,
        recipient_rows: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The directory rows: bound only when the page sent them (a client posting the pasted list alone is fine).
        data = self.data if self.is_bound and f"{ROWS_PREFIX}-TOTAL_FORMS" in self.data else None
        self.rows = RecipientRowFormSet(
            data,
            prefix=ROWS_PREFIX,
            initial=recipient_rows or None,
            form_kwargs={"targets": target_choices(organizations)},
        )
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
        self.held_forms = self._held_forms()
        if self.held_forms is not None:
            # Only the forms the chosen signer holds are shown (the reasons beside them); validation still knows
            # every form, so one not held gets clean()'s message that says why, not "not a valid choice".
            self.fields["signature_form"].widget.choices = [(h.form, h.label) for h in self.held_forms]

    def _chosen(self, name: str) -> Any:
        """The organization, signer or type the page shows as chosen (posted, else initial), or None."""
        raw = self.data.get(name) if self.is_bound else None
        if raw in (None, ""):
            raw = self.initial.get(name, self.fields[name].initial)
        try:
            return self.fields[name].queryset.filter(pk=getattr(raw, "pk", raw)).first() if raw else None
        except (TypeError, ValueError):
            return None

    def _held_forms(self) -> list[HeldForm] | None:
        """organizations.selectors.signature_forms_for for the signer on the page, today; None before one is chosen."""
        organization, signer = self._chosen("organization"), self._chosen("signer")
        if organization is None or signer is None:
            return None
        doc_type = self._chosen("doc_type")
        return signature_forms_for(
            signer=signer, organization=organization, doc_type_id=doc_type.pk if doc_type else None, on=vn_today()
        )

    def clean_recipients(self) -> list[dict[str, str]]:
        lines = [line for line in self.cleaned_data["recipients"].splitlines() if line.strip(" -;")]
        recipients = [parse_recipient(line) for line in lines]
        _check_lines([r["display_name"] for r in recipients], limits.RECIPIENTS_MAX, limits.RECIPIENT_MAX)
        return recipients

    def is_valid(self) -> bool:
        rows_valid = not self.rows.is_bound or self.rows.is_valid()
        return super().is_valid() and rows_valid

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_signature_form(cleaned)
        if "recipients" not in cleaned:
            return cleaned
        rows = [row.line() for row in self.rows.forms if row.is_bound and row.is_valid() and row.line()]
        cleaned["recipients"] = rows + cleaned["recipients"]
        if not cleaned["recipients"]:
            self.add_error("recipients", _("Cần ít nhất một nơi nhận."))
        elif len(cleaned["recipients"]) > limits.RECIPIENTS_MAX:
            self.add_error("recipients", _("Nhiều quá %(count)s dòng.") % {"count": limits.RECIPIENTS_MAX})
        return cleaned

    def _check_signature_form(self, cleaned: dict[str, Any]) -> None:
        """A form the signer does not hold today is refused at save (the service says so too), as a field error."""
        signer, organization, form = cleaned.get("signer"), cleaned.get("organization"), cleaned.get("signature_form")
        if signer is None or organization is None or not form:
            return
        doc_type = cleaned.get("doc_type")
        refusal = signature_form_refusal(
            signer=signer,
            organization=organization,
            form=form,
            doc_type_id=doc_type.pk if doc_type else None,
            on=vn_today(),
        )
        if refusal:
            self.add_error("signature_form", refusal)

    def clean_legal_bases(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["legal_bases"].splitlines() if line.strip()]
        _check_lines(lines, limits.LEGAL_BASES_MAX, limits.LEGAL_BASIS_MAX)
        return lines

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as documents.services takes them."""
        data = dict(self.cleaned_data)
        data.pop("organization")
        return data


ROWS_PREFIX = "r"
OUTSIDE = ""  # the target of a row naming a body outside the directory (its name typed)
TARGET_FIELDS = {"g": "group", "o": "organization", "u": "unit", "p": "person"}


def target_choices(organizations: list[Organization]) -> list[Any]:
    """The row's <select>: outside bodies, then the directory of each issuing organization in optgroups.
    Values are "g:<id>", "o:<id>", "u:<id>", "p:<id>"; documents.services checks them again at save."""
    choices: list[Any] = [(OUTSIDE, _("Ngoài hệ thống (ghi tên)"))]
    for organization in organizations:
        directory = recipient_choices(organization)
        suffix = f" — {organization.abbreviation}" if len(organizations) > 1 else ""
        groups = [
            (_("Nhóm nơi nhận"), [(f"g:{g.pk}", g.name) for g in directory.groups]),
            (_("Cơ quan"), [(f"o:{o.pk}", str(o)) for o in directory.organizations]),
            (_("Đơn vị"), [(f"u:{u.pk}", f"{u.name} ({u.abbreviation})") for u in directory.units]),
            (
                _("Cá nhân"),
                [
                    (f"p:{m.user_id}", f"{m.user.display_name}, {m.post_title or m.get_role_display()}")
                    for m in directory.people
                ],
            ),
        ]
        choices += [(f"{label}{suffix}", options) for label, options in groups if options]
    return choices


class RecipientRowForm(forms.Form):
    """One "Nơi nhận" row: who (from the directory, or outside), the purpose, the printed text, an e-mail."""

    target = forms.ChoiceField(label=_("Nơi nhận"), required=False)
    purpose = forms.ChoiceField(label=_("Mục đích"), choices=Purpose.choices, required=False)
    # The purpose as written when it differs from the label ("để b/c"); documents.services checks it says the purpose.
    purpose_text = forms.CharField(label=_("Mục đích như đã ghi"), max_length=40, required=False)
    display_name = forms.CharField(label=_("Tên in trên văn bản"), max_length=limits.RECIPIENT_MAX, required=False)
    email = forms.EmailField(label=_("Thư điện tử (nơi ngoài hệ thống)"), required=False, max_length=254)
    # Sent by the exchange (edXML) when given; documents.services checks its form.
    organ_code = forms.CharField(
        label=_("Mã định danh liên thông (nơi ngoài hệ thống)"),
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"placeholder": "000.00.12.H41", "pattern": ORGAN_CODE_PATTERN.strip("^$")}),
    )

    def __init__(self, *args: Any, targets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets

    def clean_display_name(self) -> str:
        value = self.cleaned_data["display_name"].strip()
        if problem := limits.text_problem(value, max_length=limits.RECIPIENT_MAX):
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("target") == OUTSIDE
            and not cleaned.get("display_name")
            and (cleaned.get("email") or cleaned.get("organ_code"))
        ):
            self.add_error("display_name", _("Ghi tên nơi nhận ngoài hệ thống."))
        return cleaned

    def line(self) -> dict[str, Any] | None:
        """The line as documents.services takes it; None for an empty row."""
        target = self.cleaned_data.get("target") or OUTSIDE
        name = self.cleaned_data.get("display_name", "")
        if target == OUTSIDE and not name:
            return None
        line: dict[str, Any] = {
            "display_name": name,
            "purpose": self.cleaned_data.get("purpose", ""),
            "email": self.cleaned_data.get("email", ""),
            **({"purpose_text": text} if (text := self.cleaned_data.get("purpose_text", "").strip()) else {}),
            "organ_code": self.cleaned_data.get("organ_code", "").strip(),
        }
        if target != OUTSIDE:
            kind, _colon, pk = target.partition(":")
            line[TARGET_FIELDS[kind]] = int(pk)
        return line


RecipientRowFormSet = forms.formset_factory(RecipientRowForm, extra=3, max_num=limits.RECIPIENTS_MAX)


def recipient_rows(document: Any) -> list[dict[str, Any]]:
    """The initial rows of the edit page: a draft's lines as they are stored."""
    rows = []
    for line in document.recipients.all():
        target = next(
            (
                f"{kind}:{getattr(line, f'{name}_id')}"
                for kind, name in TARGET_FIELDS.items()
                if getattr(line, f"{name}_id")
            ),
            OUTSIDE,
        )
        rows.append(
            {
                "target": target,
                "purpose": line.purpose,
                "purpose_text": line.purpose_text,
                "display_name": line.display_name,
                "email": line.email,
                "organ_code": line.organ_code,
            }
        )
    return rows


def _check_lines(lines: list[str], max_lines: int, max_length: int) -> None:
    if problem := limits.lines_problem(lines, max_lines=max_lines, max_length=max_length):
        raise forms.ValidationError(problem)
