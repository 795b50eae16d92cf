"""The handover pages for both sides and the client, and what each may not see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from perspektive.audit.models import AuditEvent
from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent.models import Consent
from perspektive.consent.services import consent_withdraw
from perspektive.referrals.models import Handover, HandoverEvent
from perspektive.referrals.services import handover_change_status
from perspektive.referrals.tests.factories import HandoverFactory, handover_consent, sent_handover

pytestmark = pytest.mark.django_db

WebAs = Callable[[Any], HttpClient]
Counts = Callable[[], dict[str, int]]


def detail_url(handover: Handover) -> str:
    return reverse("referrals:detail", kwargs={"handover_id": handover.pk})


def status_url(handover: Handover) -> str:
    return reverse("referrals:status", kwargs={"handover_id": handover.pk})


def test_the_client_page_links_to_a_new_handover_for_the_office_only(
    web_as: WebAs, samir: Client, return_counsellor: Any, scout: Any, lead_a: Any
) -> None:
    create = reverse("referrals:create", kwargs={"client_id": samir.pk})
    page = reverse("clients:detail", kwargs={"client_id": samir.pk})
    assert create in web_as(return_counsellor).get(page).content.decode()
    assert create in web_as(scout).get(page).content.decode()
    assert web_as(lead_a).get(create).status_code == 404


def test_a_return_counsellor_creates_edits_and_sends_a_handover(
    web_as: WebAs, samir: Client, return_counsellor: Any, centre_a: Any
) -> None:
    web = web_as(return_counsellor)
    create = reverse("referrals:create", kwargs={"client_id": samir.pk})
    page = web.get(create)
    assert page.status_code == 200 and "missing" in page.content.decode()
    departure = (timezone.localdate() + dt.timedelta(days=42)).isoformat()
    response = web.post(
        create,
        {
            "to_centre": centre_a.pk,
            "planned_departure": departure,
            "sections": ["contact", "needs"],
            "needs_summary": "Housing first",
            "vulnerabilities": ["medical"],
        },
    )
    handover = Handover.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(handover)
    assert handover.sections == ["identity", "contact", "needs"]

    edit = reverse("referrals:edit", kwargs={"handover_id": handover.pk})
    response = web.post(
        edit, {"to_centre": centre_a.pk, "planned_departure": departure, "sections": ["needs"]}
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.sections == ["identity", "needs"]

    # No consent yet: a clear error, and nothing changes.
    response = web.post(status_url(handover), {"to_status": "sent"})
    assert response.status_code == 409
    assert "not consented" in response.content.decode()
    handover.refresh_from_db()
    assert handover.status == "draft"

    handover_consent(samir, sections=["identity", "needs"])
    response = web.post(status_url(handover), {"to_status": "sent"}, follow=True)
    assert response.status_code == 200
    handover.refresh_from_db()
    assert handover.status == "sent"
    assert "Sent, waiting for the centre" in response.content.decode()


def test_bad_form_input_shows_errors_and_writes_nothing(
    web_as: WebAs, samir: Client, return_counsellor: Any, centre_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    response = web_as(return_counsellor).post(
        reverse("referrals:create", kwargs={"client_id": samir.pk}),
        {"to_centre": centre_a.pk, "planned_departure": "2001-01-01"},
    )
    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    assert row_counts() == before and not Handover.objects.exists()


def test_the_centre_sees_exactly_the_consented_sections_before_answering(
    web_as: WebAs, samir: Client, return_counsellor: Any, centre_a: Any, counsellor_a: Any
) -> None:
    handover_consent(samir, sections=["identity", "contact", "needs"])
    handover = sent_handover(
        samir, centre_a, return_counsellor, sections=["identity", "contact", "needs"]
    )
    text = web_as(counsellor_a).get(detail_url(handover)).content.decode()
    for shown in (samir.name, "Sameer Al-Jubouri", "+4915112345678", "Wants to work as a welder"):
        assert shown in text, shown
    for hidden in ("Diabetes", "Sleep problems", "Duldung", "Stahlbau", samir.reference):
        assert hidden not in text, hidden
    audit = AuditEvent.objects.filter(object_type="referrals.handover", action="view").last()
    assert audit is not None
    assert audit.actor == counsellor_a
    assert audit.detail["shared_sections"] == ["identity", "contact", "needs"]


def test_once_the_consent_is_withdrawn_the_centre_sees_the_state_but_no_data(
    web_as: WebAs, samir: Client, return_counsellor: Any, centre_a: Any, counsellor_a: Any
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    consent_withdraw(actor=return_counsellor, consent_id=handover.consent_id)
    response = web_as(counsellor_a).get(detail_url(handover))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Sent, waiting for the centre" in text and "withdrawn the consent" in text
    for hidden in (samir.name, "Sameer", "+4915112345678", "welder"):
        assert hidden not in text, hidden


def test_a_centre_counsellor_accepts_and_the_office_follows_only_the_state(
    web_as: WebAs,
    samir: Client,
    return_counsellor: Any,
    centre_a: Any,
    counsellor_a: Any,
    colleague_a: Any,
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    centre = web_as(counsellor_a)
    response = centre.post(
        status_url(handover), {"to_status": "accepted", "counsellor": colleague_a.pk}
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.case is not None and handover.status == "accepted"
    assert handover.case.counsellor == colleague_a
    text = centre.get(detail_url(handover)).content.decode()
    assert reverse("cases:detail", kwargs={"case_id": handover.case_id}) in text
    # The case shows where it came from.
    case_page = centre.get(reverse("cases:detail", kwargs={"case_id": handover.case_id}))
    assert "Handed over from Return office Berlin" in case_page.content.decode()

    office = web_as(return_counsellor)
    text = office.get(detail_url(handover)).content.decode()
    assert "Accepted by the centre" in text and colleague_a.name in text
    assert reverse("cases:detail", kwargs={"case_id": handover.case_id}) not in text
    assert handover.case.reference not in text
    assert (
        office.get(reverse("cases:detail", kwargs={"case_id": handover.case_id})).status_code == 404
    )


def test_a_refused_step_keeps_the_page_and_says_why(
    web_as: WebAs, samir: Client, return_counsellor: Any, centre_a: Any, lead_a: Any
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    response = web_as(lead_a).post(status_url(handover), {"to_status": "declined", "reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    handover.refresh_from_db()
    assert handover.status == "sent"
    # The sending side cannot accept for the centre.
    response = web_as(return_counsellor).post(
        status_url(handover), {"to_status": "accepted", "counsellor": lead_a.pk}
    )
    assert response.status_code == 403


def test_a_possible_duplicate_is_shown_and_confirmed(
    web_as: WebAs, samir: Client, return_counsellor: Any, centre_a: Any, counsellor_a: Any
) -> None:
    known = ClientFactory(
        organisation=centre_a, name="Sameer Al-Jubouri", birth_date=samir.birth_date
    )
    handover = sent_handover(samir, centre_a, return_counsellor)
    web = web_as(counsellor_a)
    response = web.post(
        status_url(handover), {"to_status": "accepted", "counsellor": counsellor_a.pk}
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert known.reference in text and 'name="confirm_not_duplicate"' in text
    response = web.post(
        status_url(handover),
        {"to_status": "accepted", "counsellor": counsellor_a.pk, "confirm_not_duplicate": "on"},
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == "accepted"


def test_the_list_shows_outgoing_and_incoming_with_filters_and_overdue(
    web_as: WebAs,
    samir: Client,
    return_counsellor: Any,
    return_office: Any,
    centre_a: Any,
    counsellor_a: Any,
    counsellor_b: Any,
) -> None:
    old = sent_handover(samir, centre_a, return_counsellor)
    Handover.objects.filter(pk=old.pk).update(sent_at=timezone.now() - dt.timedelta(days=8))
    draft = HandoverFactory(
        client=ClientFactory(organisation=return_office, name="Draft Person"), to_centre=centre_a
    )
    url = reverse("referrals:list")
    office = web_as(return_counsellor).get(url).content.decode()
    assert old.reference in office and draft.reference in office and "overdue" in office
    centre = web_as(counsellor_a).get(url).content.decode()
    assert old.reference in centre and "overdue" in centre
    assert draft.reference not in centre and "Draft Person" not in centre
    assert samir.name not in centre  # names are read inside the handover, under consent
    assert old.reference not in web_as(counsellor_b).get(url).content.decode()
    only_overdue = web_as(return_counsellor).get(url + "?overdue=on").content.decode()
    assert old.reference in only_overdue and draft.reference not in only_overdue
    only_drafts = web_as(return_counsellor).get(url + "?status=draft").content.decode()
    assert old.reference not in only_drafts and draft.reference in only_drafts


def test_the_list_takes_the_same_number_of_queries_for_more_rows(
    web_as: WebAs, return_counsellor: Any, return_office: Any, centre_a: Any
) -> None:
    web = web_as(return_counsellor)
    url = reverse("referrals:list")
    HandoverFactory(client=ClientFactory(organisation=return_office), to_centre=centre_a)
    web.get(url)
    with CaptureQueriesContext(connection) as one:
        web.get(url)
    for _ in range(5):
        HandoverFactory(client=ClientFactory(organisation=return_office), to_centre=centre_a)
    with CaptureQueriesContext(connection) as six:
        web.get(url)
    assert len(six) == len(one)


def test_the_client_follows_their_handover_and_nothing_else(
    web_as: WebAs,
    samir: Client,
    samir_user: Any,
    return_counsellor: Any,
    centre_a: Any,
    client_user: Any,
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    handover_change_status(
        actor=return_counsellor, handover_id=handover.pk, to_status="cancelled", reason="Stays"
    )
    mine = web_as(samir_user).get(reverse("referrals:my_handovers")).content.decode()
    assert handover.reference in mine and "Cancelled" in mine and "Centre Erbil" in mine
    assert return_counsellor.name not in mine  # states, not staff names
    assert web_as(samir_user).get(detail_url(handover)).status_code == 200
    other = web_as(client_user)
    assert handover.reference not in other.get(reverse("referrals:my_handovers")).content.decode()
    assert other.get(detail_url(handover)).status_code == 404


def test_the_client_does_not_see_a_draft(
    web_as: WebAs, samir: Client, samir_user: Any, centre_a: Any
) -> None:
    draft = HandoverFactory(client=samir, to_centre=centre_a)
    assert web_as(samir_user).get(detail_url(draft)).status_code == 404
    assert (
        draft.reference
        not in web_as(samir_user).get(reverse("referrals:my_handovers")).content.decode()
    )


@pytest.mark.parametrize(
    "who", ["counsellor_b", "other_office_counsellor", "partner_staff", "client_user", "operator"]
)
def test_outsiders_get_404_and_change_nothing(
    who: str, request: Any, web_as: WebAs, samir: Client, return_counsellor: Any, centre_a: Any
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    events = HandoverEvent.objects.count()
    web = web_as(request.getfixturevalue(who))
    assert web.get(detail_url(handover)).status_code == 404
    assert web.post(status_url(handover), {"to_status": "cancelled"}).status_code == 404
    assert web.get(reverse("referrals:create", kwargs={"client_id": samir.pk})).status_code == 404
    handover.refresh_from_db()
    assert handover.status == "sent" and HandoverEvent.objects.count() == events


def test_the_consent_form_records_handover_sections(
    web_as: WebAs, samir: Client, return_counsellor: Any
) -> None:
    url = reverse("clients:consent_create", kwargs={"client_id": samir.pk})
    data = {
        "purpose": "handover",
        "given_by": "self",
        "method": "written",
        "notice_version": "3",
        "notice_language": "ar",
    }
    response = web_as(return_counsellor).post(url, data)
    assert response.status_code == 400 and not Consent.objects.exists()
    response = web_as(return_counsellor).post(url, {**data, "sections": ["identity", "health"]})
    assert response.status_code == 302
    assert Consent.objects.get().sections == ["identity", "health"]
    page = web_as(return_counsellor).get(reverse("clients:detail", kwargs={"client_id": samir.pk}))
    assert "Health (special category)" in page.content.decode()
