from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from perspektive.clients.forms import CLIENT_LANGUAGES
from perspektive.core.forms import DateInput
from perspektive.core.models import Country
from perspektive.jobs.models import (
    OFFER_FIELDS,
    WAGE_PERIODS,
    ContractType,
    JobOffer,
    LanguageLevel,
    Occupation,
    Recognition,
    Skill,
    SkillKind,
    WorkingTime,
)
from perspektive.jobs.selectors import occupation_suggest
from perspektive.organisations.models import Organisation, OrganisationKind

LANGUAGE_ROWS = 3


class ChosenOccupationInput(forms.HiddenInput):
    """The chosen occupation. Without JavaScript the page may send it twice, as the radio
    button picked from the suggestions and as the form's hidden field: the one with a value
    is the choice, whichever comes last."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getlist = getattr(data, "getlist", None)
        values = getlist(name) if getlist else [data.get(name)]
        chosen = [v for v in values if v not in (None, "")]
        return chosen[-1] if chosen else None


class OccupationPickMixin(forms.Form):
    """A typed job title plus the ESCO occupation chosen from suggestions for it.

    Without JavaScript the form comes back with the suggestions as a list to choose from;
    with htmx the list follows the typing."""

    occupation_field = "occupation"

    def occupation_suggestions(self) -> list[Occupation]:
        query = (
            self.data.get(f"{self.occupation_field}_query")
            if self.is_bound
            else self.initial.get(f"{self.occupation_field}_query")
        ) or ""
        return occupation_suggest(str(query)) if query else []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get(self.occupation_field) and self.occupation_field not in self.errors:
            message = (
                _("Choose the occupation that fits from the list.")
                if data.get(f"{self.occupation_field}_query")
                else _("Type a job title and choose the occupation.")
            )
            self.add_error(self.occupation_field, message)
        return data


def _language_fields(form: forms.Form, prefix: str = "lang") -> None:
    for i in range(1, LANGUAGE_ROWS + 1):
        form.fields[f"{prefix}_{i}"] = forms.ChoiceField(
            label=_("Language"), required=False, choices=[("", "—"), *CLIENT_LANGUAGES]
        )
        form.fields[f"{prefix}_{i}_level"] = forms.TypedChoiceField(
            label=_("Level"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "—"), *LanguageLevel.choices],
        )


def _languages_from(form: forms.Form, prefix: str = "lang") -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(1, LANGUAGE_ROWS + 1):
        code = form.cleaned_data.get(f"{prefix}_{i}")
        level = form.cleaned_data.get(f"{prefix}_{i}_level")
        if code and level is None:
            form.add_error(f"{prefix}_{i}_level", _("Choose a level for this language."))
        elif code and level is not None:
            out[code] = int(level)
    return out


def language_initial(languages: dict[str, int], prefix: str = "lang") -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for i, (code, level) in enumerate(list(languages.items())[:LANGUAGE_ROWS], start=1):
        initial[f"{prefix}_{i}"] = code
        initial[f"{prefix}_{i}_level"] = level
    return initial


class OfferForm(OccupationPickMixin, forms.Form):
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Job title"), max_length=200)
    occupation_query = forms.CharField(
        label=_("Occupation"),
        required=False,
        max_length=200,
        help_text=_("Type a job title, then choose the matching occupation (ESCO)."),
    )
    occupation = forms.ModelChoiceField(
        queryset=Occupation.objects.all(), required=False, widget=ChosenOccupationInput
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    required_skills = forms.ModelMultipleChoiceField(
        label=_("Required skills"),
        required=False,
        queryset=Skill.objects.filter(kind=SkillKind.TRANSVERSAL),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    optional_skills = forms.ModelMultipleChoiceField(
        label=_("Helpful skills"),
        required=False,
        queryset=Skill.objects.filter(kind=SkillKind.TRANSVERSAL),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    region = forms.CharField(label=_("Region"), required=False, max_length=100)
    city = forms.CharField(label=_("City"), max_length=100)
    contract_type = forms.ChoiceField(label=_("Contract"), choices=ContractType.choices)
    working_time = forms.ChoiceField(label=_("Working time"), choices=WorkingTime.choices)
    wage_min = forms.DecimalField(
        label=_("Wage from"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    wage_max = forms.DecimalField(
        label=_("Wage to"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    wage_currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("ISO code, e.g. IQD, EUR, XOF"),
    )
    wage_period = forms.ChoiceField(
        label=_("Wage period"), required=False, choices=[("", "—"), *WAGE_PERIODS]
    )
    positions = forms.IntegerField(label=_("Positions"), min_value=1, max_value=1000, initial=1)
    start_date = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    deadline = forms.DateField(label=_("Apply by"), required=False, widget=DateInput())

    def __init__(self, *args: Any, employers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _language_fields(self)
        field = self.fields["employer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = employers
        if employers.count() == 1:
            field.initial = employers.first()
            field.widget = forms.HiddenInput()

    def clean_wage_currency(self) -> str:
        value = (self.cleaned_data.get("wage_currency") or "").upper()
        if value and (len(value) != 3 or not value.isalpha()):
            raise forms.ValidationError(_("Use the three-letter currency code."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("wage_min"), data.get("wage_max")
        if low is not None and high is not None and high < low:
            self.add_error("wage_max", _("The upper wage cannot be below the lower one."))
        if (low is not None or high is not None) and not data.get("wage_currency"):
            self.add_error("wage_currency", _("Give the currency of the wage."))
        start, deadline = data.get("start_date"), data.get("deadline")
        if start and deadline and deadline > start:
            self.add_error("deadline", _("The deadline should not be after the start."))
        data["languages"] = _languages_from(self)
        return data

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data = {k: d.get(k) for k in OFFER_FIELDS}
        data["wage_period"] = data["wage_period"] or ""
        data["required_skills"] = [s.pk for s in d.get("required_skills") or []]
        data["optional_skills"] = [s.pk for s in d.get("optional_skills") or []]
        return data

    @staticmethod
    def initial_from(offer: JobOffer) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f: getattr(offer, f)
            for f in (
                "title",
                "description",
                "region",
                "city",
                "contract_type",
                "working_time",
                "wage_min",
                "wage_max",
                "wage_currency",
                "wage_period",
                "positions",
                "start_date",
                "deadline",
            )
        }
        initial.update(
            employer=offer.employer,
            country=offer.country,
            occupation=offer.occupation,
            occupation_query=offer.occupation.label,
            required_skills=list(offer.required_skills.all()),
            optional_skills=list(offer.optional_skills.all()),
        )
        initial.update(language_initial(offer.languages or {}))
        return initial


def employer_choices() -> Any:
    return Organisation.objects.filter(kind=OrganisationKind.EMPLOYER, is_active=True)


class ProfileForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country where the person looks for work"), queryset=Country.objects.all()
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    willing_to_move = forms.BooleanField(label=_("Willing to move for work"), required=False)
    max_distance_km = forms.IntegerField(
        label=_("Travel up to (km)"), min_value=0, max_value=2000, initial=30
    )
    available_from = forms.DateField(label=_("Available from"), required=False, widget=DateInput())
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        required=False,
        queryset=Skill.objects.filter(kind=SkillKind.TRANSVERSAL),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _language_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["languages"] = _languages_from(self)
        return data

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        for i in range(1, LANGUAGE_ROWS + 1):
            d.pop(f"lang_{i}", None)
            d.pop(f"lang_{i}_level", None)
        d["skills"] = [s.pk for s in d.get("skills") or []]
        return d


class WantedOccupationForm(OccupationPickMixin, forms.Form):
    occupation_query = forms.CharField(label=_("Occupation wanted"), required=False, max_length=200)
    occupation = forms.ModelChoiceField(
        queryset=Occupation.objects.all(), required=False, widget=ChosenOccupationInput
    )


class ExperienceForm(OccupationPickMixin, forms.Form):
    occupation_query = forms.CharField(label=_("Work done"), required=False, max_length=200)
    occupation = forms.ModelChoiceField(
        queryset=Occupation.objects.all(), required=False, widget=ChosenOccupationInput
    )
    employer_name = forms.CharField(label=_("Employer"), required=False, max_length=200)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=True
    )
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    description = forms.CharField(label=_("What the work was"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Country.objects.all()
        field.help_text = _("Work in Germany counts: skills acquired abroad.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return data


class QualificationForm(forms.Form):
    title = forms.CharField(label=_("Qualification"), max_length=200)
    awarded_in = forms.ModelChoiceField(
        label=_("Country where awarded"), queryset=Country.objects.all()
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1950, max_value=2100)
    recognition = forms.ChoiceField(label=_("Recognition"), choices=Recognition.choices)
    certificate_code = forms.CharField(label=_("Certificate code"), required=False, max_length=64)


class ProposeForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason to propose without the client's job-matching consent"),
        required=False,
        max_length=500,
    )
