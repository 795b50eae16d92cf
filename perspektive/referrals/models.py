"""Handovers: a client passed from a return-counselling office or scout in Germany to a
counselling centre in the country of origin, as one record both sides and the client follow.

The sending side keeps the client's record; the centre sees the consented sections of it
while the handover waits for an answer, and on acceptance gets a copy of exactly those
sections as a client and a case of its own. Every change is a ``HandoverEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from perspektive.consent.models import HandoverSection
from perspektive.core.models import TimeStamped

Section = HandoverSection  # the sections a handover shares are those a consent names


class HandoverStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("handover", "Draft")
    SENT = "sent", pgettext_lazy("handover", "Sent, waiting for the centre")
    ACCEPTED = "accepted", pgettext_lazy("handover", "Accepted by the centre")
    DECLINED = "declined", pgettext_lazy("handover", "Declined by the centre")
    DEPARTED = "departed", pgettext_lazy("handover", "Departed from Germany")
    ARRIVED = "arrived", pgettext_lazy("handover", "Arrived")
    FIRST_CONTACT = "first_contact", pgettext_lazy("handover", "First contact made")
    COMPLETED = "completed", pgettext_lazy("handover", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("handover", "Cancelled")


# States after which nothing changes any more; a client may then have a new handover.
FINAL = (HandoverStatus.DECLINED, HandoverStatus.COMPLETED, HandoverStatus.CANCELLED)


class EventKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    UPDATED = "updated", _("Draft changed")
    ESCALATED = "escalated", _("Escalated: not answered within 7 days")


class Handover(TimeStamped):
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="handovers",
        verbose_name=_("client"),
        help_text=_("The sending office's record of the person."),
    )
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="handovers_sent",
        verbose_name=_("from"),
    )
    to_centre = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="handovers_received",
        verbose_name=_("to centre"),
    )
    planned_departure = models.DateField(_("planned departure"))
    needs_summary = models.TextField(_("summary of needs"), max_length=2000, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    sections = models.JSONField(_("sections shared"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=HandoverStatus.choices, default=HandoverStatus.DRAFT
    )
    consent = models.ForeignKey(
        "consent.Consent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent"),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("counsellor at the centre"),
    )
    centre_client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("the centre's record"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handovers",
        verbose_name=_("the centre's case"),
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    first_contact_on = models.DateField(_("first contact on"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            # One handover at a time per person: a second one would send the same data twice.
            models.UniqueConstraint(
                fields=["client"],
                condition=~Q(status__in=["declined", "completed", "cancelled"]),
                name="handover_one_open_per_client",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="handover_declined_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["to_centre", "status"], name="handover_centre_status"),
            models.Index(fields=["from_organisation", "status"], name="handover_office_status"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"H-{self.pk:06d}" if self.pk else ""

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def section_labels(self) -> list[str]:
        labels = dict(Section.choices)
        return [str(labels.get(code, code)) for code in self.sections]

    @property
    def vulnerability_labels(self) -> list[str]:
        from perspektive.cases.models import Vulnerability

        labels = dict(Vulnerability.choices)
        return [str(labels.get(v, v)) for v in self.vulnerabilities]


class HandoverEvent(models.Model):
    """One step in a handover's history, shown to both sides and to the client."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices, default=EventKind.STATUS)
    from_status = models.CharField(max_length=16, choices=HandoverStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=HandoverStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


# Partner referrals ------------------------------------------------------------------------
# A client referred by a counselling organisation to a civil-society partner for one
# service. The partner sees only the consented sections of the record, read at view time,
# and nothing once the referral is revoked or the client's referral consent withdrawn.


class ServiceDomain(models.TextChoices):
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    SCHOOLING = "schooling", _("Schooling")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal aid")
    FINANCE = "finance", _("Finance")
    TRAINING = "training", _("Training")
    EMPLOYMENT = "employment", _("Employment")


class PartnerService(TimeStamped):
    """A service a partner organisation offers, in the directory of its country."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="partner_services",
        verbose_name=_("organisation"),
    )
    domain = models.CharField(_("domain"), max_length=16, choices=ServiceDomain.choices)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation__name", "domain", "id"]
        verbose_name = _("partner service")
        verbose_name_plural = _("partner services")
        indexes = [models.Index(fields=["domain", "is_active"], name="partnerservice_domain")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.domain}"


class ReferralStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral", "Sent, waiting for the partner")
    ACCEPTED = "accepted", pgettext_lazy("referral", "Accepted by the partner")
    DECLINED = "declined", pgettext_lazy("referral", "Declined by the partner")
    COMPLETED = "completed", pgettext_lazy("referral", "Completed")
    FAILED = "failed", pgettext_lazy("referral", "Not successful")
    REVOKED = "revoked", pgettext_lazy("referral", "Revoked")


REFERRAL_FINAL = (
    ReferralStatus.DECLINED,
    ReferralStatus.COMPLETED,
    ReferralStatus.FAILED,
    ReferralStatus.REVOKED,
)
REFERRAL_OPEN = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class ReferralEventKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    OVERDUE = "overdue", _("Deadline passed: reminder sent")


class Referral(TimeStamped):
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="partner_referrals",
        verbose_name=_("client"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_referrals",
        verbose_name=_("case"),
    )
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from"),
    )
    partner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("partner"),
    )
    service = models.ForeignKey(
        PartnerService,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("service"),
    )
    domain = models.CharField(_("domain"), max_length=16, choices=ServiceDomain.choices)
    note = models.TextField(_("note for the partner"), max_length=2000, blank=True)
    sections = models.JSONField(_("sections shared"), default=list)
    deadline = models.DateField(_("answer and outcome due"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    consent = models.ForeignKey(
        "consent.Consent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent"),
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    outcome_note = models.CharField(_("outcome"), max_length=500, blank=True)
    measure = models.ForeignKey(
        "cases.Measure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("measure in the plan"),
    )
    overdue_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_declined_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status"], name="referral_partner_status"),
            models.Index(fields=["from_organisation", "status"], name="referral_from_status"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"R-{self.pk:06d}" if self.pk else ""

    @property
    def is_final(self) -> bool:
        return self.status in REFERRAL_FINAL

    @property
    def section_labels(self) -> list[str]:
        labels = dict(Section.choices)
        return [str(labels.get(code, code)) for code in self.sections]


class ReferralEvent(models.Model):
    """One step in a referral's history, shown to both sides."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(
        max_length=16, choices=ReferralEventKind.choices, default=ReferralEventKind.STATUS
    )
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
