from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from perspektive.clients.models import Client
from perspektive.core.models import Country, TimeStamped
from perspektive.organisations.models import Organisation

# ESCO taxonomy ----------------------------------------------------------------------------


class IscoGroup(models.Model):
    """An ISCO-08 group: level 1 major (1 digit) to level 4 unit group (4 digits)."""

    code = models.CharField(max_length=4, primary_key=True)
    label = models.CharField(max_length=255)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def level(self) -> int:
        return len(self.code)


class Occupation(models.Model):
    """An ESCO occupation, in exactly one ISCO-08 unit group."""

    uri = models.CharField(max_length=200, unique=True)
    label = models.CharField(_("occupation"), max_length=255)
    alt_labels = models.TextField(blank=True, help_text="One per line")
    isco = models.ForeignKey(IscoGroup, on_delete=models.PROTECT, related_name="occupations")
    search_text = models.TextField(editable=False, help_text="Lower-case labels, one per line")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class SkillKind(models.TextChoices):
    LANGUAGE = "language", _("Language")
    TRANSVERSAL = "transversal", _("Transversal skill")


class Skill(models.Model):
    uri = models.CharField(max_length=200, unique=True)
    label = models.CharField(_("skill"), max_length=255)
    kind = models.CharField(max_length=16, choices=SkillKind.choices)
    search_text = models.TextField(editable=False)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


# Offers -----------------------------------------------------------------------------------


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    FIXED_TERM = "fixed_term", _("Fixed term")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
    INTERNSHIP = "internship", _("Internship")
    SEASONAL = "seasonal", _("Seasonal")
    DAILY = "daily", _("Day labour")


class WorkingTime(models.TextChoices):
    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    SHIFTS = "shifts", _("Shifts")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("job offer", "Draft")
    PUBLISHED = "published", pgettext_lazy("job offer", "Published")
    PAUSED = "paused", pgettext_lazy("job offer", "Paused")
    CLOSED = "closed", pgettext_lazy("job offer", "Closed")


class LanguageLevel(models.IntegerChoices):
    BASIC = 1, pgettext_lazy("language level", "Basic")
    GOOD = 2, pgettext_lazy("language level", "Good")
    FLUENT = 3, pgettext_lazy("language level", "Fluent")
    NATIVE = 4, pgettext_lazy("language level", "Native speaker")


WAGE_PERIODS = [
    ("hour", pgettext_lazy("wage period", "per hour")),
    ("day", pgettext_lazy("wage period", "per day")),
    ("month", pgettext_lazy("wage period", "per month")),
    ("year", pgettext_lazy("wage period", "per year")),
]


# The fields of an offer its employer or centre may set (forms, API and services share it).
OFFER_FIELDS = (
    "title",
    "occupation",
    "description",
    "languages",
    "country",
    "region",
    "city",
    "contract_type",
    "working_time",
    "wage_min",
    "wage_max",
    "wage_currency",
    "wage_period",
    "positions",
    "start_date",
    "deadline",
)


