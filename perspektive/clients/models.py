from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from perspektive.clients.fields import SearchKeysField
from perspektive.core.fields import SecretTextField
from perspektive.core.models import TimeStamped
from perspektive.organisations.models import Organisation


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    DIVERSE = "diverse", _("Diverse")
    UNDISCLOSED = "undisclosed", _("Not disclosed")


class TargetGroup(models.TextChoices):
    RETURNEE_GERMANY = "returnee_germany", _("Returnee from Germany")
    RETURNEE_THIRD = "returnee_third_country", _("Returnee from a third country")
    LOCAL = "local", _("Local population")
    IDP = "idp", _("Internally displaced person")
    MIGRANT_GERMANY = "migrant_germany", _("Migrant in Germany")


class Client(TimeStamped):
    """A person the programme serves. Special-category fields are encrypted at rest."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("registered by"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_profile",
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("As the person writes it, in any script.")
    )
    name_latin = models.CharField(
        _("name in Latin script"),
        max_length=200,
        blank=True,
        help_text=_("Filled in automatically if left empty."),
    )
    search_keys = SearchKeysField(editable=False, default="")
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_approximate = models.BooleanField(_("date of birth is approximate"), default=False)
    sex = models.CharField(
        _("sex/gender"), max_length=16, choices=Sex.choices, default=Sex.UNDISCLOSED
    )
    nationality = CountryField(_("nationality"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    target_group = models.CharField(_("target group"), max_length=32, choices=TargetGroup.choices)
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    children_count = models.PositiveSmallIntegerField(_("children"), null=True, blank=True)
    # Special-category data (GDPR Art. 9): encrypted, shown only to permitted roles.
    health_notes = SecretTextField(_("health"), null=True, blank=True)
    psychosocial_notes = SecretTextField(_("psychosocial situation"), null=True, blank=True)
    migration_status = SecretTextField(_("migration status"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    SPECIAL_FIELDS = ("health_notes", "psychosocial_notes", "migration_status")

    class Meta:
        ordering = ["name_latin", "id"]
        indexes = [
            models.Index(fields=["organisation", "name_latin"], name="client_org_name_idx"),
            models.Index(fields=["birth_date"], name="client_birth_idx"),
        ]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Rules every way in (form, API, import) must obey, so they live here, not in a form."""
        errors: dict[str, Any] = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("This date is in the future.")
        elif self.birth_date and self.birth_date.year < 1900:
            errors["birth_date"] = _("Check the year of birth.")
        if self.household_size is not None and not 1 <= self.household_size <= 60:
            errors["household_size"] = _("A household has between 1 and 60 people.")
        elif (
            self.household_size is not None
            and self.children_count is not None
            and self.children_count >= self.household_size
        ):
            errors["children_count"] = _("The household must include at least one adult.")
        if errors:
            raise ValidationError(errors)

    @property
    def name_latin_given(self) -> bool:
        """Whether the Latin form says more than the automatic transliteration (which, for
        Arabic script, is only a consonant skeleton kept for search and sorting)."""
        from perspektive.core.names import latin

        return (
            bool(self.name_latin)
            and self.name_latin.lower() != latin(self.name)
            and (self.name_latin.lower() != self.name.lower())
        )

    @property
    def reference(self) -> str:
        return f"P-{self.pk:06d}" if self.pk else ""
