"""Counsellors' weekly hours at a centre, days off, public holidays, and booked appointments.

Hours are wall-clock times in the centre's time zone (``Country.time_zone``: Kabul is
UTC+4:30); appointments are stored in UTC. A slot is a counsellor's start time: the partial
unique constraint ``appointment_slot_once`` makes a second live booking of it impossible.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from perspektive.core.models import TimeStamped
from perspektive.organisations.models import Organisation


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    CHAT = "chat", _("Chat")


class Topic(models.TextChoices):
    EDUCATION = "education", _("Education")
    TRAINING = "training", _("Vocational training")
    JOB = "job", _("Finding a job")
    STARTUP = "startup", _("Starting a business")
    SOCIAL = "social", _("Social support (housing, health, school)")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    REGULAR_MIGRATION = "regular_migration", _("Regular migration")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
SLOT_LENGTHS = [(15, "15"), (20, "20"), (30, "30"), (45, "45"), (60, "60")]


class WeeklyHours(TimeStamped):
    """A recurring window in which a counsellor takes appointments at a centre."""

    centre = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="weekly_hours",
        verbose_name=_("centre"),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="weekly_hours",
        verbose_name=_("counsellor"),
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=WEEKDAYS, validators=[MaxValueValidator(6)]
    )
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per appointment"), choices=SLOT_LENGTHS, default=30
    )
    modes = models.JSONField(_("modes"), default=list)
    topics = models.JSONField(_("topics"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="weeklyhours_end_after_start"
            ),
        ]

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors.setdefault("end_time", []).append(_("The end must be after the start."))
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors.setdefault("valid_until", []).append(_("The end must be after the start."))
        for field, choices in (("modes", Mode.values), ("topics", Topic.values)):
            value = getattr(self, field)
            if not value:
                errors.setdefault(field, []).append(_("Choose at least one."))
            elif not isinstance(value, list) or set(value) - set(choices):
                errors.setdefault(field, []).append(_("Unknown choice."))
        codes = {code for code, _name in settings.LANGUAGES}
        if not self.languages:
            errors.setdefault("languages", []).append(_("Choose at least one."))
        elif not isinstance(self.languages, list) or set(self.languages) - codes:
            errors.setdefault("languages", []).append(_("Unknown choice."))
        if errors:
            raise ValidationError(errors)

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class TimeOff(TimeStamped):
    """Days a counsellor takes no appointments (leave, training, illness)."""

    centre = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="timeoff_last_after_first"
            ),
        ]

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day must not be before the first.")})


class Holiday(TimeStamped):
    """A public holiday or closing day of a centre: no appointments for anyone."""

    centre = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="holidays")
    day = models.DateField(_("day"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["centre", "day"], name="holiday_once_per_day"),
        ]


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", pgettext_lazy("appointment", "Cancelled")


class Appointment(TimeStamped):
    centre = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("centre"),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("counsellor"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    language = models.CharField(_("language"), max_length=8)
    name = models.CharField(_("name"), max_length=200)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    contact_consent = models.BooleanField(_("agreed to be contacted"), default=False)
    consent_notice_version = models.CharField(max_length=16, blank=True)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    visitor_time_zone = models.CharField(_("visitor's time zone"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
        verbose_name=_("client"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
        verbose_name=_("case"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Signed links carry this number; rescheduling or cancelling raises it, old links die.
    link_version = models.PositiveIntegerField(default=1)
    reminded_24h_at = models.DateTimeField(null=True, blank=True)
    reminded_2h_at = models.DateTimeField(null=True, blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_note = models.CharField(_("note"), max_length=500, blank=True)
    measure = models.ForeignKey(
        "cases.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            # A slot can never be booked twice: one live appointment per counsellor and start.
            models.UniqueConstraint(
                fields=["counsellor", "starts_at"],
                condition=~Q(status="cancelled"),
                name="appointment_slot_once",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""), name="appointment_has_contact"
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "starts_at"], name="appointment_centre_start"),
            models.Index(fields=["counsellor", "starts_at"], name="appointment_counsellor_start"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.centre}"

    @property
    def is_live(self) -> bool:
        return self.status == AppointmentStatus.BOOKED
