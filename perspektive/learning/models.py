"""Courses of training providers (pre-departure in Germany and local), clients' places on
them (with a waiting list), and the certificates that completing a course issues.

A course's places are taken by enrolments that are enrolled, completed or did not
complete; the others wait in the order they asked (``requested_at``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from perspektive.core.models import Country, TimeStamped


class Trade(models.TextChoices):
    PAINTING = "painting", _("Painting and decorating")
    ELECTRONICS = "electronics", _("Electronics")
    METALWORK = "metalwork", _("Metalwork and welding")
    TAILORING = "tailoring", _("Tailoring")
    PLUMBING_HEATING = "plumbing_heating", _("Plumbing and heating")
    OTHER = "other", _("Other")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("course", "Draft")
    PUBLISHED = "published", pgettext_lazy("course", "Published")
    CANCELLED = "cancelled", pgettext_lazy("course", "Cancelled")


class EnrolmentStatus(models.TextChoices):
    WAITING = "waiting", _("On the waiting list")
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    DID_NOT_COMPLETE = "did_not_complete", _("Did not complete")
    CANCELLED = "cancelled", pgettext_lazy("enrolment", "Cancelled")


LIVE = (EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED)
TAKES_A_PLACE = (
    EnrolmentStatus.ENROLLED,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.DID_NOT_COMPLETE,
)


class Course(TimeStamped):
    provider = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("training provider"),
    )
    title = models.CharField(_("title"), max_length=200)
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices)
    occupation = models.ForeignKey(
        "jobs.Occupation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("occupation (ESCO)"),
    )
    language = models.CharField(
        _("language of instruction"), max_length=8, choices=settings.LANGUAGES
    )
    location = models.CharField(_("address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    sessions = models.PositiveSmallIntegerField(_("sessions"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    description = models.TextField(_("description"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["first_day", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="course_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(sessions__gte=1), name="course_has_sessions"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_has_places"),
        ]
        indexes = [models.Index(fields=["status", "first_day"], name="course_status_start")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day cannot be before the first.")})


class Enrolment(TimeStamped):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.WAITING
    )
    requested_at = models.DateTimeField(_("asked for a place"))
    enrolled_at = models.DateTimeField(_("got a place"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attended_sessions = models.PositiveSmallIntegerField(_("sessions attended"), default=0)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "client"],
                condition=Q(status__in=["waiting", "enrolled"]),
                name="enrolment_one_live_per_client",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"], name="enrolment_course_status")]

    def __str__(self) -> str:
        return f"enrolment {self.pk}"

    def clean(self) -> None:
        if self.course_id and self.attended_sessions > self.course.sessions:
            raise ValidationError(
                {
                    "attended_sessions": _("The course has only %(n)s sessions.")
                    % {"n": self.course.sessions}
                }
            )


def new_certificate_code() -> str:
    """16 characters from an alphabet without look-alikes (about 79 bits), in groups of four."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


class Certificate(models.Model):
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code
