from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perspektive.clients.models import Client
from perspektive.organisations.models import Organisation


class Purpose(models.TextChoices):
    COUNSELLING = "counselling", _("Counselling and case management")
    HANDOVER = "handover", _("Transnational handover between Germany and the centre")
    REFERRAL = "referral", _("Referral to a named partner organisation")
    JOB_MATCHING = "job_matching", _("Job matching: sharing the profile with employers")
    CONTACT_SMS = "contact_sms", _("Contact by SMS")
    CONTACT_WHATSAPP = "contact_whatsapp", _("Contact by WhatsApp")
    CONTACT_EMAIL = "contact_email", _("Contact by e-mail")
    REPORTING = "reporting", _("Use in anonymised results reporting")


class HandoverSection(models.TextChoices):
    """Parts of a client's record a handover consent lets pass to the receiving centre."""

    IDENTITY = "identity", _("Identity: name, date of birth, sex, nationality")
    CONTACT = "contact", _("Contact: phone and e-mail")
    LANGUAGES = "languages", _("Languages")
    HOUSEHOLD = "household", _("Household and children")
    NEEDS = "needs", _("Summary of needs")
    VULNERABILITIES = "vulnerabilities", _("Vulnerabilities")
    JOB_PROFILE = "job_profile", _("Job profile: occupations, experience, qualifications")
    HEALTH = "health", _("Health (special category)")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial situation (special category)")


def order_sections(sections: list[str] | set[str]) -> list[str]:
    """Section codes in their canonical order, without duplicates."""
    chosen = set(sections)
    return [code for code in HandoverSection.values if code in chosen]


class GivenBy(models.TextChoices):
    SELF = "self", _("The client")
    GUARDIAN = "guardian", _("A parent or legal guardian")


class Method(models.TextChoices):
    WRITTEN = "written", _("Written, signed")
    ORAL_WITNESSED = "oral_witnessed", _("Oral, with a witness")
    ELECTRONIC = "electronic", _("Electronic, by the client")


class Consent(models.Model):
    """One consent for one purpose (and, for referrals, one partner). Withdrawn, not deleted."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    partner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner organisation"),
    )
    given_by = models.CharField(
        _("given by"), max_length=16, choices=GivenBy.choices, default=GivenBy.SELF
    )
    guardian_name = models.CharField(_("name of the guardian"), max_length=200, blank=True)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    witness_name = models.CharField(_("witness"), max_length=200, blank=True)
    notice_version = models.CharField(_("notice version"), max_length=20)
    notice_language = models.CharField(
        _("notice language"), max_length=8, choices=settings.LANGUAGES
    )
    given_at = models.DateTimeField(_("given"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_note = models.CharField(_("note on withdrawal"), max_length=500, blank=True)
    # Handover and referral consents only: which sections of the record may go to the
    # centre, or the partner may see.
    sections = models.JSONField(_("sections shared"), default=list, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "purpose"],
                condition=Q(withdrawn_at__isnull=True, partner__isnull=True),
                name="consent_one_active_per_purpose",
            ),
            models.UniqueConstraint(
                fields=["client", "purpose", "partner"],
                condition=Q(withdrawn_at__isnull=True, partner__isnull=False),
                name="consent_one_active_per_partner",
            ),
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.client_id} {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def section_labels(self) -> list[str]:
        labels = dict(HandoverSection.choices)
        return [str(labels.get(code, code)) for code in self.sections]

    def covers(self, sections: list[str]) -> bool:
        """Whether this (handover) consent allows sharing every one of ``sections``."""
        return set(sections) <= set(self.sections)
