from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from perspektive.accounts.models import User
from perspektive.cases.models import (
    CaseStatus,
    MeasureStatus,
    MeasureType,
    NeedDomain,
    NeedLevel,
    Vulnerability,
)
from perspektive.cases.transitions import allowed_next
from perspektive.core.forms import DateInput
from perspektive.organisations.models import Organisation, OrganisationKind


def _model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def counsellors_of(organisation: Organisation) -> Any:
    return User.objects.filter(
        memberships__organisation=organisation, memberships__is_active=True, is_active=True
    ).distinct()


class CaseOpenForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Centre"), queryset=Organisation.objects.none())
    counsellor = forms.ModelChoiceField(
        label=_("Counsellor"), required=False, queryset=User.objects.none()
    )
    return_date = forms.DateField(label=_("Return date"), required=False, widget=DateInput())
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        required=False,
        choices=Vulnerability.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in organisations]
        _model_choice(self, "organisation").queryset = Organisation.objects.filter(pk__in=ids)
        _model_choice(self, "counsellor").queryset = User.objects.filter(
            memberships__organisation__in=ids, memberships__is_active=True
        ).distinct()
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
            self.fields["organisation"].widget = forms.HiddenInput()


class CaseEditForm(forms.Form):
    counsellor = forms.ModelChoiceField(
        label=_("Counsellor"), required=False, queryset=User.objects.none()
    )
    return_date = forms.DateField(label=_("Return date"), required=False, widget=DateInput())
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False, widget=DateInput())
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        required=False,
        choices=Vulnerability.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "counsellor").queryset = counsellors_of(organisation)


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("Required when closing or reopening."),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, CaseStatus(s).label) for s in allowed_next(current)]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssessmentForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for domain in NeedDomain:
            self.fields[f"need_{domain.value}"] = forms.TypedChoiceField(
                label=domain.label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Not assessed")), *NeedLevel.choices],
            )

    def needs(self) -> dict[str, int]:
        return {
            d.value: self.cleaned_data[f"need_{d.value}"]
            for d in NeedDomain
            if self.cleaned_data.get(f"need_{d.value}") is not None
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"need_{d.value}") is not None for d in NeedDomain):
            raise forms.ValidationError(_("Assess at least one domain."))
        return data


class PlanForm(forms.Form):
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    agreed_with_client = forms.BooleanField(label=_("Agreed with the client"), required=False)


class MeasureForm(forms.Form):
    type = forms.ModelChoiceField(
        label=_("Measure"), queryset=MeasureType.objects.filter(is_active=True)
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=500)
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        required=False,
        queryset=Organisation.objects.filter(is_active=True).exclude(kind=OrganisationKind.FUNDER),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=MeasureStatus.choices, initial=MeasureStatus.PLANNED
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("End"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return data


class TransferForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Hand over to"),
        queryset=Organisation.objects.filter(
            is_active=True,
            kind__in=[OrganisationKind.COUNSELLING_CENTRE, OrganisationKind.RETURN_OFFICE],
        ),
    )
    override_reason = forms.CharField(
        label=_("Reason to proceed without the client's handover consent"),
        required=False,
        max_length=500,
        help_text=_("Only centre leads may override; it is recorded."),
    )
