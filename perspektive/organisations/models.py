from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from perspektive.core.authz import Role
from perspektive.core.models import Country, TimeStamped


class OrganisationKind(models.TextChoices):
    COUNSELLING_CENTRE = "counselling_centre", _("Counselling centre")
    RETURN_OFFICE = "return_office", _("Return-counselling office")
    TRAINING_PROVIDER = "training_provider", _("Training provider")
    EMPLOYER = "employer", _("Employer")
    CIVIL_SOCIETY = "civil_society", _("Civil-society partner")
    MICROFINANCE = "microfinance", _("Micro-finance institution")
    FUNDER = "funder", _("Funder / programme headquarters")


class Organisation(TimeStamped):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Membership(TimeStamped):
    ROLE_CHOICES = [
        (Role.COUNSELLOR.value, _("Counsellor")),
        (Role.CENTRE_LEAD.value, _("Centre lead")),
        (Role.RETURN_COUNSELLOR.value, _("Return counsellor")),
        (Role.SCOUT.value, _("Reintegration scout")),
        (Role.PARTNER_STAFF.value, _("Partner staff")),
        (Role.EMPLOYER.value, _("Employer")),
        (Role.PROGRAMME_MANAGER.value, _("Programme manager")),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=ROLE_CHOICES)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.role}"
