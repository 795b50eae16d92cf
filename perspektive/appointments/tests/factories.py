from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from perspektive.appointments.models import Appointment, Mode, Topic, WeeklyHours
from perspektive.organisations.tests.factories import ValidatedFactory

ALL_MODES = list(Mode.values)
ALL_TOPICS = list(Topic.values)


class WeeklyHoursFactory(ValidatedFactory):
    class Meta:
        model = WeeklyHours

    weekday = 0
    start_time = dt.time(9, 0)
    end_time = dt.time(12, 0)
    slot_minutes = 30
    modes = factory.LazyFunction(lambda: list(ALL_MODES))
    topics = factory.LazyFunction(lambda: list(ALL_TOPICS))
    languages = factory.LazyFunction(lambda: ["ar", "en"])


def every_weekday(centre: Any, counsellor: Any, **kwargs: Any) -> list[WeeklyHours]:
    """Hours on all seven days, so tests do not depend on today's weekday."""
    return [
        WeeklyHoursFactory(centre=centre, counsellor=counsellor, weekday=day, **kwargs)
        for day in range(7)
    ]


class AppointmentFactory(ValidatedFactory):
    class Meta:
        model = Appointment

    starts_at = factory.LazyFunction(
        lambda: (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).replace(
            minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=30))
    mode = Mode.PHONE
    topic = Topic.JOB
    language = "ar"
    name = "Yusuf Haddad"
    phone = "+9647501234567"
    contact_consent = True
