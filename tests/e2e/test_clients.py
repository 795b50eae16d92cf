"""Journey 3 in the browser: Dilan searches, registers and records consent for clients."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent.models import Consent

pytestmark = pytest.mark.e2e


def test_search_finds_arabic_and_latin_spellings_as_the_counsellor_types(
    page: Any, login: Any, dilan: Any, erbil: Any
) -> None:
    ClientFactory(organisation=erbil, name="محمد الجبوري", name_latin="")
    ClientFactory(organisation=erbil, name="Muhammad Rasul")
    ClientFactory(organisation=erbil, name="Ahmad Karimi")
    login(page, dilan)
    page.goto("/clients/")
    results = page.locator("#results")
    expect(results.get_by_text("Ahmad Karimi")).to_be_visible()  # no query: everyone
    page.evaluate("window.notReloaded = true")

    with page.expect_response(
        lambda r: "q=Mohamed" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.locator("#id_q").press_sequentially("Mohamed", delay=20)  # no Enter

    expect(results.get_by_role("link", name="محمد الجبوري")).to_be_visible()
    expect(results.get_by_role("link", name="Muhammad Rasul")).to_be_visible()
    expect(results.get_by_text("Ahmad Karimi")).to_have_count(0)
    expect(results.get_by_text("2 clients")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True, "the results replaced the whole page"
    expect(page).to_have_url(re.compile(r"[?&]q=Mohamed"))  # the search can be bookmarked
    expect(page.locator("#id_q")).to_have_value("Mohamed")


def test_a_possible_duplicate_is_saved_only_after_the_counsellor_confirms(
    page: Any, login: Any, dilan: Any, erbil: Any
) -> None:
    existing = ClientFactory(
        organisation=erbil, name="Samir Haddad", birth_date=dt.date(1990, 3, 4)
    )
    login(page, dilan)
    page.goto("/clients/")
    page.get_by_role("link", name="Register a client").click()
    confirm = page.get_by_label("I have checked the records above: this is a different person.")
    expect(confirm).to_have_count(0)  # nothing to confirm before a possible duplicate is found
    page.get_by_label("Name:", exact=True).fill("Samir Haddad")
    page.get_by_label("Date of birth:", exact=True).fill("1990-03-04")
    page.get_by_label("Target group").select_option("returnee_germany")
    page.get_by_role("button", name="Save").click()

    warning = page.get_by_role("alert").filter(has_text="Possible existing records")
    expect(warning).to_be_visible()
    expect(warning.get_by_role("link", name="Samir Haddad")).to_have_attribute(
        "href", f"/clients/{existing.pk}/"
    )
    expect(page.get_by_text("This person may already be registered.")).to_be_visible()
    expect(page.get_by_label("Name:", exact=True)).to_have_value("Samir Haddad")  # kept
    assert Client.objects.count() == 1

    page.get_by_role("button", name="Save").click()  # again, without ticking the box
    expect(warning).to_be_visible()
    assert Client.objects.count() == 1

    expect(confirm).not_to_be_checked()
    confirm.check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("The client was registered.")).to_be_visible()
    assert Client.objects.count() == 2
    new = Client.objects.exclude(pk=existing.pk).get()
    expect(page).to_have_url(re.compile(rf"/clients/{new.pk}/$"))
    assert new.name == "Samir Haddad"
    assert new.birth_date == dt.date(1990, 3, 4)
    assert new.created_by == dilan


def test_counsellor_records_a_consent_and_withdraws_it(
    page: Any, login: Any, dilan: Any, erbil: Any
) -> None:
    client = ClientFactory(organisation=erbil, name="Samir Haddad")
    login(page, dilan)
    page.goto(f"/clients/{client.pk}/")
    expect(page.get_by_text("No consent recorded.")).to_be_visible()
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Purpose").select_option("job_matching")
    page.get_by_label("How:", exact=True).select_option("written")
    expect(page.get_by_label("Version of the notice shown")).to_have_value("1")
    page.get_by_role("button", name="Record consent").click()

    expect(page.get_by_text("The consent was recorded.")).to_be_visible()
    row = page.locator("tr").filter(has_text="Job matching")
    expect(row.get_by_text("in force")).to_be_visible()
    consent = Consent.objects.get(client=client)
    assert (consent.purpose, consent.recorded_by, consent.withdrawn_at) == (
        "job_matching",
        dilan,
        None,
    )

    row.get_by_placeholder("Note (optional)").fill("He found a job and called us.")
    row.get_by_role("button", name="Withdraw").click()

    expect(page.get_by_text("The consent was withdrawn.")).to_be_visible()
    row = page.locator("tr").filter(has_text="Job matching")
    expect(row.get_by_text(re.compile(r"^withdrawn "))).to_be_visible()
    expect(row.get_by_text("in force")).to_have_count(0)
    expect(row.get_by_role("button", name="Withdraw")).to_have_count(0)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == dilan
    assert consent.withdrawal_note == "He found a job and called us."
