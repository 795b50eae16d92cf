"""End-to-end tests: a real browser (Debian's chromium, driven by Playwright) against
pytest-django's live server.

Chromium is never downloaded: the tests use the system's ``chromium`` and are skipped when
it is missing, unless ``E2E_REQUIRED`` is set (CI), where a missing browser is a failure.
``SCREENSHOTS=1`` saves full-page screenshots to ``test-artifacts/`` (see ``helpers.shot``).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from perspektive.core.authz import Role
from perspektive.core.tests.migrated_rows import put_back_migrated_rows
from perspektive.organisations.tests.factories import OrganisationFactory, staff
from tests.e2e.helpers import PASSWORD, PHONE

# Playwright's sync API runs an event loop in this thread; without this Django refuses the
# ORM calls that build test data ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(f"E2E_REQUIRED is set but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db: None, live_server: Any, _migrated_rows: str) -> None:
    """The live server answers from another thread, so each test runs on a transactional
    database, which is emptied after the test: put the data migrations' rows back first.
    (pytest-django's serialized rollback cannot do it here: once Playwright's event loop
    runs in this thread, Django hands the test a new connection object without them.)"""
    put_back_migrated_rows(_migrated_rows)


@pytest.fixture
def context(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser profile per test: a 360 px phone, English unless the test switches."""
    context = browser.new_context(viewport=PHONE, locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture
def erbil() -> Any:
    return OrganisationFactory(name="Centre Erbil", slug="erbil", country_id="IQ", city="Erbil")


@pytest.fixture
def dilan(erbil: Any) -> Any:
    """Journey 3: Dilan, counsellor at the centre in Erbil."""
    return staff(erbil, Role.COUNSELLOR, name="Dilan Ahmed", email="dilan@example.org")


@pytest.fixture
def login() -> Callable[[Any, Any], None]:
    """Log in through the real login form."""

    def do_login(page: Any, user: Any) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", user.email)
        page.fill("#id_password", PASSWORD)
        page.locator("#main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/$"))

    return do_login
