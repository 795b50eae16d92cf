from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As chosen on the page")), *settings.LANGUAGES],
    )


class TokenForm(forms.Form):
    label = forms.CharField(label=_("Name of the new token"), max_length=100)
