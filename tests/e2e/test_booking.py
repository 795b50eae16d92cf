"""Journey 1: Yusuf books a video appointment on his phone, in Arabic, without an account,
then the counsellor finds it in her calendar. Also works with JavaScript switched off."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from perspektive.appointments.models import Appointment
from perspektive.appointments.tests.factories import every_weekday
from tests.e2e.helpers import PHONE, shot, use_language
from tests.e2e.test_layout import phone_layout_problems

pytestmark = pytest.mark.e2e


@pytest.fixture
def hours(erbil: Any, dilan: Any) -> Any:
    return every_weekday(erbil, dilan)


def _book(page: Any, language: str, tag: str) -> None:
    page.goto("/appointments/book/")
    shot(page, f"{tag}-1-centres")
    page.locator("main a[href$='/book/erbil/']").click()
    page.select_option("#id_topic", "job")
    page.select_option("#id_mode", "video")
    page.select_option("#id_language", "ar")
    page.locator("#wanted button[type=submit]").click()
    first = page.locator("label.slot").first
    expect(first).to_be_visible()
    assert not phone_layout_problems(page)
    first.click()
    page.fill("#id_name", "يوسف حداد")
    page.fill("#id_phone", "+964 750 123 4567")
    page.locator("#id_contact_consent").check()
    shot(page, f"{tag}-2-slots")
    page.locator("main form[method=post] button.primary").click()
    expect(page.locator(".card.ok")).to_be_visible()
    shot(page, f"{tag}-3-booked")
    assert not phone_layout_problems(page)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_visitor_books_on_a_phone(
    page: Any, live_server: Any, hours: Any, dilan: Any, login: Any, language: str
) -> None:
    use_language(page.context, live_server.url, language)
    _book(page, language, f"booking-{language}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    appointment = Appointment.objects.get()
    assert appointment.name == "يوسف حداد"
    assert str(appointment.phone) == "+9647501234567"
    assert appointment.counsellor_id == dilan.pk
    # The visitor's zone came from the browser (Playwright's default: the machine's).
    assert appointment.visitor_time_zone

    # Dilan sees it in her week.
    page.context.clear_cookies()
    login(page, dilan)
    page.goto(f"/appointments/?date={appointment.starts_at.date().isoformat()}")
    expect(page.locator("li.appt")).to_contain_text("يوسف حداد")
    shot(page, f"booking-{language}-4-calendar")
    page.locator("li.appt a").first.click()
    expect(page.locator("#main h1")).to_be_visible()
    shot(page, f"booking-{language}-5-detail")
    assert not phone_layout_problems(page)


def test_booking_works_without_javascript(browser: Any, live_server: Any, hours: Any) -> None:
    context = browser.new_context(
        viewport=PHONE, locale="ar", base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        use_language(context, live_server.url, "ar")
        _book(page, "ar", "booking-nojs")
    finally:
        context.close()
    assert Appointment.objects.count() == 1
