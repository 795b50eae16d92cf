"""The public booking pages (no account, no JavaScript) and the counsellors' pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from perspektive.appointments.models import Appointment, AppointmentStatus, Holiday, WeeklyHours
from perspektive.appointments.tests.factories import AppointmentFactory
from perspektive.audit.models import AuditEvent
from perspektive.cases.models import Measure

pytestmark = pytest.mark.django_db

SEARCH = {"topic": "job", "mode": "video", "language": "ar", "tz": "Europe/Berlin"}


def slot_value(starts_at: dt.datetime) -> str:
    return starts_at.strftime("%Y-%m-%dT%H:%M:%S%z")


def test_visitor_books_without_an_account_and_manages_by_link(
    centre_a: Any, slot_a: dt.datetime
) -> None:
    web = HttpClient()
    index = web.get(reverse("appointments:book"))
    assert "Centre Erbil" in index.content.decode()
    url = reverse("appointments:book_centre", kwargs={"slug": centre_a.slug})
    assert "Show free times" in web.get(url).content.decode()
    page = web.get(url, SEARCH).content.decode()
    assert f'value="{slot_value(slot_a)}"' in page
    assert "10:00" in page and "your time 08:00" in page  # Baghdad and Berlin (winter)
    response = web.post(
        url + "?" + "&".join(f"{k}={v}" for k, v in SEARCH.items()),
        {
            "slot": slot_value(slot_a),
            "name": "Yusuf",
            "phone": "+9647501234567",
            "contact_consent": "on",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.visitor_time_zone == "Europe/Berlin"
    manage = web.get(response["Location"]).content.decode()
    assert "Your appointment is booked." in manage
    token = re.search(r"/appointments/manage/([^/]+)/", response["Location"]).group(1)  # type: ignore[union-attr]
    ics = web.get(reverse("appointments:manage_ics", kwargs={"token": token}))
    assert ics["Content-Type"] == "text/calendar"
    assert b"BEGIN:VEVENT" in ics.content and b"DTSTART" in ics.content
    web.post(reverse("appointments:manage_cancel", kwargs={"token": token}))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_a_taken_slot_answers_clearly_and_keeps_what_was_typed(
    centre_a: Any, slot_a: dt.datetime, counsellor_a: Any
) -> None:
    AppointmentFactory(centre=centre_a, counsellor=counsellor_a, starts_at=slot_a)
    url = reverse("appointments:book_centre", kwargs={"slug": centre_a.slug})
    response = HttpClient().post(
        url + "?topic=job&mode=video&language=ar",
        {
            "slot": slot_value(slot_a),
            "name": "Amina Typed-Name",
            "email": "amina@example.org",
            "contact_consent": "on",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "just been taken" in page
    assert "Amina Typed-Name" in page and "amina@example.org" in page
    assert Appointment.objects.count() == 1


def test_booking_form_errors_are_shown_and_nothing_is_written(
    centre_a: Any, slot_a: dt.datetime
) -> None:
    url = reverse("appointments:book_centre", kwargs={"slug": centre_a.slug})
    response = HttpClient().post(
        url + "?topic=job&mode=video&language=ar", {"slot": slot_value(slot_a), "name": "X"}
    )
    page = response.content.decode()
    assert "Give a phone number or an e-mail address." in page
    assert "We can only book if we may contact you about it." in page
    assert not Appointment.objects.exists()


def test_outdated_or_forged_links_show_nothing(centre_a: Any, slot_a: dt.datetime) -> None:
    web = HttpClient()
    for token in ("garbage", "eyJhIjoxLCJ2IjoxfQ:1xV1c0:forged"):
        assert web.get(reverse("appointments:manage", kwargs={"token": token})).status_code == 404


def test_counsellor_sees_the_calendar_and_records_the_outcome_as_a_measure(
    web_as: Any, counsellor_a: Any, centre_a: Any, case_a: Any, client_a: Any
) -> None:
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    appointment = AppointmentFactory(
        centre=centre_a, counsellor=counsellor_a, starts_at=past, name="Walk-in Person"
    )
    web = web_as(counsellor_a)
    calendar = web.get(reverse("appointments:calendar"), {"date": past.date().isoformat()})
    assert "Walk-in Person" in calendar.content.decode()
    detail_url = reverse("appointments:detail", kwargs={"appointment_id": appointment.pk})
    assert web.get(detail_url).status_code == 200
    assert AuditEvent.objects.filter(action="view", object_id=str(appointment.pk)).exists()
    web.post(
        reverse("appointments:link_client", kwargs={"appointment_id": appointment.pk}),
        {"client": client_a.pk},
    )
    web.post(
        reverse("appointments:outcome", kwargs={"appointment_id": appointment.pk}),
        {"status": "attended"},
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assert appointment.case_id == case_a.pk
    measure = Measure.objects.get(pk=appointment.measure_id)
    assert measure.type.code == "counselling_session"
    assert measure.status == "completed"
    case_page = web.get(reverse("cases:detail", kwargs={"case_id": case_a.pk})).content.decode()
    assert "Appointment (" in case_page
    again = web.post(
        reverse("appointments:outcome", kwargs={"appointment_id": appointment.pk}),
        {"status": "no_show"},
    )
    assert "already recorded" in again.content.decode()
    assert Measure.objects.filter(plan__case=case_a).count() == 1


def test_a_future_appointment_cannot_be_marked_attended(
    web_as: Any, counsellor_a: Any, centre_a: Any
) -> None:
    appointment = AppointmentFactory(centre=centre_a, counsellor=counsellor_a)
    response = web_as(counsellor_a).post(
        reverse("appointments:outcome", kwargs={"appointment_id": appointment.pk}),
        {"status": "attended"},
    )
    assert response.status_code == 422
    assert "has not started yet" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_register_the_person_who_booked_warns_about_duplicates(
    web_as: Any, counsellor_a: Any, centre_a: Any, client_a: Any
) -> None:
    appointment = AppointmentFactory(
        centre=centre_a, counsellor=counsellor_a, name="Mohammed Al-Jubouri", phone="+9647507654321"
    )
    url = reverse("appointments:create_client", kwargs={"appointment_id": appointment.pk})
    web = web_as(counsellor_a)
    first = web.post(url, {"name": "Mohammed Al-Jubouri", "target_group": "returnee_germany"})
    assert first.status_code == 422
    assert client_a.reference in first.content.decode()
    appointment.refresh_from_db()
    assert appointment.client_id is None
    second = web.post(
        url,
        {
            "name": "Mohammed Al-Jubouri",
            "target_group": "returnee_germany",
            "confirm_not_duplicate": "on",
        },
    )
    assert second.status_code == 302
    appointment.refresh_from_db()
    assert appointment.client is not None
    assert str(appointment.client.phone) == "+9647507654321"


def test_hours_counsellor_keeps_own_lead_keeps_everyones_and_holidays(
    web_as: Any, counsellor_a: Any, colleague_a: Any, lead_a: Any, centre_a: Any
) -> None:
    body = {
        "kind": "hours",
        "centre": centre_a.pk,
        "weekday": "6",
        "start_time": "09:00",
        "end_time": "13:00",
        "slot_minutes": "30",
        "modes": ["phone", "video"],
        "topics": ["job"],
        "languages": ["ar", "ckb"],
    }
    url = reverse("appointments:hours")
    web = web_as(counsellor_a)
    assert web.post(url, {**body, "counsellor": counsellor_a.pk}).status_code == 302
    refused = web.post(url, {**body, "counsellor": colleague_a.pk})  # not theirs
    assert refused.status_code == 422
    overlap = web.post(url, {**body, "counsellor": counsellor_a.pk, "start_time": "12:00"})
    assert "overlap" in overlap.content.decode()
    backwards = web.post(url, {**body, "counsellor": counsellor_a.pk, "end_time": "08:00"})
    assert "The end must be after the start." in backwards.content.decode()
    assert WeeklyHours.objects.filter(counsellor=counsellor_a).count() == 1
    holiday = {"kind": "holiday", "centre": centre_a.pk, "day": "2031-01-01", "name": "New Year"}
    assert web.post(url, holiday).status_code == 403  # counsellors do not set holidays
    lead = web_as(lead_a)
    assert lead.post(url, {**body, "counsellor": colleague_a.pk}).status_code == 302
    assert lead.post(url, holiday).status_code == 302
    assert Holiday.objects.filter(centre=centre_a).count() == 1


def test_a_logged_in_client_books_under_their_record(
    web_as: Any, client_user: Any, centre_a: Any, slot_a: dt.datetime
) -> None:
    web = web_as(client_user)
    url = reverse("appointments:book_centre", kwargs={"slug": centre_a.slug})
    page = web.get(url, SEARCH).content.decode()
    assert 'value="Client Person"' in page  # prefilled from their record
    response = web.post(
        url + "?topic=job&mode=video&language=ar",
        {
            "slot": slot_value(slot_a),
            "name": "Client Person",
            "email": "me@example.org",
            "contact_consent": "on",
        },
    )
    assert response.status_code == 302
    assert Appointment.objects.get().client == client_user.client_profile


def test_dashboard_lists_my_next_appointments_only(
    web_as: Any, counsellor_a: Any, colleague_a: Any, centre_a: Any
) -> None:
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=5)).replace(second=0, microsecond=0)
    AppointmentFactory(centre=centre_a, counsellor=counsellor_a, starts_at=soon, name="Mine Soon")
    AppointmentFactory(
        centre=centre_a, counsellor=colleague_a, starts_at=soon, name="Colleague's Person"
    )
    AppointmentFactory(
        centre=centre_a,
        counsellor=counsellor_a,
        starts_at=soon + dt.timedelta(hours=1),
        name="Cancelled One",
        status=AppointmentStatus.CANCELLED,
    )
    page = web_as(counsellor_a).get(reverse("core:dashboard")).content.decode()
    assert "My next appointments" in page
    assert "Mine Soon" in page
    assert "Colleague's Person" not in page and "Cancelled One" not in page