class JobOffer(TimeStamped):
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="job_offers",
        verbose_name=_("employer"),
    )
    registered_by = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("The centre that entered the offer for the employer (direct placement)."),
    )
    title = models.CharField(_("job title"), max_length=200)
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("occupation (ESCO)"),
    )
    description = models.TextField(_("description"), blank=True)
    required_skills = models.ManyToManyField(
        Skill, blank=True, related_name="+", verbose_name=_("required skills")
    )
    optional_skills = models.ManyToManyField(
        Skill, blank=True, related_name="+", verbose_name=_("optional skills")
    )
    languages = models.JSONField(
        _("languages"), default=dict, blank=True, help_text="language code -> minimum level (1-4)"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    region = models.CharField(_("region"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    contract_type = models.CharField(_("contract"), max_length=16, choices=ContractType.choices)
    working_time = models.CharField(_("working time"), max_length=16, choices=WorkingTime.choices)
    wage_min = models.DecimalField(
        _("wage from"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    wage_max = models.DecimalField(
        _("wage to"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    wage_currency = models.CharField(_("currency"), max_length=3, blank=True)
    wage_period = models.CharField(
        _("wage period"),
        max_length=8,
        blank=True,
        choices=[
            ("hour", _("hour")),
            ("day", _("day")),
            ("month", _("month")),
            ("year", _("year")),
        ],
    )
    positions = models.PositiveSmallIntegerField(_("positions"), default=1)
    start_date = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("apply by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "country"], name="offer_status_country_idx"),
            models.Index(fields=["employer", "status"], name="offer_employer_status_idx"),
            # The newest published offers, per country and overall: the candidates of the
            # matching selector (docs/benchmarks.md, "Job matching").
            models.Index(
                fields=["country", "-published_at", "-id"],
                condition=Q(status="published"),
                name="offer_open_country_idx",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="offer_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(positions__gte=1), name="offer_positions_min_1"),
            models.CheckConstraint(
                condition=Q(wage_min__isnull=True)
                | Q(wage_max__isnull=True)
                | Q(wage_max__gte=F("wage_min")),
                name="offer_wage_range_ordered",
            ),
        ]
        verbose_name = _("job offer")
        verbose_name_plural = _("job offers")

    def __str__(self) -> str:
        return self.title


# Job-seeker profiles -----------------------------------------------------------------------


class JobSeekerProfile(TimeStamped):
    """What a client can do and wants to do. Kept by the counsellor, visible to the client."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="job_profile")
    occupations_wanted = models.ManyToManyField(
        Occupation, blank=True, related_name="+", verbose_name=_("occupations wanted")
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))
    languages = models.JSONField(
        _("languages"), default=dict, blank=True, help_text="language code -> level (1-4)"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    willing_to_move = models.BooleanField(_("willing to move"), default=False)
    max_distance_km = models.PositiveIntegerField(_("travel up to (km)"), default=30)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    def __str__(self) -> str:
        return f"profile of client {self.client_id}"


class Experience(models.Model):
    """Work done, with where: experience in Germany counts as skills acquired abroad."""

    profile = models.ForeignKey(
        JobSeekerProfile, on_delete=models.CASCADE, related_name="experiences"
    )
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="+", verbose_name=_("occupation (ESCO)")
    )
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    description = models.CharField(_("what the work was"), max_length=500, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="experience_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.start_date}"


class Recognition(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No recognition needed")
    NOT_STARTED = "not_started", _("Not started")
    PENDING = "pending", _("In progress")
    PARTIAL = "partial", _("Partly recognised")
    RECOGNISED = "recognised", _("Recognised")
    REFUSED = "refused", _("Refused")


class Qualification(models.Model):
    profile = models.ForeignKey(
        JobSeekerProfile, on_delete=models.CASCADE, related_name="qualifications"
    )
    title = models.CharField(_("qualification"), max_length=200)
    awarded_in = models.CharField(_("country where awarded"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    recognition = models.CharField(
        _("recognition"),
        max_length=16,
        choices=Recognition.choices,
        default=Recognition.NOT_STARTED,
    )
    certificate_code = models.CharField(_("certificate code"), max_length=64, blank=True)

    def __str__(self) -> str:
        return self.title


# Proposals and applications -----------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPLIED = "applied", _("Applied")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer made")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(TimeStamped):
    """A job offer proposed to a client. Its creation is the programme's "job offer made"."""

    offer = models.ForeignKey(JobOffer, on_delete=models.PROTECT, related_name="applications")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PROPOSED,
    )
    proposed_at = models.DateTimeField(_("proposed"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("match score"), null=True, blank=True)
    hired_at = models.DateTimeField(null=True, blank=True)
    retention_due = models.DateField(_("retention check due"), null=True, blank=True)
    retained = models.BooleanField(_("still employed at the check"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "client"], name="application_once_per_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} -> {self.offer_id} ({self.status})"


class ApplicationEvent(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=ApplicationStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
