"""The demo data loads, is idempotent, and gives the booking page something to show."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from perspektive.appointments.models import Appointment, WeeklyHours
from perspektive.clients.models import Client

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_the_same_data_and_bookable_centres() -> None:
    call_command("seed_demo", "--clients-per-centre", "3", "--quiet")
    counts = (Client.objects.count(), WeeklyHours.objects.count(), Appointment.objects.count())
    call_command("seed_demo", "--clients-per-centre", "3", "--quiet")
    assert (
        Client.objects.count(),
        WeeklyHours.objects.count(),
        Appointment.objects.count(),
    ) == counts
    assert counts[1] > 0 and counts[2] == 4
    page = HttpClient().get("/appointments/book/centre-erbil/?topic=job&mode=video&language=ar")
    assert page.status_code == 200
    assert 'name="slot"' in page.content.decode()
