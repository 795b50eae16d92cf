from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from perspektive.appointments.models import (
    SLOT_LENGTHS,
    WEEKDAYS,
    AppointmentStatus,
    Mode,
    Topic,
)
from perspektive.core.forms import DateInput
from perspektive.core.models import Country


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_choices(centre_zone: str) -> list[tuple[str, str]]:
    """Time zones a visitor picks from without JavaScript: the centre's, Germany's, those of
    the partner countries, UTC (the page's script preselects the browser's own zone)."""
    zones = [centre_zone, "Europe/Berlin"]
    zones += list(Country.objects.order_by("time_zone").values_list("time_zone", flat=True))
    zones.append("UTC")
    seen: dict[str, str] = {}
    for zone in zones:
        seen.setdefault(zone, zone.replace("_", " "))
    return list(seen.items())


def language_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    from django.utils.translation import get_language_info

    out = []
    for code, _name in settings.LANGUAGES:
        if codes is None or code in codes:
            out.append((code, get_language_info(code)["name_local"]))
    return out


class TimeZoneField(forms.CharField):
    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value and value not in _zones():
            raise forms.ValidationError(_("Unknown time zone."))
        return str(value)


class SlotSearchForm(forms.Form):
    """What the visitor wants; the free times follow (GET, works without JavaScript)."""

    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    mode = forms.ChoiceField(label=_("How do you want to talk?"), choices=Mode.choices)
    language = forms.ChoiceField(label=_("Language"))
    tz = TimeZoneField(label=_("Your time zone"), required=False, max_length=64)
    week = forms.IntegerField(min_value=0, max_value=7, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, centre_zone: str, languages: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = language_choices(languages)
        choices = zone_choices(centre_zone)
        self.fields["tz"].widget = forms.Select(choices=choices, attrs={"data-detect-zone": "1"})
        self.fields["tz"].initial = centre_zone
        self.zone_choices = choices

    def clean_tz(self) -> str:
        value = self.cleaned_data.get("tz") or ""
        if value and value not in dict(self.zone_choices):
            # A zone the browser reported (JavaScript): keep it and show it as a choice.
            self.zone_choices.append((value, value.replace("_", " ")))
            cast(forms.Select, self.fields["tz"].widget).choices = self.zone_choices
        return value


class BookingForm(forms.Form):
    slot = forms.DateTimeField(
        label=_("Time"),
        input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"],
        error_messages={"required": _("Choose a time.")},
    )  # rendered as the radio buttons of the slot list, not by the form
    name = forms.CharField(label=_("Your name"), max_length=200)
    phone = PhoneNumberField(
        label=_("Phone (with country code, e.g. +964 750 123 4567)"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )
    email = forms.EmailField(
        label=_("or e-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    message = forms.CharField(
        label=_("What would you like to talk about? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    contact_consent = forms.BooleanField(
        label=_(
            "I agree that the centre contacts me about this appointment by phone, SMS or "
            "e-mail, and stores my name and contact for it."
        ),
        error_messages={"required": _("We can only book if we may contact you about it.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("phone")
            and not data.get("email")
            and not (self.errors.get("phone") or self.errors.get("email"))
        ):
            self.add_error("phone", _("Give a phone number or an e-mail address."))
        return data


class MoveForm(forms.Form):
    slot = forms.DateTimeField(
        label=_("New time"),
        input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"],
        error_messages={"required": _("Choose a time.")},
        widget=forms.HiddenInput,
    )


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (s.value, s.label)
            for s in (
                AppointmentStatus.ATTENDED,
                AppointmentStatus.NO_SHOW,
                AppointmentStatus.CANCELLED,
            )
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class LinkClientForm(forms.Form):
    client = forms.IntegerField(widget=forms.HiddenInput)


class NewClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    target_group = forms.ChoiceField(label=_("Target group"))
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    confirm_not_duplicate = forms.BooleanField(
        label=_("None of the people listed is this person: register anyway"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from perspektive.clients.models import TargetGroup

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target_group"]).choices = TargetGroup.choices


class WeeklyHoursForm(forms.Form):
    counsellor = forms.TypedChoiceField(label=_("Counsellor"), coerce=int)
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    slot_minutes = forms.TypedChoiceField(
        label=_("Minutes per appointment"), choices=SLOT_LENGTHS, coerce=int, initial=30
    )
    modes = forms.MultipleChoiceField(
        label=_("Modes"), choices=Mode.choices, widget=forms.CheckboxSelectMultiple
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(label=_("Languages"), widget=forms.CheckboxSelectMultiple)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, counsellors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["counsellor"]).choices = counsellors
        cast(forms.ChoiceField, self.fields["languages"]).choices = language_choices()


class TimeOffForm(forms.Form):
    counsellor = forms.TypedChoiceField(label=_("Counsellor"), coerce=int)
    first_day = forms.DateField(label=_("First day"), widget=DateInput())
    last_day = forms.DateField(label=_("Last day"), widget=DateInput())
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=200)

    def __init__(self, *args: Any, counsellors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["counsellor"]).choices = counsellors


class HolidayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput())
    name = forms.CharField(label=_("Name"), max_length=120)


def parse_day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return default


def safe_zone(value: str | None, default: str) -> ZoneInfo:
    return ZoneInfo(value if value and value in _zones() else default)
