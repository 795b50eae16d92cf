"""Every write to appointments and hours: validated, atomic, audited.

Booking picks a counsellor who is free at the chosen start and offers the mode, topic and
language; the database's ``appointment_slot_once`` constraint settles races. Whoever loses
gets ``SlotTaken`` and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspektive.appointments.models import (
    Appointment,
    AppointmentStatus,
    Holiday,
    TimeOff,
    WeeklyHours,
)
from perspektive.appointments.policy import (
    access_appointment,
    is_centre_counsellor,
    may_manage_hours,
)
from perspektive.appointments.selectors import centre_tz, slots_for_centre
from perspektive.appointments.slots import Wanted
from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.cases.models import Case, CaseStatus, MeasureStatus
from perspektive.cases.services import measure_record_for_case
from perspektive.clients.models import Client
from perspektive.clients.policy import access_client
from perspektive.core.authz import Action
from perspektive.core.errors import DomainError, Forbidden
from perspektive.organisations.models import Organisation


class SlotTaken(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _("Sorry, this time has just been taken or is no longer free. Please choose another.")
        )


BOOKING_FIELDS = ("name", "phone", "email", "message", "visitor_time_zone")


def _candidates(
    centre: Organisation,
    starts_at: dt.datetime,
    wanted: Wanted,
    *,
    exclude: Appointment | None = None,
    prefer: int | None = None,
) -> list[tuple[int, dt.datetime]]:
    """Counsellors free at ``starts_at`` for what is wanted, least busy that day first."""
    tz = centre_tz(centre)
    day = starts_at.astimezone(tz).date()
    slots = [
        s
        for s in slots_for_centre(
            centre, first_day=day, last_day=day, wanted=wanted, exclude=exclude
        )
        if s.starts_at == starts_at
    ]
    if not slots:
        return []
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    load = Counter(
        Appointment.objects.filter(
            counsellor_id__in=[s.counsellor_id for s in slots],
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .values_list("counsellor_id", flat=True)
    )
    slots.sort(key=lambda s: (s.counsellor_id != prefer, load[s.counsellor_id], s.counsellor_id))
    return [(s.counsellor_id, s.ends_at) for s in slots]


def _check_wanted(centre: Organisation, wanted: Wanted) -> None:
    from perspektive.appointments.models import Mode, Topic

    errors = {}
    if wanted.mode not in Mode.values:
        errors["mode"] = [_("Choose how you want to talk.")]
    if wanted.topic not in Topic.values:
        errors["topic"] = [_("Choose a topic.")]
    if wanted.language not in {code for code, _n in settings.LANGUAGES}:
        errors["language"] = [_("Choose a language.")]
    if errors:
        raise ValidationError(errors)


def appointment_book(
    *,
    centre: Organisation,
    starts_at: dt.datetime,
    mode: str,
    topic: str,
    language: str,
    name: str,
    phone: str = "",
    email: str = "",
    contact_consent: bool,
    message: str = "",
    visitor_time_zone: str = "",
    actor: Any = None,
) -> Appointment:
    """Book a free slot of ``centre``. Raises ValidationError for bad input and SlotTaken
    when nobody is free at that time any more; in both cases nothing is written."""
    wanted = Wanted(mode=mode, topic=topic, language=language)
    _check_wanted(centre, wanted)
    if not contact_consent:
        raise ValidationError(
            {"contact_consent": [_("We can only book if we may contact you about it.")]}
        )
    if not (phone or email):
        raise ValidationError({"phone": [_("Give a phone number or an e-mail address.")]})
    # A client who is logged in books under their own record.
    client = Client.objects.filter(user=actor).first() if getattr(actor, "pk", None) else None
    draft = Appointment(
        centre=centre,
        client=client,
        counsellor_id=0,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=1),
        mode=mode,
        topic=topic,
        language=language,
        name=name.strip(),
        phone=phone,
        email=email.strip(),
        message=message.strip(),
        visitor_time_zone=visitor_time_zone,
        contact_consent=True,
        consent_notice_version=settings.CONSENT_NOTICE_VERSION,
        booked_by=actor if getattr(actor, "pk", None) else None,
    )
    draft.full_clean(exclude=["counsellor"], validate_constraints=False)
    for counsellor_id, ends_at in _candidates(centre, starts_at, wanted):
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    **{
                        f.attname: getattr(draft, f.attname)
                        for f in Appointment._meta.concrete_fields
                        if f.attname not in {"id", "counsellor_id", "ends_at"}
                    },
                    counsellor_id=counsellor_id,
                    ends_at=ends_at,
                )
                audit_record(
                    actor=actor,
                    action=AuditAction.CREATE,
                    obj=appointment,
                    organisation_id=centre.pk,
                    starts_at=appointment.starts_at.isoformat(),
                )
                _after_commit_messages(appointment, "confirmation")
        except IntegrityError:
            continue  # someone was faster for this counsellor: try the next one
        return appointment
    raise SlotTaken


def _after_commit_messages(appointment: Appointment, kind: str) -> None:
    from perspektive.appointments.tasks import schedule_messages

    pk, version = appointment.pk, appointment.link_version
    transaction.on_commit(lambda: schedule_messages(pk, version, kind))


@transaction.atomic
def appointment_cancel_by_visitor(*, appointment: Appointment) -> Appointment:
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status != AppointmentStatus.BOOKED or locked.starts_at <= timezone.now():
        raise DomainError(_("This appointment can no longer be cancelled here. Please call us."))
    locked.status = AppointmentStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=None,
        action=AuditAction.STATUS,
        obj=locked,
        client_id=locked.client_id,
        organisation_id=locked.centre_id,
        to=AppointmentStatus.CANCELLED,
        by="visitor link",
    )
    _after_commit_messages(locked, "cancelled")
    return locked


def appointment_reschedule(
    *, appointment: Appointment, starts_at: dt.datetime, actor: Any = None
) -> Appointment:
    """Move a booked appointment to another free start (same mode, topic, language).
    Old signed links stop working; reminders follow the new time."""
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= timezone.now():
        raise DomainError(_("This appointment can no longer be moved here. Please call us."))
    wanted = Wanted(mode=appointment.mode, topic=appointment.topic, language=appointment.language)
    for counsellor_id, ends_at in _candidates(
        appointment.centre, starts_at, wanted, exclude=appointment, prefer=appointment.counsellor_id
    ):
        try:
            with transaction.atomic():
                locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
                if locked.link_version != appointment.link_version or not locked.is_live:
                    raise DomainError(_("This appointment was changed meanwhile. Please reload."))
                before = locked.starts_at
                locked.counsellor_id = counsellor_id
                locked.starts_at, locked.ends_at = starts_at, ends_at
                locked.link_version += 1
                locked.reminded_24h_at = locked.reminded_2h_at = None
                locked.save()
                audit_record(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    obj=locked,
                    client_id=locked.client_id,
                    organisation_id=locked.centre_id,
                    moved_from=before.isoformat(),
                    moved_to=starts_at.isoformat(),
                )
                _after_commit_messages(locked, "rescheduled")
        except IntegrityError:
            continue
        return locked
    raise SlotTaken


OUTCOMES = (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED)


def _case_for(appointment: Appointment) -> Case | None:
    if appointment.case_id:
        return appointment.case
    if not appointment.client_id:
        return None
    return (
        Case.objects.filter(client_id=appointment.client_id, organisation_id=appointment.centre_id)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def appointment_record_outcome(
    *, actor: Any, appointment_id: int, status: str, note: str = ""
) -> Appointment:
    """Attended, did not come, or cancelled: recorded on the appointment and, when it belongs
    to a case, as a counselling-session measure of that case (completed or cancelled)."""
    appointment = access_appointment(actor, appointment_id, need=Action.CHANGE_STATUS)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if status not in OUTCOMES:
        raise ValidationError({"status": [_("Choose attended, did not come, or cancelled.")]})
    if appointment.status != AppointmentStatus.BOOKED:
        raise DomainError(_("The outcome of this appointment is already recorded."))
    if status != AppointmentStatus.CANCELLED and appointment.starts_at > timezone.now():
        raise DomainError(_("This appointment has not started yet."))
    appointment.status = status
    appointment.outcome_at = timezone.now()
    appointment.outcome_by = actor
    appointment.outcome_note = note.strip()[:500]
    case = _case_for(appointment)
    if case is not None:
        appointment.case = case
        label = appointment.get_status_display()
        appointment.measure = measure_record_for_case(
            actor=actor,
            case=case,
            type_code="counselling_session",
            description=f"{appointment.get_topic_display()} · {appointment.get_mode_display()} · "
            f"{label}",
            start_date=appointment.starts_at.astimezone(centre_tz(appointment.centre)).date(),
            status=MeasureStatus.COMPLETED
            if status == AppointmentStatus.ATTENDED
            else MeasureStatus.CANCELLED,
        )
    appointment.save()
    audit_record(
        actor=actor,
        action=AuditAction.STATUS,
        obj=appointment,
        client_id=appointment.client_id,
        organisation_id=appointment.centre_id,
        to=status,
    )
    if status == AppointmentStatus.CANCELLED:
        _after_commit_messages(appointment, "cancelled")
    return appointment


@transaction.atomic
def appointment_link_client(
    *, actor: Any, appointment_id: int, client_id: int, case_id: int | None = None
) -> Appointment:
    """Attach the booking to a registered client (and one of their cases at the centre)."""
    appointment = access_appointment(actor, appointment_id, need=Action.UPDATE)
    client = access_client(actor, client_id)
    case = None
    if case_id is not None:
        case = Case.objects.filter(pk=case_id, client=client).first()
        if case is None:
            raise ValidationError({"case": [_("This case is not the client's.")]})
    appointment.client = client
    appointment.case = case
    appointment.save(update_fields=["client", "case", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=appointment,
        client_id=client.pk,
        organisation_id=appointment.centre_id,
        linked_client=client.pk,
    )
    return appointment


def appointment_create_client(
    *, actor: Any, appointment_id: int, confirm_not_duplicate: bool = False, **data: Any
) -> tuple[Appointment, Client]:
    """Register the person who booked as a client of the centre and link them.
    Raises PossibleDuplicate (nothing written) unless the counsellor confirms."""
    from perspektive.clients.services import client_create

    with transaction.atomic():
        appointment = access_appointment(actor, appointment_id, need=Action.UPDATE)
        if appointment.client_id:
            raise DomainError(_("This appointment is already linked to a client."))
        fields = {"name": appointment.name, "email": appointment.email, "phone": appointment.phone}
        fields.update({k: v for k, v in data.items() if v not in (None, "")})
        client = client_create(
            actor=actor,
            organisation=appointment.centre,
            confirm_not_duplicate=confirm_not_duplicate,
            **fields,
        )
        appointment = appointment_link_client(
            actor=actor, appointment_id=appointment.pk, client_id=client.pk
        )
    return appointment, client


# Hours, days off, holidays -------------------------------------------------------------


def _require_hours_right(actor: Any, centre: Organisation, counsellor_id: int | None) -> None:
    if not may_manage_hours(actor, centre, counsellor_id):
        raise Forbidden
    if counsellor_id is not None and not is_centre_counsellor(centre, counsellor_id):
        raise ValidationError({"counsellor": [_("This person does not counsel at this centre.")]})


@transaction.atomic
def weekly_hours_add(
    *, actor: Any, centre: Organisation, counsellor_id: int, **data: Any
) -> WeeklyHours:
    _require_hours_right(actor, centre, counsellor_id)
    hours = WeeklyHours(centre=centre, counsellor_id=counsellor_id, **data)
    hours.full_clean()
    overlapping = WeeklyHours.objects.filter(
        centre=centre,
        counsellor_id=counsellor_id,
        weekday=hours.weekday,
        start_time__lt=hours.end_time,
        end_time__gt=hours.start_time,
    )
    if overlapping.exists():
        raise ValidationError({"start_time": [_("These hours overlap hours already set.")]})
    hours.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=hours, organisation_id=centre.pk)
    return hours


@transaction.atomic
def weekly_hours_remove(*, actor: Any, centre: Organisation, hours_id: int) -> None:
    hours = WeeklyHours.objects.filter(pk=hours_id, centre=centre).first()
    if hours is None:
        raise ValidationError(_("These hours no longer exist."))
    _require_hours_right(actor, centre, hours.counsellor_id)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=hours, removed=True)
    hours.delete()


@transaction.atomic
def time_off_add(
    *,
    actor: Any,
    centre: Organisation,
    counsellor_id: int,
    first_day: dt.date,
    last_day: dt.date,
    reason: str = "",
) -> TimeOff:
    _require_hours_right(actor, centre, counsellor_id)
    time_off = TimeOff(
        centre=centre,
        counsellor_id=counsellor_id,
        first_day=first_day,
        last_day=last_day,
        reason=reason.strip(),
    )
    time_off.full_clean()
    time_off.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=time_off, organisation_id=centre.pk)
    return time_off


@transaction.atomic
def time_off_remove(*, actor: Any, centre: Organisation, time_off_id: int) -> None:
    time_off = TimeOff.objects.filter(pk=time_off_id, centre=centre).first()
    if time_off is None:
        raise ValidationError(_("This entry no longer exists."))
    _require_hours_right(actor, centre, time_off.counsellor_id)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=time_off, removed=True)
    time_off.delete()


@transaction.atomic
def holiday_add(*, actor: Any, centre: Organisation, day: dt.date, name: str) -> Holiday:
    _require_hours_right(actor, centre, None)
    holiday = Holiday(centre=centre, day=day, name=name.strip())
    holiday.full_clean()
    holiday.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=holiday, organisation_id=centre.pk)
    return holiday


@transaction.atomic
def holiday_remove(*, actor: Any, centre: Organisation, holiday_id: int) -> None:
    _require_hours_right(actor, centre, None)
    holiday = Holiday.objects.filter(pk=holiday_id, centre=centre).first()
    if holiday is None:
        raise ValidationError(_("This entry no longer exists."))
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=holiday, removed=True)
    holiday.delete()
