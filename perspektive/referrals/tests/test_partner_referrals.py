"""Partner referrals (journey: Dilan refers a client to an NGO in Erbil, Shilan answers):
the directory, consent gating, the state machine per side, what the partner sees, the cut
on revocation and withdrawal, the outcome as a measure, reminders by the real worker, the
pages and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from perspektive.appointments.tests.conftest import run_worker
from perspektive.audit.models import AuditEvent
from perspektive.cases.models import Measure
from perspektive.consent.models import Purpose
from perspektive.consent.services import consent_record, consent_withdraw
from perspektive.core.authz import Role
from perspektive.core.errors import ConsentRequired, Forbidden, InvalidTransition, NotFound
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, staff
from perspektive.referrals import partners
from perspektive.referrals.models import PartnerService, Referral, ReferralEvent
from perspektive.referrals.tests.factories import (
    partner_service,
    referral_consent,
    sent_referral,
)

pytestmark = pytest.mark.django_db
Counts = Callable[[], dict[str, int]]


@pytest.fixture
def ngo(db: Any) -> Any:
    return OrganisationFactory(
        name="Hawkari psychosocial centre",
        slug="ngo-erbil",
        kind=OrganisationKind.CIVIL_SOCIETY,
        country_id="IQ",
        city="Erbil",
    )


@pytest.fixture
def shilan(ngo: Any) -> Any:
    return staff(ngo, Role.PARTNER_STAFF, name="Shilan Rasul")


@pytest.fixture
def housing(ngo: Any) -> Any:
    return partner_service(ngo, "housing")


@pytest.fixture
def client_full(client_a: Any) -> Any:
    client_a.phone = "+9647509998877"
    client_a.household_size = 4
    client_a.health_notes = "Secret health marker"
    client_a.save()
    return client_a


def counts(row_counts: Counts) -> dict[str, int]:
    return {
        **row_counts(),
        "Referral": Referral.objects.count(),
        "ReferralEvent": ReferralEvent.objects.count(),
        "PartnerService": PartnerService.objects.count(),
    }


def step(user: Any, referral: Referral, to: str, reason: str = "") -> Referral:
    return partners.referral_change_status(
        actor=user, referral_id=referral.pk, to_status=to, reason=reason
    )


# Directory --------------------------------------------------------------------------------


def test_the_directory_filters_by_country_domain_and_language(
    counsellor_a: Any, ngo: Any, housing: Any
) -> None:
    dakar = OrganisationFactory(
        slug="ngo-dakar", kind=OrganisationKind.CIVIL_SOCIETY, country_id="SN", city="Dakar"
    )
    partner_service(dakar, "legal", languages=["fr", "wo"])
    psycho = partner_service(ngo, "psychosocial", languages=["ku"])
    partner_service(ngo, "health", is_active=False)
    assert {s.pk for s in partners.directory(user=counsellor_a, country="iq")} == {
        housing.pk,
        psycho.pk,
    }
    assert [s.pk for s in partners.directory(user=counsellor_a, domain="psychosocial")] == [
        psycho.pk
    ]
    assert [s.pk for s in partners.directory(user=counsellor_a, language="ar")] == [housing.pk]


def test_clients_and_employers_have_no_directory(
    client_user: Any, other_employer: Any, web_as: Any
) -> None:
    for user in (client_user, other_employer):
        with pytest.raises(Forbidden):
            partners.directory(user=user)
        assert web_as(user).get(reverse("referrals:partner_directory")).status_code == 403


def test_partner_staff_keep_their_own_services_only(
    shilan: Any, ngo: Any, partner_org: Any, web_as: Any, row_counts: Counts
) -> None:
    web = web_as(shilan)
    response = web.post(
        reverse("referrals:partner_service_create"),
        {"domain": "psychosocial", "languages": ["ku", "ar"], "is_active": "on"},
    )
    assert response.status_code == 302
    service = PartnerService.objects.get(organisation=ngo)
    assert service.languages == ["ar", "ku"]
    assert AuditEvent.objects.filter(object_type="referrals.partnerservice").exists()
    other = partner_service(partner_org)
    before = counts(row_counts)
    url = reverse("referrals:partner_service_edit", kwargs={"service_id": other.pk})
    assert web.post(url, {"domain": "legal"}).status_code == 404
    assert web.post(reverse("referrals:partner_service_create"), {"domain": "x"}).status_code == 400
    assert counts(row_counts) == before


# Sending and consent ----------------------------------------------------------------------


def test_sending_needs_the_referral_consent_for_that_partner(
    counsellor_a: Any, client_a: Any, housing: Any, partner_org: Any, row_counts: Counts
) -> None:
    referral_consent(client_a, partner_org)  # another partner: does not count
    before = counts(row_counts)
    with pytest.raises(ConsentRequired):
        partners.referral_create(actor=counsellor_a, client_id=client_a.pk, service=housing)
    referral_consent(client_a, housing.organisation, sections=["identity"])
    before = counts(row_counts)
    with pytest.raises(ConsentRequired):
        partners.referral_create(
            actor=counsellor_a, client_id=client_a.pk, service=housing, sections=["contact"]
        )
    assert counts(row_counts) == before


@pytest.mark.parametrize(
    "bad",
    [
        {"deadline": dt.date(2020, 1, 1)},
        {"sections": ["bank_account"]},
        {"sections": "contact"},
        {"note": "x" * 2001},
        {"service": None},
    ],
)
def test_bad_input_changes_nothing(
    counsellor_a: Any, client_a: Any, housing: Any, row_counts: Counts, bad: dict[str, Any]
) -> None:
    referral_consent(client_a, housing.organisation)
    before = counts(row_counts)
    data: dict[str, Any] = {"service": housing, **bad}
    with pytest.raises(ValidationError):
        partners.referral_create(actor=counsellor_a, client_id=client_a.pk, **data)
    assert counts(row_counts) == before


def test_others_cannot_refer_a_client_of_centre_a(
    counsellor_b: Any, shilan: Any, client_a: Any, housing: Any, row_counts: Counts
) -> None:
    referral_consent(client_a, housing.organisation)
    before = counts(row_counts)
    for user in (counsellor_b, shilan):
        with pytest.raises((NotFound, Forbidden)):
            partners.referral_create(actor=user, client_id=client_a.pk, service=housing)
    assert counts(row_counts) == before


def test_a_sent_referral_is_audited_and_linked_to_the_open_case(
    counsellor_a: Any, client_a: Any, case_a: Any, housing: Any
) -> None:
    referral = sent_referral(client_a, housing, counsellor_a)
    assert referral.status == "sent"
    assert referral.case == case_a
    assert referral.partner == housing.organisation
    assert referral.sections == ["identity", "contact", "needs"]
    assert referral.deadline == timezone.localdate() + dt.timedelta(days=7)
    assert AuditEvent.objects.filter(object_type="referrals.referral", action="create").exists()


def test_a_referral_consent_records_its_sections(
    counsellor_a: Any, client_a: Any, ngo: Any
) -> None:
    consent = consent_record(
        actor=counsellor_a,
        client_id=client_a.pk,
        purpose=Purpose.REFERRAL,
        partner=ngo,
        method="written",
        notice_version="1",
        notice_language="ar",
        sections=["contact", "identity"],
    )
    assert consent.sections == ["identity", "contact"]


# State machine ----------------------------------------------------------------------------


def test_the_partner_accepts_and_completes_and_the_outcome_is_a_measure(
    counsellor_a: Any, shilan: Any, client_a: Any, case_a: Any, housing: Any
) -> None:
    referral = sent_referral(client_a, housing, counsellor_a)
    assert partners.allowed_next(referral, shilan) == ["accepted", "declined"]
    assert partners.allowed_next(referral, counsellor_a) == ["revoked"]
    with pytest.raises(Forbidden):
        step(counsellor_a, referral, "accepted")
    step(shilan, referral, "accepted")
    with pytest.raises(Forbidden):
        step(shilan, referral, "revoked")
    done = step(shilan, referral, "completed", "Flat found in Ankawa")
    measure = Measure.objects.get(plan__case=case_a)
    assert (measure.type.code, measure.status) == ("housing_referral", "completed")
    assert done.measure == measure and done.outcome_note == "Flat found in Ankawa"
    assert [e.to_status for e in done.events.all()] == ["sent", "accepted", "completed"]
    with pytest.raises(InvalidTransition):
        step(counsellor_a, done, "revoked")


def test_a_failed_outcome_is_a_cancelled_measure_of_the_domain(
    counsellor_a: Any, shilan: Any, client_a: Any, case_a: Any, ngo: Any
) -> None:
    referral = sent_referral(client_a, partner_service(ngo, "psychosocial"), counsellor_a)
    step(shilan, referral, "accepted")
    step(shilan, referral, "failed", "Did not come")
    measure = Measure.objects.get(plan__case=case_a)
    assert (measure.type.code, measure.status) == ("psychosocial_stabilisation", "cancelled")


def test_declining_needs_a_reason(
    counsellor_a: Any, shilan: Any, client_a: Any, housing: Any, row_counts: Counts
) -> None:
    referral = sent_referral(client_a, housing, counsellor_a)
    before = counts(row_counts)
    with pytest.raises(ValidationError):
        step(shilan, referral, "declined")
    with pytest.raises(InvalidTransition):
        step(shilan, referral, "completed")
    assert counts(row_counts) == before
    assert step(shilan, referral, "declined", "No places left").decline_reason == "No places left"


# What the partner sees, and the cut -------------------------------------------------------


def test_the_partner_sees_only_the_consented_fields(
    counsellor_a: Any, shilan: Any, client_full: Any, housing: Any, web_as: Any
) -> None:
    referral = sent_referral(client_full, housing, counsellor_a, sections=["contact", "needs"])
    page = web_as(shilan).get(
        reverse("referrals:referral_detail", kwargs={"referral_id": referral.pk})
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert client_full.name in text and "+9647509998877" in text
    assert "Family of four needs a flat" in text
    assert "Secret health marker" not in text
    assert client_full.reference not in text  # the centre's own reference stays there


def test_revoking_removes_the_partners_access_at_once(
    counsellor_a: Any, shilan: Any, client_a: Any, housing: Any, web_as: Any, api_as: Any
) -> None:
    referral = sent_referral(client_a, housing, counsellor_a)
    web, api = web_as(shilan), api_as(shilan)
    detail = reverse("referrals:referral_detail", kwargs={"referral_id": referral.pk})
    assert referral.reference in web.get(reverse("referrals:referral_list")).content.decode()
    assert web.get(detail).status_code == 200
    assert api.get(f"/api/v1/referrals/{referral.pk}").status_code == 200
    response = web_as(counsellor_a).post(
        reverse("referrals:referral_status", kwargs={"referral_id": referral.pk}),
        {"to_status": "revoked"},
    )
    assert response.status_code == 302
    assert web.get(detail).status_code == 404
    assert referral.reference not in web.get(reverse("referrals:referral_list")).content.decode()
    assert api.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert api.get("/api/v1/referrals").json()["total"] == 0
    assert (
        api.post(
            f"/api/v1/referrals/{referral.pk}/status",
            {"to_status": "accepted"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_withdrawing_the_consent_removes_the_partners_access_at_once(
    counsellor_a: Any, shilan: Any, client_a: Any, housing: Any, web_as: Any, api_as: Any
) -> None:
    referral = sent_referral(client_a, housing, counsellor_a)
    step(shilan, referral, "accepted")
    consent = client_a.consents.get(purpose=Purpose.REFERRAL, partner=housing.organisation)
    consent_withdraw(actor=counsellor_a, consent_id=consent.pk)
    web = web_as(shilan)
    assert (
        web.get(
            reverse("referrals:referral_detail", kwargs={"referral_id": referral.pk})
        ).status_code
        == 404
    )
    assert referral.reference not in web.get(reverse("referrals:referral_list")).content.decode()
    assert api_as(shilan).get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    with pytest.raises(NotFound):
        step(shilan, referral, "completed")
    # The referring side still follows it and may revoke it.
    assert step(counsellor_a, referral, "revoked").status == "revoked"


# Reminders --------------------------------------------------------------------------------


def test_a_referral_past_its_deadline_is_reminded_by_the_worker(
    counsellor_a: Any, shilan: Any, client_a: Any, housing: Any
) -> None:
    deadline = timezone.localdate() + dt.timedelta(days=3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        referral = sent_referral(client_a, housing, counsellor_a, deadline=deadline)
    run_worker()
    referral.refresh_from_db()
    assert referral.overdue_at is None and mail.outbox == []
    later = timezone.now() + dt.timedelta(days=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        DBTaskResult.objects.update(run_after=timezone.now())
        run_worker()
        referral.refresh_from_db()
        assert partners.is_overdue(referral)
        assert partners.referral_list(user=shilan, overdue=True).paginator.count == 1
    assert referral.overdue_at is not None
    assert referral.events.last().kind == "overdue"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([shilan.email, counsellor_a.email])
    for message in mail.outbox:
        assert referral.reference in message.subject
        assert f"/referrals/partner-referrals/{referral.pk}/" in message.body
        assert client_a.name not in message.body and client_a.name_latin not in message.body


def test_an_answered_referral_is_not_reminded(
    counsellor_a: Any, shilan: Any, client_a: Any, housing: Any
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        referral = sent_referral(client_a, housing, counsellor_a)
    step(shilan, referral, "declined", "Full")
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(9)):
        DBTaskResult.objects.update(run_after=timezone.now())
        run_worker()
    referral.refresh_from_db()
    assert referral.overdue_at is None and mail.outbox == []


# Pages ------------------------------------------------------------------------------------


def test_counsellor_refers_from_the_client_page(
    counsellor_a: Any, client_a: Any, housing: Any, web_as: Any, row_counts: Counts
) -> None:
    web = web_as(counsellor_a)
    page = web.get(reverse("clients:detail", kwargs={"client_id": client_a.pk})).content.decode()
    create = reverse("referrals:referral_create", kwargs={"client_id": client_a.pk})
    assert create in page
    assert reverse("referrals:referral_list") in page  # the nav link
    before = counts(row_counts)
    response = web.post(create, {"service": housing.pk, "sections": ["contact"]})
    assert response.status_code == 400  # no consent yet
    assert counts(row_counts) == before
    referral_consent(client_a, housing.organisation)
    response = web.post(create, {"service": housing.pk, "sections": ["contact"], "note": "Hi"})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "referrals:referral_detail", kwargs={"referral_id": referral.pk}
    )
    listing = web.get(reverse("referrals:referral_list")).content.decode()
    assert referral.reference in listing and client_a.name in listing


def test_partner_answers_on_the_portal(
    counsellor_a: Any, shilan: Any, client_a: Any, case_a: Any, housing: Any, web_as: Any
) -> None:
    referral = sent_referral(client_a, housing, counsellor_a)
    web = web_as(shilan)
    url = reverse("referrals:referral_status", kwargs={"referral_id": referral.pk})
    assert web.post(url, {"to_status": "declined"}).status_code == 400
    assert web.post(url, {"to_status": "revoked"}).status_code == 403
    assert web.post(url, {"to_status": "accepted"}).status_code == 302
    assert web.post(url, {"to_status": "completed", "reason": "Housed"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.measure is not None
    for language in ("ar", "ku", "fr"):
        web.cookies["django_language"] = language
        assert web.get(reverse("referrals:referral_list")).status_code == 200
        assert web.get(reverse("referrals:partner_directory")).status_code == 200


def test_the_client_page_hides_the_link_from_those_who_cannot_refer(
    lead_a: Any, client_a: Any, web_as: Any
) -> None:
    page = web_as(lead_a).get(reverse("clients:detail", kwargs={"client_id": client_a.pk}))
    assert reverse("referrals:referral_create", kwargs={"client_id": client_a.pk}) in (
        page.content.decode()
    )
    other = OrganisationFactory(slug="elsewhere")
    viewer = staff(other, Role.COUNSELLOR)
    assert (
        web_as(viewer).get(reverse("clients:detail", kwargs={"client_id": client_a.pk})).status_code
        == 404
    )


# API --------------------------------------------------------------------------------------


def test_the_api_creates_and_answers_referrals(
    counsellor_a: Any, shilan: Any, client_a: Any, case_a: Any, housing: Any, api_as: Any
) -> None:
    referral_consent(client_a, housing.organisation)
    api = api_as(counsellor_a)
    services = api.get("/api/v1/referrals/partners?country=IQ&domain=housing").json()
    assert [s["id"] for s in services] == [housing.pk]
    response = api.post(
        "/api/v1/referrals",
        {"client_id": client_a.pk, "service_id": housing.pk, "sections": ["contact"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    rid = response.json()["id"]
    assert response.json()["client_id"] == client_a.pk
    partner_api = api_as(shilan)
    seen = partner_api.get(f"/api/v1/referrals/{rid}").json()
    assert seen["client_id"] is None and seen["shared"]["name"] == client_a.name
    assert seen["shared"]["household_size"] is None
    assert seen["allowed_next"] == ["accepted", "declined"]
    ok = partner_api.post(
        f"/api/v1/referrals/{rid}/status",
        {"to_status": "accepted"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    refused = api.post(
        f"/api/v1/referrals/{rid}/status",
        {"to_status": "completed"},
        content_type="application/json",
    )
    assert refused.status_code == 403


# Demo -------------------------------------------------------------------------------------


def test_the_demo_has_the_ngo_in_erbil_and_two_referrals_once() -> None:
    from django.core.management import call_command

    call_command("seed_demo", "--clients-per-centre", "3", "--quiet")
    call_command("seed_demo", "--clients-per-centre", "3", "--quiet")
    assert sorted(
        PartnerService.objects.filter(organisation__slug="ngo-erbil").values_list(
            "domain", flat=True
        )
    ) == ["housing", "psychosocial"]
    assert sorted(
        Referral.objects.filter(partner__slug="ngo-erbil").values_list("status", flat=True)
    ) == ["completed", "sent"]
    assert Measure.objects.filter(type__code="psychosocial_stabilisation").exists()
