"""Public booking (no account, no JavaScript needed), the signed manage link, and the
counsellors' calendar, appointment detail and hours."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perspektive.appointments import selectors, services
from perspektive.appointments.forms import (
    BookingForm,
    HolidayForm,
    LinkClientForm,
    MoveForm,
    NewClientForm,
    OutcomeForm,
    SlotSearchForm,
    TimeOffForm,
    WeeklyHoursForm,
    parse_day,
    safe_zone,
)
from perspektive.appointments.ics import appointment_ics
from perspektive.appointments.links import appointment_for_token, manage_path, manage_url
from perspektive.appointments.models import Appointment, AppointmentStatus
from perspektive.appointments.policy import (
    access_staff_centre,
    appointment_allows,
    centre_counsellors,
    may_manage_hours,
    staff_centres,
)
from perspektive.appointments.slots import Opening, Wanted, by_local_day, openings, wall_clock
from perspektive.clients.selectors import client_search
from perspektive.clients.services import PossibleDuplicate
from perspektive.core.authz import Action
from perspektive.core.errors import DomainError, Forbidden
from perspektive.core.forms import apply_error
from perspektive.organisations.models import Organisation

SLOT_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


# Public booking ---------------------------------------------------------------------------


@require_GET
def book_index(request: HttpRequest) -> HttpResponse:
    centres = list(selectors.bookable_centres())
    return render(request, "appointments/book_index.html", {"centres": centres})


def _day_rows(
    centre: Organisation, items: list[Opening], visitor_tz: ZoneInfo
) -> list[tuple[dt.date, list[dict[str, Any]]]]:
    tz = selectors.centre_tz(centre)
    rows = []
    for day, day_items in by_local_day(items, tz):
        rows.append(
            (
                day,
                [
                    {
                        "value": o.starts_at.strftime(SLOT_FORMAT),
                        "centre": wall_clock(o.starts_at, tz),
                        "visitor": wall_clock(o.starts_at, visitor_tz),
                        "free": len(o.counsellor_ids),
                    }
                    for o in day_items
                ],
            )
        )
    return rows


def _week_slots(
    centre: Organisation, wanted: Wanted, week: int, exclude: Appointment | None = None
) -> tuple[list[Opening], dt.date, dt.date, bool]:
    first, horizon = selectors.booking_horizon(centre)
    first_day = first + dt.timedelta(days=7 * week)
    last_day = min(first_day + dt.timedelta(days=6), horizon)
    if first_day > horizon:
        return [], first_day, first_day, False
    slots = selectors.slots_for_centre(
        centre, first_day=first_day, last_day=last_day, wanted=wanted, exclude=exclude
    )
    return openings(slots), first_day, last_day, last_day < horizon


@require_http_methods(["GET", "POST"])
def book_centre(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.public_centre(slug)
    if centre is None:
        raise Http404
    zone = centre.country.time_zone
    languages = selectors.centre_languages(centre)
    initial = {"language": get_language() if get_language() in languages else None}
    search = SlotSearchForm(
        request.GET if "topic" in request.GET else None,
        initial=initial,
        centre_zone=zone,
        languages=languages,
    )
    own = getattr(request.user, "client_profile", None) if request.user.is_authenticated else None
    booking = BookingForm(
        request.POST if request.method == "POST" else None,
        initial={"name": own.name, "phone": own.phone, "email": own.email} if own else None,
    )
    context: dict[str, Any] = {"centre": centre, "search": search, "booking": booking}
    if not search.is_valid():
        return render(request, "appointments/book_centre.html", context)
    wanted = Wanted(
        mode=search.cleaned_data["mode"],
        topic=search.cleaned_data["topic"],
        language=search.cleaned_data["language"],
    )
    visitor_zone = search.cleaned_data.get("tz") or zone
    week = search.cleaned_data.get("week") or 0
    if request.method == "POST" and booking.is_valid():
        try:
            appointment = services.appointment_book(
                centre=centre,
                starts_at=booking.cleaned_data["slot"],
                mode=wanted.mode or "",
                topic=wanted.topic or "",
                language=wanted.language or "",
                name=booking.cleaned_data["name"],
                phone=str(booking.cleaned_data.get("phone") or ""),
                email=booking.cleaned_data.get("email") or "",
                message=booking.cleaned_data.get("message") or "",
                contact_consent=booking.cleaned_data["contact_consent"],
                visitor_time_zone=visitor_zone,
                actor=request.user,
            )
        except (ValidationError, DomainError) as exc:
            apply_error(booking, exc)
        else:
            return redirect(manage_path(appointment) + "?booked=1")
    items, first_day, last_day, more = _week_slots(centre, wanted, week)
    query = request.GET.copy()
    query.pop("week", None)
    context.update(
        {
            "days": _day_rows(centre, items, safe_zone(visitor_zone, zone)),
            "first_day": first_day,
            "last_day": last_day,
            "week": week,
            "more": more,
            "query": query.urlencode(),
            "chosen": request.POST.get("slot", ""),
            "same_zone": visitor_zone == zone,
            "visitor_zone": visitor_zone,
        }
    )
    status = 409 if booking.errors and request.method == "POST" else 200
    return render(request, "appointments/book_centre.html", context, status=status)


def _from_link(token: str) -> Appointment:
    appointment = appointment_for_token(token)
    if appointment is None:
        raise Http404(_("This link is not valid any more. Please use the newest message we sent."))
    return appointment


@require_GET
def manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _from_link(token)
    centre = appointment.centre
    zone = centre.country.time_zone
    visitor_zone = safe_zone(appointment.visitor_time_zone or zone, zone)
    context: dict[str, Any] = {
        "appointment": appointment,
        "token": token,
        "booked": request.GET.get("booked") == "1",
        "centre_time": wall_clock(appointment.starts_at, selectors.centre_tz(centre)),
        "visitor_time": wall_clock(appointment.starts_at, visitor_zone),
        "same_zone": str(visitor_zone) == zone,
        "live": appointment.is_live and appointment.starts_at > timezone.now(),
        "move_form": MoveForm(),
    }
    if context["live"] and request.GET.get("move") == "1":
        try:
            week = max(0, min(7, int(request.GET.get("week", "0"))))
        except ValueError:
            week = 0
        wanted = Wanted(appointment.mode, appointment.topic, appointment.language)
        items, first_day, last_day, more = _week_slots(centre, wanted, week, exclude=appointment)
        context.update(
            {
                "days": _day_rows(centre, items, visitor_zone),
                "week": week,
                "more": more,
                "first_day": first_day,
                "last_day": last_day,
            }
        )
    return render(request, "appointments/manage.html", context)


@require_POST
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _from_link(token)
    try:
        services.appointment_cancel_by_visitor(appointment=appointment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your appointment is cancelled."))
    return redirect("appointments:manage", token=token)


@require_POST
def manage_move(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _from_link(token)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a time."))
        return redirect(reverse("appointments:manage", kwargs={"token": token}) + "?move=1")
    try:
        moved = services.appointment_reschedule(
            appointment=appointment, starts_at=form.cleaned_data["slot"], actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("appointments:manage", kwargs={"token": token}) + "?move=1")
    messages.success(request, _("Your appointment is moved. This is its new link."))
    return redirect(manage_path(moved))


@require_GET
def manage_ics(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _from_link(token)
    response = HttpResponse(
        appointment_ics(appointment, manage_url(appointment)), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


# Counsellors -----------------------------------------------------------------------------


def _centre_from(request: HttpRequest) -> tuple[Organisation, list[Organisation]]:
    centres = list(staff_centres(request.user))
    if not centres:
        raise Forbidden
    wanted = request.GET.get("centre") or request.POST.get("centre")
    if wanted:
        try:
            return access_staff_centre(request.user, int(wanted)), centres
        except ValueError:
            pass
    return centres[0], centres


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    centre, centres = _centre_from(request)
    tz = selectors.centre_tz(centre)
    today = timezone.now().astimezone(tz).date()
    day = parse_day(request.GET.get("date"), today)
    view = "day" if request.GET.get("view") == "day" else "week"
    if view == "week":
        first_day, days, step = day - dt.timedelta(days=day.weekday()), 7, 7
    else:
        first_day, days, step = day, 1, 1
    mine = request.GET.get("who", "me") != "all"
    calendar_days = selectors.calendar(
        user=request.user,
        centre=centre,
        first_day=first_day,
        days=days,
        counsellor_id=request.user.pk if mine else None,
        include_cancelled=request.GET.get("cancelled") == "1",
    )
    return render(
        request,
        "appointments/calendar.html",
        {
            "centre": centre,
            "centres": centres,
            "days": calendar_days,
            "view": view,
            "day": day,
            "today": today,
            "previous": first_day - dt.timedelta(days=step),
            "next": first_day + dt.timedelta(days=step),
            "mine": mine,
            "tz": tz,
            "can_manage_hours": may_manage_hours(request.user, centre, request.user.pk),
        },
    )


def _detail_context(request: HttpRequest, appointment: Appointment, **extra: Any) -> dict[str, Any]:
    tz = selectors.centre_tz(appointment.centre)
    q = request.GET.get("q", "")[:200]
    candidates = client_search(user=request.user, query=q).items if q else []
    return {
        "appointment": appointment,
        "local_start": wall_clock(appointment.starts_at, tz),
        "local_end": wall_clock(appointment.ends_at, tz),
        "can_update": appointment_allows(request.user, appointment, Action.UPDATE),
        "can_outcome": appointment_allows(request.user, appointment, Action.CHANGE_STATUS)
        and appointment.status == AppointmentStatus.BOOKED,
        "outcome_form": extra.pop("outcome_form", None) or OutcomeForm(),
        "new_client_form": extra.pop("new_client_form", None)
        or NewClientForm(initial={"name": appointment.name}),
        "q": q,
        "candidates": candidates,
        **extra,
    }


@login_required
@require_GET
def detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_get_for_view(
        user=request.user, appointment_id=appointment_id
    )
    return render(request, "appointments/detail.html", _detail_context(request, appointment))


@login_required
@require_POST
def outcome(request: HttpRequest, appointment_id: int) -> HttpResponse:
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            appointment = services.appointment_record_outcome(
                actor=request.user,
                appointment_id=appointment_id,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            if appointment.measure_id:
                messages.success(
                    request, _("Outcome recorded as a counselling session of the case.")
                )
            else:
                messages.success(
                    request,
                    _("Outcome recorded. Link a client with a case to count it as a measure."),
                )
            return redirect("appointments:detail", appointment_id=appointment.pk)
    appointment = selectors.appointment_get_for_view(
        user=request.user, appointment_id=appointment_id
    )
    return render(
        request,
        "appointments/detail.html",
        _detail_context(request, appointment, outcome_form=form),
        status=422,
    )


@login_required
@require_POST
def link_client(request: HttpRequest, appointment_id: int) -> HttpResponse:
    form = LinkClientForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a client."))
        return redirect("appointments:detail", appointment_id=appointment_id)
    services.appointment_link_client(
        actor=request.user, appointment_id=appointment_id, client_id=form.cleaned_data["client"]
    )
    messages.success(request, _("The appointment is linked to the client."))
    return redirect("appointments:detail", appointment_id=appointment_id)


@login_required
@require_POST
def create_client(request: HttpRequest, appointment_id: int) -> HttpResponse:
    form = NewClientForm(request.POST)
    duplicates: list[Any] = []
    if form.is_valid():
        try:
            _appointment, client = services.appointment_create_client(
                actor=request.user,
                appointment_id=appointment_id,
                confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"],
                name=form.cleaned_data["name"],
                target_group=form.cleaned_data["target_group"],
                birth_date=form.cleaned_data["birth_date"],
            )
        except PossibleDuplicate as exc:
            duplicates = exc.candidates
            form.add_error(None, exc.message)
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Client registered and linked to the appointment."))
            return redirect("clients:detail", client_id=client.pk)
    appointment = selectors.appointment_get_for_view(
        user=request.user, appointment_id=appointment_id
    )
    return render(
        request,
        "appointments/detail.html",
        _detail_context(request, appointment, new_client_form=form, duplicates=duplicates),
        status=422,
    )


# Hours, days off, holidays ----------------------------------------------------------------


def _hours_context(
    request: HttpRequest, centre: Organisation, centres: list[Organisation], **forms: Any
) -> dict[str, Any]:
    everyone = list(centre_counsellors(centre))
    lead = may_manage_hours(request.user, centre, None)
    people = everyone if lead else [u for u in everyone if u.pk == request.user.pk]
    choices = [(u.pk, u.name or u.email) for u in people]
    me = int(request.user.pk or 0)
    try:
        shown = int(request.GET.get("counsellor") or me)
    except ValueError:
        shown = me
    if shown not in {pk for pk, _n in choices}:
        shown = me
    initial = {"counsellor": shown, "languages": centre.country.languages}
    return {
        "centre": centre,
        "centres": centres,
        "people": people,
        "shown": shown,
        "is_lead": lead,
        "hours": selectors.hours_of(centre, shown),
        "time_off": selectors.time_off_of(centre, shown),
        "holidays": selectors.holidays_of(centre),
        "hours_form": forms.get("hours_form")
        or WeeklyHoursForm(counsellors=choices, initial=initial),
        "time_off_form": forms.get("time_off_form")
        or TimeOffForm(counsellors=choices, initial={"counsellor": shown}),
        "holiday_form": forms.get("holiday_form") or HolidayForm(),
        "choices": choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest) -> HttpResponse:
    centre, centres = _centre_from(request)
    if request.method == "GET":
        return render(request, "appointments/hours.html", _hours_context(request, centre, centres))
    context = _hours_context(request, centre, centres)
    kind = request.POST.get("kind")
    form: Any
    try:
        if kind == "time_off":
            form = TimeOffForm(request.POST, counsellors=context["choices"])
            if form.is_valid():
                services.time_off_add(actor=request.user, centre=centre, **form.cleaned_data)
        elif kind == "holiday":
            form = HolidayForm(request.POST)
            if form.is_valid():
                services.holiday_add(actor=request.user, centre=centre, **form.cleaned_data)
        else:
            kind = "hours"
            form = WeeklyHoursForm(request.POST, counsellors=context["choices"])
            if form.is_valid():
                data = dict(form.cleaned_data)
                counsellor_id = data.pop("counsellor")
                services.weekly_hours_add(
                    actor=request.user, centre=centre, counsellor_id=counsellor_id, **data
                )
    except (ValidationError, DomainError) as exc:
        apply_error(form, exc)
    if form.is_valid() and not form.errors:
        messages.success(request, _("Saved."))
        return redirect(
            reverse("appointments:hours")
            + f"?centre={centre.pk}&counsellor={request.POST.get('counsellor', request.user.pk)}"
        )
    context[f"{kind}_form"] = form
    return render(request, "appointments/hours.html", context, status=422)


@login_required
@require_POST
def hours_remove(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    centre, _centres = _centre_from(request)
    remove = {
        "hours": lambda: services.weekly_hours_remove(
            actor=request.user, centre=centre, hours_id=item_id
        ),
        "time-off": lambda: services.time_off_remove(
            actor=request.user, centre=centre, time_off_id=item_id
        ),
        "holiday": lambda: services.holiday_remove(
            actor=request.user, centre=centre, holiday_id=item_id
        ),
    }.get(kind)
    if remove is None:
        raise Http404
    try:
        remove()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed."))
    return redirect(reverse("appointments:hours") + f"?centre={centre.pk}")
