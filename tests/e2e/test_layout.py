"""Phones and right-to-left: every main page fits 360 px, in English and in Arabic.

With SCREENSHOTS=1 the walk also saves full-page screenshots to test-artifacts/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from perspektive.cases.models import MeasureStatus
from perspektive.cases.services import case_change_status, measure_add, note_add, plan_update
from perspektive.cases.tests.factories import CaseFactory, measure_type
from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent.services import consent_record
from tests.e2e.helpers import PASSWORD, PHONE, scroll_width, shot, use_language

pytestmark = pytest.mark.e2e

# Controls a thumb must hit; checkboxes are smaller but their label is part of the target.
TAP_TARGETS = (
    "main button, main .button, main select, main textarea, "
    "main input:not([type=checkbox]):not([type=radio]):not([type=hidden]), "
    ".top a, .top select, .top button"
)
MIN_TAP = 40


def phone_layout_problems(page: Any) -> list[str]:
    """What would be broken for a user on a 360 px phone (empty: nothing)."""
    problems = []
    width = scroll_width(page)
    if width > PHONE["width"]:
        problems.append(f"the page is {width}px wide: it scrolls sideways")
    problems += page.evaluate(
        """([selector, minTap, viewport]) => {
        const found = [];
        for (const el of document.querySelectorAll(selector)) {
            const box = el.getBoundingClientRect();
            if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
            const text = el.matches("input, select, textarea") ? el.name : el.innerText;
            const name = `${el.tagName.toLowerCase()} "${text.trim().slice(0, 40)}"`;
            if (box.left < -0.5 || box.right > viewport + 0.5)
                found.push(`${name} sticks out (${box.left | 0}..${box.right | 0})`);
            if (box.height < minTap - 0.5)
                found.push(`${name} is ${Math.round(box.height)}px high, too small to tap`);
        }
        return found;
    }""",
        [TAP_TARGETS, MIN_TAP, PHONE["width"]],
    )
    return problems


def check_page(page: Any, language: str, *, logged_in: bool = True) -> list[str]:
    """Asserts the page's language and direction and that the header is there; returns
    the layout problems (a list, so that one walk reports every page's)."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("header.top .brand")).to_be_in_viewport()
    expect(page.locator("#lang-select")).to_be_in_viewport()
    if logged_in:
        for link in page.locator("header.top nav a").all():
            expect(link).to_be_in_viewport()
    expect(page.locator("#main form, #main table, #main .card").first).to_be_visible()
    return phone_layout_problems(page)


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}: {problem}" for name, found in problems.items() for problem in found)


@pytest.fixture
def casework(dilan: Any, erbil: Any) -> dict[str, Any]:
    """A centre's everyday data, with long names and all the parts of a case page."""
    arabic = ClientFactory(
        organisation=erbil, name="محمد عبد الرحمن الجبوري", birth_date=dt.date(1988, 2, 29)
    )
    ClientFactory(organisation=erbil, name="Muhammad Rasul Abdulkarim Barzani-Hawrami")
    samir = ClientFactory(organisation=erbil, name="Samir Haddad", birth_date=dt.date(1990, 3, 4))
    case = CaseFactory(client=arabic, counsellor=dilan)
    case_change_status(actor=dilan, case_id=case.pk, to_status="assessment")
    note_add(actor=dilan, case_id=case.pk, text="Wants to work as a welder; has a certificate.")
    plan_update(
        actor=dilan, case_id=case.pk, goals="Job as a welder in Erbil.", agreed_with_client=True
    )
    measure_add(
        actor=dilan,
        case_id=case.pk,
        type=measure_type("vocational_course"),
        description="Metalwork course, two weeks",
        status=MeasureStatus.PLANNED,
    )
    for purpose in ("counselling", "job_matching"):
        consent_record(
            actor=dilan,
            client_id=arabic.pk,
            purpose=purpose,
            method="written",
            notice_version="3",
            notice_language="ar",
        )
    return {"client": arabic, "case": case, "samir": samir}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_main_pages_fit_a_phone_in_both_directions(
    page: Any, live_server: Any, dilan: Any, casework: dict[str, Any], language: str
) -> None:
    dilan.preferred_language = language  # logging in switches to it
    dilan.save(update_fields=["preferred_language"])
    use_language(page.context, live_server.url, language)  # for the login page
    problems: dict[str, list[str]] = {}

    def visit(name: str, *, logged_in: bool = True) -> None:
        shot(page, f"{language}-{name}")
        problems[name] = check_page(page, language, logged_in=logged_in)

    page.goto("/accounts/login/")
    visit("1-login", logged_in=False)
    page.fill("#id_username", dilan.email)
    page.fill("#id_password", PASSWORD)
    page.locator("#main form button[type=submit]").click()
    expect(page.locator("#main h1")).to_contain_text("Dilan Ahmed")
    visit("2-dashboard")

    page.goto("/clients/?q=Mohamed")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    visit("3-client-list")

    page.goto(f"/clients/{casework['client'].pk}/")
    expect(page.locator("#main h1")).to_contain_text("محمد عبد الرحمن الجبوري")
    visit("4-client-detail")

    page.goto(f"/cases/{casework['case'].pk}/")
    expect(page.locator("ol.timeline li")).to_have_count(6)
    visit("5-case-detail")

    page.goto("/clients/new/")
    page.fill("#id_name", "Samir Haddad")
    page.fill("#id_birth_date", "1990-03-04")
    page.select_option("#id_target_group", "returnee_germany")
    page.locator("#main form button[type=submit]").click()
    expect(page.locator(".card.warn tbody tr")).to_have_count(1)
    visit("6-register-duplicate")

    assert not any(problems.values()), report(problems)


def test_the_language_select_switches_to_right_to_left_and_back(
    page: Any, login: Any, dilan: Any
) -> None:
    login(page, dilan)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    page.get_by_label("Language").select_option("ar")
    page.locator("form.lang button").click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("#main h1")).to_contain_text("Dilan Ahmed")  # still on the dashboard
    assert not (found := check_page(page, "ar")), report({"dashboard": found})

    page.locator("#lang-select").select_option("en")
    page.locator("form.lang button").click()

    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert not (found := check_page(page, "en")), report({"dashboard": found})
