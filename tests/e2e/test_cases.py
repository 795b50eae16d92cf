"""Journey 3 in the browser: Dilan moves a case on and keeps its timeline."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from perspektive.cases.models import Case, CaseStatusChange, Note
from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def case(dilan: Any, erbil: Any) -> Case:
    client = ClientFactory(organisation=erbil, name="Samir Haddad")
    return CaseFactory(client=client, counsellor=dilan)


def change_status(page: Any, to: str, reason: str = "") -> None:
    page.get_by_role("link", name="Change status").click()
    page.get_by_label("New status").select_option(to)
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Save").click()


def test_status_change_and_note_appear_in_the_timeline(
    page: Any, login: Any, dilan: Any, case: Case
) -> None:
    login(page, dilan)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator(".page-head .badge")).to_have_text("Intake")

    change_status(page, "assessment")

    expect(page.get_by_text("The status was changed.")).to_be_visible()
    expect(page.locator(".page-head .badge")).to_have_text("Assessment")
    timeline = page.locator("ol.timeline")
    expect(timeline.get_by_text("Status: Intake → Assessment")).to_be_visible()

    page.get_by_label("Note:", exact=True).fill("First meeting: wants to work as a welder again.")
    page.get_by_role("button", name="Add note").click()

    expect(page.get_by_text("The note was added.")).to_be_visible()
    note = timeline.locator("li").filter(has_text="Note by Dilan Ahmed")
    expect(note).to_contain_text("First meeting: wants to work as a welder again.")
    expect(timeline.get_by_text("Status: Intake → Assessment")).to_be_visible()
    case.refresh_from_db()
    assert case.status == "assessment"
    assert Note.objects.get(case=case).author == dilan


def test_closing_without_a_reason_is_refused_and_changes_nothing(
    page: Any, login: Any, dilan: Any, case: Case
) -> None:
    login(page, dilan)
    page.goto(f"/cases/{case.pk}/")

    change_status(page, "closed")

    error = page.get_by_role("alert").filter(
        has_text="Give a reason for closing or reopening a case."
    )
    expect(error.first).to_be_visible()
    expect(page.get_by_label("New status")).to_have_value("closed")  # kept what was chosen
    case.refresh_from_db()
    assert case.status == "intake"
    assert case.closed_at is None
    assert not CaseStatusChange.objects.filter(case=case, to_status="closed").exists()

    page.get_by_role("link", name="Cancel").click()
    expect(page.locator(".page-head .badge")).to_have_text("Intake")
    expect(page.locator("ol.timeline")).not_to_contain_text("Closed")
