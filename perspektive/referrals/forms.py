from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from perspektive.cases.models import Vulnerability
from perspektive.consent.models import HandoverSection
from perspektive.core.forms import DateInput
from perspektive.organisations.models import Organisation
from perspektive.referrals.models import (
    HandoverStatus,
    PartnerService,
    ReferralStatus,
    ServiceDomain,
)
from perspektive.referrals.partners import PARTNER_KINDS, REFERRAL_SECTIONS
from perspektive.referrals.policy import centre_counsellors, receiving_centres

OPTIONAL_SECTIONS = [(c, label) for c, label in HandoverSection.choices if c != "identity"]


class CentreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.country.name})"


class HandoverForm(forms.Form):
    to_centre = CentreChoiceField(label=_("Centre in the country of origin"), queryset=None)
    planned_departure = forms.DateField(label=_("Planned departure"), widget=DateInput())
    sections = forms.MultipleChoiceField(
        label=_("Share with the centre"),
        choices=OPTIONAL_SECTIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Identity (name, date of birth, sex, nationality) is always shared. The handover "
            "can only be sent if the client's consent covers every section chosen here."
        ),
    )
    needs_summary = forms.CharField(
        label=_("Summary of needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Shared only if “Summary of needs” is chosen above."),
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shared only if “Vulnerabilities” is chosen above."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_centre"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = receiving_centres().order_by("country__name", "name")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["sections"] = ["identity", *data["sections"]]
        return data


ACTIONS: dict[str, tuple[Any, Any]] = {
    # to status -> (heading, button)
    HandoverStatus.SENT: (_("Send to the centre"), _("Send")),
    HandoverStatus.ACCEPTED: (_("Accept"), _("Accept and open a case")),
    HandoverStatus.DECLINED: (_("Decline"), _("Decline")),
    HandoverStatus.DEPARTED: (_("Departure"), _("Record departure")),
    HandoverStatus.ARRIVED: (_("Arrival"), _("Record arrival")),
    HandoverStatus.FIRST_CONTACT: (_("First contact"), _("Record first contact")),
    HandoverStatus.COMPLETED: (_("Complete"), _("Complete the handover")),
    HandoverStatus.CANCELLED: (
        pgettext_lazy("handover", "Cancel the handover"),
        pgettext_lazy("handover", "Cancel the handover"),
    ),
}
DATE_LABELS = {
    HandoverStatus.DEPARTED: _("Departed on"),
    HandoverStatus.ARRIVED: _("Arrived on"),
    HandoverStatus.FIRST_CONTACT: _("First contact on"),
}


class CounsellorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class StatusForm(forms.Form):
    """One step of the handover; the fields depend on the step (``action``)."""

    to_status = forms.ChoiceField(choices=HandoverStatus.choices, widget=forms.HiddenInput)
    counsellor: forms.ModelChoiceField[Any] = CounsellorChoiceField(
        label=_("Counsellor who takes over the case"), queryset=None, required=False
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked the records above: this is a different person."), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        action: str | None = None,
        centre: Organisation | None = None,
        duplicates: bool = False,
        **kwargs: Any,
    ) -> None:
        if action is not None:
            kwargs.setdefault("auto_id", f"id_{action}_%s")
            kwargs.setdefault("initial", {}).setdefault("to_status", action)
        super().__init__(*args, **kwargs)
        action = action or self.data.get("to_status", "")
        keep = {"to_status"}
        if action == HandoverStatus.ACCEPTED:
            keep |= {"counsellor"} | ({"confirm_not_duplicate"} if duplicates else set())
            field = self.fields["counsellor"]
            assert isinstance(field, forms.ModelChoiceField)
            if centre is not None:
                field.queryset = centre_counsellors(centre)
            field.required = True
        elif action == HandoverStatus.DECLINED:
            keep.add("reason")
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Why does the centre decline?")
        elif action == HandoverStatus.CANCELLED:
            keep.add("reason")
            self.fields["reason"].label = _("Reason (optional)")
        elif action in DATE_LABELS:
            keep.add("on")
            self.fields["on"].required = True
            self.fields["on"].label = DATE_LABELS[HandoverStatus(action)]
            self.fields["on"].initial = timezone.localdate()
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("to_status", None)
        return data


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("All open")), *HandoverStatus.choices],
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)


# Partner referrals ------------------------------------------------------------------------


def _client_languages() -> list[tuple[str, Any]]:
    from perspektive.clients.forms import CLIENT_LANGUAGES

    return list(CLIENT_LANGUAGES)


class PartnerServiceForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=ServiceDomain.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, choices=_client_languages, widget=forms.SelectMultiple
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "type": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"), required=False, widget=forms.EmailInput(attrs={"dir": "ltr"})
    )
    is_active = forms.BooleanField(label=_("Offered at the moment"), required=False, initial=True)


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organisation.name} · {obj.get_domain_display()} ({obj.organisation.city})"


REFERRAL_OPTIONAL_SECTIONS = [
    (c, label) for c, label in HandoverSection.choices if c in REFERRAL_SECTIONS and c != "identity"
]


class ReferralForm(forms.Form):
    service = ServiceChoiceField(label=_("Partner and service"), queryset=None)
    deadline = forms.DateField(
        label=_("Answer and outcome due"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for 7 days from today."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Share with the partner"),
        choices=REFERRAL_OPTIONAL_SECTIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The name is always shared. The client's referral consent for this partner must "
            "cover every section chosen here."
        ),
    )
    note = forms.CharField(
        label=_("Note for the partner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Shown only if “Summary of needs” is shared."),
    )

    def __init__(self, *args: Any, country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        qs = PartnerService.objects.filter(
            is_active=True, organisation__is_active=True, organisation__kind__in=PARTNER_KINDS
        ).select_related("organisation")
        if country:
            qs = qs.filter(organisation__country_id=country)
        field.queryset = qs.order_by("organisation__name", "domain")


REFERRAL_ACTIONS: dict[str, tuple[Any, Any]] = {
    ReferralStatus.ACCEPTED: (_("Accept"), _("Accept the referral")),
    ReferralStatus.DECLINED: (_("Decline"), _("Decline")),
    ReferralStatus.COMPLETED: (_("Service provided"), _("Record: completed")),
    ReferralStatus.FAILED: (_("Not successful"), _("Record: not successful")),
    ReferralStatus.REVOKED: (_("Revoke"), _("Revoke the referral")),
}


class ReferralStatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=ReferralStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )

    def __init__(self, *args: Any, action: str | None = None, **kwargs: Any) -> None:
        if action is not None:
            kwargs.setdefault("auto_id", f"id_{action}_%s")
            kwargs.setdefault("initial", {}).setdefault("to_status", action)
        super().__init__(*args, **kwargs)
        action = action or self.data.get("to_status", "")
        if action == ReferralStatus.DECLINED:
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Why does the partner decline?")
        elif action in (ReferralStatus.COMPLETED, ReferralStatus.FAILED):
            self.fields["reason"].label = _("Outcome (no details of health or the like)")
        elif action in (ReferralStatus.ACCEPTED, ReferralStatus.REVOKED):
            del self.fields["reason"]


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("All open")), *ReferralStatus.choices],
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)


class DirectoryFilterForm(forms.Form):
    country: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Country"), required=False, queryset=None, to_field_name="code"
    )
    domain = forms.ChoiceField(
        label=_("Domain"), required=False, choices=[("", _("All")), *ServiceDomain.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from perspektive.core.models import Country

        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Country.objects.filter(organisation__partner_services__is_active=True)
            .distinct()
            .order_by("name")
        )
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("All")), *_client_languages()]
