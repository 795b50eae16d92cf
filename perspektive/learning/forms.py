from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from perspektive.core.forms import DateInput
from perspektive.core.models import Country
from perspektive.jobs.forms import ChosenOccupationInput
from perspektive.jobs.models import Occupation
from perspektive.jobs.selectors import occupation_suggest
from perspektive.learning.models import Course, CourseStatus, Trade
from perspektive.organisations.models import Organisation


class CourseForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Training provider"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    trade = forms.ChoiceField(label=_("Trade"), choices=Trade.choices)
    occupation_query = forms.CharField(
        label=_("Occupation the course prepares for (optional)"),
        required=False,
        max_length=200,
        help_text=_("Type a job title, then choose the matching occupation (ESCO)."),
    )
    occupation = forms.ModelChoiceField(
        queryset=Occupation.objects.all(), required=False, widget=ChosenOccupationInput
    )
    language = forms.ChoiceField(label=_("Language of instruction"), choices=settings.LANGUAGES)
    location = forms.CharField(label=_("Address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    first_day = forms.DateField(label=_("First day"), widget=DateInput())
    last_day = forms.DateField(label=_("Last day"), widget=DateInput())
    sessions = forms.IntegerField(label=_("Sessions"), min_value=1, max_value=1000)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=1000)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args: Any, providers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[p.pk for p in providers])
        self.providers = providers
        if len(providers) == 1:  # nothing to choose: the only provider, not shown
            field.required = False
            field.widget = forms.HiddenInput()

    def occupation_suggestions(self) -> list[Occupation]:
        query = (
            self.data.get("occupation_query")
            if self.is_bound
            else self.initial.get("occupation_query")
        ) or ""
        return occupation_suggest(str(query)) if query else []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("provider") and len(self.providers) == 1:
            data["provider"] = self.providers[0]
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("provider", None)
        data.pop("occupation_query", None)
        return data

    @staticmethod
    def initial_for(course: Course) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f: getattr(course, f)
            for f in (
                "provider",
                "title",
                "trade",
                "occupation",
                "language",
                "location",
                "city",
                "country",
                "first_day",
                "last_day",
                "sessions",
                "capacity",
                "description",
            )
        }
        if course.occupation is not None:
            initial["occupation_query"] = course.occupation.label
        return initial


class CourseStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(CourseStatus.PUBLISHED, _("Publish")), (CourseStatus.CANCELLED, _("Cancel"))]
    )


class CatalogueFilterForm(forms.Form):
    trade = forms.ChoiceField(
        label=_("Trade"), choices=[("", _("All trades")), *Trade.choices], required=False
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        empty_label=_("All countries"),
    )
    starts_after = forms.DateField(label=_("Starts from"), required=False, widget=DateInput())
    starts_before = forms.DateField(label=_("Starts until"), required=False, widget=DateInput())
    has_places = forms.BooleanField(label=_("Only with free places"), required=False)


class RecordForm(forms.Form):
    """The provider's record for one enrolled person: attendance, and the result."""

    ACTIONS = (
        ("attendance", _("Save attendance")),
        ("complete", _("Completed: issue the certificate")),
        ("did_not_complete", _("Did not complete")),
    )
    action = forms.ChoiceField(choices=ACTIONS)
    attended_sessions = forms.IntegerField(
        label=_("Sessions attended"), min_value=0, max_value=1000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "attendance" and data.get("attended_sessions") is None:
            self.add_error("attended_sessions", _("Give the number of sessions attended."))
        return data


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        help_text=_("As printed on the certificate, e.g. ABCD-EFGH-JKLM-NPQR."),
    )
