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
from perspektive.referrals.models import HandoverStatus
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
