from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Country(models.Model):
    """A partner country of the programme, or Germany. Loaded by a data migration."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    time_zone = models.CharField(_("time zone"), max_length=64)
    languages = models.JSONField(
        _("languages"), default=list, help_text=_("UI language codes spoken at the centre")
    )
    is_partner = models.BooleanField(_("partner country"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The country's name in the active language (django-countries), else the stored one."""
        from django_countries import countries

        translated = countries.name(self.code)
        return str(translated) if translated else self.name
