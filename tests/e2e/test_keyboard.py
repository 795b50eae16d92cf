"""Keyboard only: a counsellor logs in and searches without touching a mouse."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from perspektive.clients.tests.factories import ClientFactory
from tests.e2e.helpers import PASSWORD

pytestmark = pytest.mark.e2e


def tab_to(page: Any, selector: str, *, limit: int = 25) -> None:
    """Press Tab until the element matching ``selector`` has the focus, which must show."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{selector} has the focus but shows no focus ring"
            return
    pytest.fail(f"{limit} presses of Tab never reached {selector}")


def test_login_and_client_search_work_with_the_keyboard_alone(
    page: Any, dilan: Any, erbil: Any
) -> None:
    arabic = ClientFactory(organisation=erbil, name="محمد الجبوري", name_latin="")
    ClientFactory(organisation=erbil, name="Muhammad Rasul")
    ClientFactory(organisation=erbil, name="Ahmad Karimi")

    page.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()  # autofocus: type at once
    page.keyboard.type(dilan.email)
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#main h1")).to_contain_text("Dilan Ahmed")

    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    expect(page.locator("a.skip")).to_be_in_viewport()  # the skip link shows when focused
    tab_to(page, "header nav a[href='/clients/']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/clients/$"))

    tab_to(page, "#id_q")
    page.evaluate("window.notReloaded = true")
    page.keyboard.type("Mohamed")
    page.keyboard.press("Enter")
    results = page.locator("#results")
    expect(results.get_by_text("Ahmad Karimi")).to_have_count(0)
    expect(results.get_by_role("link", name="Muhammad Rasul")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True, "Enter reloaded the whole page"

    tab_to(page, f"#results a[href='/clients/{arabic.pk}/']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/clients/{arabic.pk}/$"))
    expect(page.locator("#main h1")).to_contain_text("محمد الجبوري")
