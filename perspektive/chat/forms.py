from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from perspektive.chat import languages
from perspektive.chat.models import MAX_MESSAGE_LENGTH
from perspektive.organisations.models import Organisation


def new_message_id() -> str:
    """The id of the next message of a form: a reload that posts again stores nothing new."""
    return uuid.uuid4().hex


class CentreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        where = ", ".join(p for p in (obj.city, obj.country.label) if p)
        return f"{obj.name} ({where})" if where else obj.name


class TextArea(forms.Textarea):
    def __init__(self, rows: int = 3) -> None:
        super().__init__(attrs={"rows": rows, "maxlength": MAX_MESSAGE_LENGTH, "dir": "auto"})


class StartForm(forms.Form):
    centre = CentreChoiceField(
        label=_("Counselling centre"), queryset=Organisation.objects.none(), empty_label=None
    )
    language = forms.ChoiceField(label=_("Language"))
    visitor_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        required=False,
        help_text=_("Optional. Any name you want the counsellor to use."),
    )
    text = forms.CharField(
        label=_("Your question"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=TextArea(),
        help_text=_("Optional now; you can also write after the chat has started."),
    )
    contact_phone = PhoneNumberField(
        label=_("Phone (with country code, e.g. +964 750 123 4567)"),
        required=False,
        region=None,
    )
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    client_msg_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centre_field = self.fields["centre"]
        assert isinstance(centre_field, forms.ModelChoiceField)
        centre_field.queryset = centres
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = languages.choices(languages.languages_of(centres))
        self.centre_languages = {c.pk: " ".join(c.country.languages) for c in centres}
        if not self.is_bound:
            self.initial.setdefault("client_msg_id", new_message_id())


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), max_length=MAX_MESSAGE_LENGTH, widget=TextArea(rows=2)
    )
    client_msg_id = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_msg_id", new_message_id())


class LeaveMessageForm(forms.Form):
    visitor_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    contact_phone = PhoneNumberField(
        label=_("Phone (with country code, e.g. +964 750 123 4567)"),
        required=False,
        region=None,
    )
    contact_email = forms.EmailField(label=_("E-mail"), required=False)


class TransferForm(forms.Form):
    to_user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, colleagues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = colleagues


CASE_REFERENCE = re.compile(r"^\s*(?:K-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


class AttachForm(forms.Form):
    case = forms.CharField(
        label=_("Case reference"),
        max_length=20,
        help_text=_("For example K-000123."),
    )

    def clean_case(self) -> int:
        match = CASE_REFERENCE.match(self.cleaned_data["case"])
        if not match:
            raise forms.ValidationError(_("Enter a case reference such as K-000123."))
        return int(match.group(1))


class CannedAnswerForm(forms.Form):
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=Organisation.objects.none(), empty_label=None
    )
    language = forms.ChoiceField(label=_("Language"))
    title = forms.CharField(label=_("Title"), max_length=80)
    text = forms.CharField(
        label=_("Answer"), max_length=MAX_MESSAGE_LENGTH, widget=TextArea(rows=4)
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centre_field = self.fields["centre"]
        assert isinstance(centre_field, forms.ModelChoiceField)
        centre_field.queryset = centres
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = languages.choices(languages.languages_of(centres))
