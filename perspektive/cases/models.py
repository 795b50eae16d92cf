from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perspektive.clients.models import Client
from perspektive.core.models import TimeStamped
from perspektive.organisations.models import Organisation


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    PLANNING = "planning", _("Planning")
    IMPLEMENTATION = "implementation", _("Implementation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class Vulnerability(models.TextChoices):
    MINOR = "minor", _("Unaccompanied or separated minor")
    SINGLE_PARENT = "single_parent", _("Single parent")
    DISABILITY = "disability", _("Disability")
    MEDICAL = "medical", _("Serious medical condition")
    TRAFFICKING = "trafficking", _("Survivor of trafficking or violence")
    ELDERLY = "elderly", _("Older person")
    PREGNANT = "pregnant", _("Pregnant")


class Case(TimeStamped):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("centre")
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("counsellor"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    return_date = models.DateField(_("return date"), null=True, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "organisation"],
                condition=~Q(status="closed"),
                name="case_one_open_per_client_and_centre",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="case_org_status_idx"),
            models.Index(fields=["counsellor", "status"], name="case_counsellor_status_idx"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"K-{self.pk:06d}" if self.pk else ""

    @property
    def vulnerability_labels(self) -> list[str]:
        labels = dict(Vulnerability.choices)
        return [str(labels.get(v, v)) for v in self.vulnerabilities]


class CaseStatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class NeedDomain(models.TextChoices):
    EDUCATION = "education", _("Education")
    TRAINING = "training", _("Vocational training")
    EMPLOYMENT = "employment", _("Employment")
    STARTUP = "startup", _("Business start-up")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    SCHOOLING = "schooling", _("Schooling of children")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal matters and documents")
    FINANCE = "finance", _("Finance")


class NeedLevel(models.IntegerChoices):
    NONE = 0, _("No need")
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class Assessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    summary = models.TextField(_("summary"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"assessment {self.pk} of case {self.case_id}"


class AssessmentNeed(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(_("domain"), max_length=16, choices=NeedDomain.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=NeedLevel.choices)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="need_unique_domain"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.level}"


class ResultCategory(models.TextChoices):
    DIRECT_EMPLOYMENT = "direct_employment", _("Direct employment")
    EMPLOYMENT_PROMOTING = "employment_promoting", _("Employment-promoting")
    EMPLOYABILITY = "employability", _("Employability")
    SOCIAL = "social", _("Social stabilisation")
    INFORMATION = "information", _("Information")


class MeasureType(models.Model):
    """The catalogue of measures. Each type carries the result category used in reporting."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("result category"), max_length=24, choices=ResultCategory.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        from perspektive.cases.catalogue import MEASURE_TYPE_LABELS

        return str(MEASURE_TYPE_LABELS.get(self.code, self.name))


class ReintegrationPlan(TimeStamped):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    goals = models.TextField(_("goals"), blank=True)
    agreed_with_client = models.BooleanField(_("agreed with the client"), default=False)

    def __str__(self) -> str:
        return f"plan of case {self.case_id}"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Measure(TimeStamped):
    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="measures")
    type = models.ForeignKey(MeasureType, on_delete=models.PROTECT, verbose_name=_("type"))
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    provider = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("provider"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="measure_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_id} ({self.status})"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk} on case {self.case_id}"
