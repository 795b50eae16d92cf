from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspektive.clients.models import Client
from perspektive.consent.models import GivenBy, HandoverSection, Method, Purpose
from perspektive.core.forms import DateInput
from perspektive.organisations.models import Organisation, OrganisationKind

# Languages clients speak: the UI languages plus others common among the programme's people.
CLIENT_LANGUAGES = [
    *settings.LANGUAGES,
    ("ku", _("Kurmanji Kurdish")),
    ("tr", _("Turkish")),
    ("ru", _("Russian")),
    ("wo", _("Wolof")),
    ("ha", _("Hausa")),
    ("yo", _("Yoruba")),
    ("ig", _("Igbo")),
    ("tw", _("Twi")),
    ("ff", _("Fula")),
    ("ber", _("Berber languages")),
    ("pa", _("Punjabi")),
    ("it", _("Italian")),
]


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or reference"), required=False, max_length=200)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100
    )


class ClientForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=CLIENT_LANGUAGES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    health_notes = forms.CharField(
        label=_("Health"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    psychosocial_notes = forms.CharField(
        label=_("Psychosocial situation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    migration_status = forms.CharField(label=_("Migration status"), required=False, max_length=500)

    class Meta:
        model = Client
        fields = [
            "name",
            "name_latin",
            "birth_date",
            "birth_date_approximate",
            "sex",
            "nationality",
            "languages",
            "phone",
            "email",
            "target_group",
            "household_size",
            "children_count",
        ]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args: Any, special: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not special:
            for field in Client.SPECIAL_FIELDS:
                del self.fields[field]
        elif self.instance.pk:
            for field in Client.SPECIAL_FIELDS:
                self.initial[field] = getattr(self.instance, field) or ""
        self.fields["phone"].help_text = _("International format, e.g. +964 750 123 4567")

    def service_data(self) -> dict[str, Any]:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        for field in Client.SPECIAL_FIELDS:
            if field in self.fields:
                data[field] = self.cleaned_data[field]
        return data


class ClientCreateForm(ClientForm):
    organisation = forms.ModelChoiceField(
        label=_("Registering organisation"), queryset=Organisation.objects.none()
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked the records above: this is a different person."), required=False
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations or []])
        if organisations is not None and len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
            self.fields["organisation"].widget = forms.HiddenInput()


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    partner = forms.ModelChoiceField(
        label=_("Partner organisation (referrals only)"),
        required=False,
        queryset=Organisation.objects.filter(is_active=True).exclude(kind=OrganisationKind.FUNDER),
    )
    given_by = forms.ChoiceField(label=_("Given by"), choices=GivenBy.choices, initial=GivenBy.SELF)
    guardian_name = forms.CharField(label=_("Name of the guardian"), required=False, max_length=200)
    method = forms.ChoiceField(label=_("How"), choices=Method.choices)
    witness_name = forms.CharField(
        label=_("Witness (oral consent)"), required=False, max_length=200
    )
    notice_version = forms.CharField(label=_("Version of the notice shown"), max_length=20)
    notice_language = forms.ChoiceField(
        label=_("Language of the notice"), choices=settings.LANGUAGES
    )
    given_at = forms.DateTimeField(
        label=_("Given on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for now."),
    )

    sections = forms.MultipleChoiceField(
        label=_("What may be shared (handover and referral)"),
        choices=HandoverSection.choices,
        required=False,
        initial=[HandoverSection.IDENTITY],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For a transnational handover or a referral to a partner: the parts of the record "
            "the client agreed to pass on. Identity is always part of it."
        ),
    )

    def clean_given_at(self) -> dt.datetime | None:
        value = self.cleaned_data.get("given_at")
        if value and value > timezone.now():
            raise forms.ValidationError(_("Consent cannot be given in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") in (Purpose.HANDOVER, Purpose.REFERRAL):
            if not data.get("sections"):
                self.add_error(
                    "sections", _("Choose what the client agreed to share (identity at least).")
                )
        else:
            data["sections"] = None  # only handover and referral consents name sections
        return data


class ConsentWithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Note (how the client withdrew it)"), required=False, max_length=500
    )
