"""Journeys 2 and 3 in the browser: Ms. Keller in Bochum hands Samir over to Erbil on her
phone; Dilan at the centre accepts it with the interface in Arabic."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.authz import Role
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, staff
from perspektive.referrals.models import Handover
from perspektive.referrals.tests.factories import handover_consent
from tests.e2e.helpers import PHONE, scroll_width, shot, use_language

pytestmark = pytest.mark.e2e


@pytest.fixture
def keller() -> Any:
    office = OrganisationFactory(
        name="Return counselling Bochum",
        slug="return-bochum",
        kind=OrganisationKind.RETURN_OFFICE,
        country_id="DE",
        city="Bochum",
    )
    return staff(office, Role.RETURN_COUNSELLOR, name="Sabine Keller", email="keller@example.org")


@pytest.fixture
def samir(keller: Any) -> Any:
    client = ClientFactory(
        organisation=keller.memberships.get().organisation,
        name="سمير الجبوري",
        name_latin="Sameer Al-Jubouri",
        phone="+4915112345678",
        health_notes="Diabetes",
    )
    handover_consent(client, sections=["identity", "contact", "needs"])
    return client


def test_keller_sends_a_handover_and_dilan_accepts_it_in_arabic(
    page: Any,
    browser: Any,
    live_server: Any,
    login: Any,
    keller: Any,
    samir: Any,
    erbil: Any,
    dilan: Any,
) -> None:
    login(page, keller)
    page.goto(f"/clients/{samir.pk}/")
    page.get_by_role("link", name="Hand over to a centre").click()
    page.get_by_label("Centre in the country of origin").select_option(str(erbil.pk))
    departure = timezone.localdate() + dt.timedelta(days=42)
    page.get_by_label("Planned departure").fill(departure.isoformat())
    page.get_by_label("Contact: phone and e-mail").check()
    page.get_by_label("Summary of needs", exact=True).check()
    page.locator("#id_needs_summary").fill("Wants to work as a welder again.")
    assert scroll_width(page) <= PHONE["width"]
    shot(page, "handover-1-form-360")
    page.get_by_role("button", name="Save as draft").click()

    expect(page.locator("#handover-status")).to_have_text("Draft")
    page.locator("form.action-sent").get_by_role("button", name="Send").click()
    expect(page.locator("#handover-status")).to_have_text("Sent, waiting for the centre")
    expect(page.locator("ol.handover-history")).to_contain_text("Sent, waiting for the centre")
    assert scroll_width(page) <= PHONE["width"]
    shot(page, "handover-2-sent-360")
    handover = Handover.objects.get()
    assert handover.status == "sent" and handover.sections == ["identity", "contact", "needs"]

    # Dilan, at the centre in Erbil, in Arabic on her phone.
    context = browser.new_context(viewport=PHONE, locale="ar", base_url=live_server.url)
    context.set_default_timeout(10_000)
    try:
        use_language(context, live_server.url, "ar")
        centre_page = context.new_page()
        login(centre_page, dilan)
        centre_page.goto(f"/referrals/handovers/{handover.pk}/")
        expect(centre_page.locator("html")).to_have_attribute("dir", "rtl")
        shared = centre_page.locator(".shared-data")
        expect(shared).to_contain_text("سمير الجبوري")
        expect(shared).to_contain_text("+4915112345678")
        expect(shared).not_to_contain_text("Diabetes")  # health was not consented
        assert scroll_width(centre_page) <= PHONE["width"]
        shot(centre_page, "handover-3-incoming-ar-360")
        accept = centre_page.locator("form.action-accepted")
        accept.locator("select[name=counsellor]").select_option(str(dilan.pk))
        accept.locator("button[type=submit]").click()
        centre_page.wait_for_url(f"**/referrals/handovers/{handover.pk}/")
        handover.refresh_from_db()
        assert handover.status == "accepted" and handover.case.counsellor == dilan
        expect(centre_page.locator(f"a[href='/cases/{handover.case_id}/']")).to_be_visible()
        assert scroll_width(centre_page) <= PHONE["width"]
        shot(centre_page, "handover-4-accepted-ar-360")
    finally:
        context.close()

    page.reload()
    expect(page.locator("#handover-status")).to_have_text("Accepted by the centre")
    expect(page.locator(f"a[href='/cases/{handover.case_id}/']")).to_have_count(0)
