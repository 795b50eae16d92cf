"""Booking, moving and cancelling: the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from perspektive.appointments import services
from perspektive.appointments.links import appointment_for_token, manage_token
from perspektive.appointments.models import Appointment, AppointmentStatus
from perspektive.appointments.tests.conftest import run_worker
from perspektive.appointments.tests.factories import every_weekday
from perspektive.audit.models import AuditEvent
from perspektive.notifications.models import Delivery

pytestmark = pytest.mark.django_db

committed = TestCase.captureOnCommitCallbacks  # run what services schedule after commit


def due_now() -> None:
    """Time travel for the queue: every waiting task becomes due."""
    DBTaskResult.objects.filter(status="READY").update(
        run_after=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )


def book(centre: Any, starts_at: dt.datetime, **kwargs: Any) -> Appointment:
    data: dict[str, Any] = {
        "centre": centre,
        "starts_at": starts_at,
        "mode": "video",
        "topic": "job",
        "language": "ar",
        "name": "يوسف حداد",
        "phone": "+9647501234567",
        "email": "yusuf@example.org",
        "contact_consent": True,
    }
    data.update(kwargs)
    with committed(execute=True):
        return services.appointment_book(**data)


def test_booking_stores_the_slot_audits_and_enqueues_messages(
    centre_a: Any, counsellor_a: Any, slot_a: dt.datetime
) -> None:
    appointment = book(centre_a, slot_a)
    assert appointment.counsellor_id == counsellor_a.pk
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=30)
    assert AuditEvent.objects.filter(object_id=str(appointment.pk), action="create").exists()
    queued = DBTaskResult.objects.filter(task_path__endswith="send_appointment_message")
    kinds = sorted(r.args_kwargs["args"][2] for r in queued)
    assert kinds == ["confirmation", "reminder_24h", "reminder_2h"]
    reminder = next(r for r in queued if r.args_kwargs["args"][2] == "reminder_24h")
    assert reminder.run_after == appointment.starts_at - dt.timedelta(hours=24)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "", "email": ""}, "phone"),
        ({"contact_consent": False}, "contact_consent"),
        ({"phone": "12345", "email": ""}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"mode": "carrier pigeon"}, "mode"),
        ({"topic": ""}, "topic"),
        ({"language": "xx"}, "language"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    centre_a: Any, slot_a: dt.datetime, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        book(centre_a, slot_a, **change)
    assert field in refused.value.message_dict
    assert not Appointment.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_slot_is_booked_once_then_the_next_counsellor_then_taken(
    centre_a: Any, counsellor_a: Any, colleague_a: Any, slot_a: dt.datetime
) -> None:
    first = book(centre_a, slot_a)
    with pytest.raises(services.SlotTaken):
        book(centre_a, slot_a)
    every_weekday(centre_a, colleague_a)
    second = book(centre_a, slot_a)
    assert {first.counsellor_id, second.counsellor_id} == {counsellor_a.pk, colleague_a.pk}
    with pytest.raises(services.SlotTaken):
        book(centre_a, slot_a)
    assert Appointment.objects.count() == 2


def test_times_outside_the_hours_or_in_the_past_are_not_bookable(
    centre_a: Any, slot_a: dt.datetime
) -> None:
    with pytest.raises(services.SlotTaken):
        book(centre_a, slot_a + dt.timedelta(minutes=10))  # off the grid
    with pytest.raises(services.SlotTaken):
        book(centre_a, slot_a - dt.timedelta(days=4))  # yesterday
    with pytest.raises(services.SlotTaken):
        book(centre_a, slot_a, mode="video", language="fa")  # nobody speaks Dari here
    assert not Appointment.objects.exists()


def test_database_refuses_a_second_live_booking_of_a_slot(
    centre_a: Any, counsellor_a: Any, slot_a: dt.datetime
) -> None:
    from django.db import IntegrityError, transaction

    first = book(centre_a, slot_a)
    clone = Appointment.objects.get(pk=first.pk)
    clone.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()
    first.status = AppointmentStatus.CANCELLED
    first.save()
    clone.save()  # a cancelled booking frees the slot


def test_worker_sends_confirmation_and_reminders_once(
    centre_a: Any, slot_a: dt.datetime, texts: Any
) -> None:
    appointment = book(centre_a, slot_a)
    run_worker()
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["yusuf@example.org"]
    token = re.search(r"/appointments/manage/([^/]+)/", confirmation.body)
    assert token and appointment_for_token(token.group(1)) == appointment
    assert confirmation.attachments[0][0] == "appointment.ics"
    assert "Centre Erbil" in confirmation.subject or "Centre Erbil" in confirmation.body
    assert [t["to"] for t in texts()] == ["+9647501234567"]
    # The reminders wait for their time; bring it forward and run the worker twice.
    due_now()
    run_worker()
    run_worker()
    appointment.refresh_from_db()
    assert appointment.reminded_24h_at and appointment.reminded_2h_at
    assert len(mail.outbox) == 3
    assert len(texts()) == 3
    assert Delivery.objects.filter(status="sent").count() == 6


def test_reminders_follow_a_move_and_stop_after_a_cancel(
    centre_a: Any, slot_a: dt.datetime, texts: Any
) -> None:
    appointment = book(centre_a, slot_a)
    old_token = manage_token(appointment)
    with committed(execute=True):
        moved = services.appointment_reschedule(
            appointment=appointment, starts_at=slot_a + dt.timedelta(hours=1)
        )
    assert appointment_for_token(old_token) is None  # the old link is dead
    assert appointment_for_token(manage_token(moved)) == moved
    due_now()
    run_worker()
    results = {
        (r.args_kwargs["args"][1], r.args_kwargs["args"][2]): r.return_value
        for r in DBTaskResult.objects.all()
    }
    assert results[(1, "reminder_24h")] == "outdated"
    assert results[(2, "reminder_24h")] == "sent"
    assert results[(2, "rescheduled")] == "sent"
    with committed(execute=True):
        services.appointment_cancel_by_visitor(appointment=moved)
    mail.outbox.clear()
    run_worker()
    with translation.override("ar"):  # the visitor booked in Arabic
        expected = _("Your appointment with %(centre)s is cancelled") % {"centre": "Centre Erbil"}
    assert [m.subject for m in mail.outbox] == [expected]
    assert expected != "Your appointment with Centre Erbil is cancelled"  # it is translated


def test_moving_to_a_taken_time_changes_nothing(centre_a: Any, slot_a: dt.datetime) -> None:
    first = book(centre_a, slot_a)
    second = book(centre_a, slot_a + dt.timedelta(hours=1), phone="+9647509999999")
    with pytest.raises(services.SlotTaken):
        services.appointment_reschedule(appointment=second, starts_at=slot_a)
    second.refresh_from_db()
    assert second.starts_at == slot_a + dt.timedelta(hours=1)
    assert second.link_version == 1
    assert first.starts_at == slot_a


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL (CI runs it there)",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_of_one_slot_give_exactly_one_success(
    restore_migrated_rows: None, centre_a: Any, slot_a: dt.datetime
) -> None:
    """Twelve threads, each with its own database connection, book the same slot."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(12)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            book(centre_a, slot_a, phone=f"+96475000000{n:02d}")
            result = "booked"
        except services.SlotTaken as exc:
            result = f"taken: {exc.message}"
        except Exception as exc:  # pragma: no cover - shown in the assertion
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("booked") == 1, outcomes
    assert all(
        o.startswith("taken: Sorry, this time has just been taken")
        for o in outcomes
        if o != "booked"
    )
    assert Appointment.objects.filter(starts_at=slot_a).count() == 1
