from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from perspektive.appointments.tests.factories import every_weekday


@pytest.fixture(autouse=True)
def _text_messages_to_a_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "texts.jsonl"
    settings.NOTIFICATIONS_FILE = str(path)
    return path


@pytest.fixture
def texts(_text_messages_to_a_file: Path) -> Any:
    import json

    def read() -> list[dict[str, Any]]:
        if not _text_messages_to_a_file.exists():
            return []
        return [json.loads(line) for line in _text_messages_to_a_file.read_text().splitlines()]

    return read


@pytest.fixture
def hours_a(centre_a: Any, counsellor_a: Any) -> Any:
    """Counsellor A takes appointments 09:00-12:00 (Baghdad time) every day."""
    return every_weekday(centre_a, counsellor_a)


@pytest.fixture
def slot_a(hours_a: Any, centre_a: Any) -> dt.datetime:
    """A free start of counsellor A three days from now, 10:00 at the centre."""
    from perspektive.appointments.selectors import centre_tz

    tz = centre_tz(centre_a)
    day = dt.datetime.now(tz).date() + dt.timedelta(days=3)
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz).astimezone(dt.UTC)


def run_worker() -> None:
    """Run every task that is due, in the django-tasks-db worker."""
    from unittest import mock

    from django.core.management import call_command

    # The worker closes connections that are not in autocommit mode: inside a test's
    # transaction that would be the test's own connection, so it keeps it here.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
