"""Journey 4: Dilan refers a family to an NGO in Erbil; Shilan at the NGO accepts and
records the outcome on her phone, in Arabic. The pages fit 360 px in both directions."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.authz import Role
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, staff
from perspektive.referrals.models import Referral
from perspektive.referrals.tests.factories import partner_service, referral_consent
from tests.e2e.helpers import shot, use_language
from tests.e2e.test_layout import phone_layout_problems

pytestmark = pytest.mark.e2e


@pytest.fixture
def ngo() -> Any:
    return OrganisationFactory(
        name="Erbil Housing Aid", slug="ngo-erbil", kind=OrganisationKind.CIVIL_SOCIETY
    )


def test_dilan_refers_and_the_partner_answers_in_arabic(
    page: Any, live_server: Any, login: Any, erbil: Any, dilan: Any, ngo: Any
) -> None:
    family = ClientFactory(organisation=erbil, name="فاطمة حسن", phone="+9647501230000")
    CaseFactory(client=family, organisation=erbil, counsellor=dilan)
    service = partner_service(ngo, "housing")
    referral_consent(family, ngo, ["identity", "contact", "needs"])
    shilan = staff(ngo, Role.PARTNER_STAFF, name="Shilan Rasul", email="shilan@example.org")

    login(page, dilan)
    page.goto(f"/referrals/partner-referrals/new/{family.pk}/")
    shot(page, "referral-1-form")
    page.locator("select[name=service]").select_option(str(service.pk))
    for box in page.locator("input[name=sections]").all():
        if box.get_attribute("value") in ("contact", "needs") and not box.is_checked():
            box.check()
    page.locator("textarea[name=note]").fill("Family of four needs a flat before winter")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main h1")).to_contain_text("R-")
    assert not phone_layout_problems(page)
    referral = Referral.objects.get()

    page.context.clear_cookies()
    use_language(page.context, live_server.url, "ar")
    shilan.preferred_language = "ar"
    shilan.save(update_fields=["preferred_language"])
    login(page, shilan)
    page.goto(f"/referrals/partner-referrals/{referral.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("main")).to_contain_text("فاطمة حسن")
    expect(page.locator("main")).to_contain_text("+9647501230000")
    expect(page.locator("main")).not_to_contain_text("ftmh")  # no bare consonant skeleton
    expect(page.locator("header nav a[aria-current=page]")).to_have_attribute(
        "href", "/referrals/partner-referrals/"
    )
    shot(page, "referral-2-partner-ar")
    assert not phone_layout_problems(page)
