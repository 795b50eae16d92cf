"""Recording and withdrawing consent, and the handover consent guarding ``case_transfer``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from perspektive.audit.models import AuditEvent
from perspektive.cases import services as case_services
from perspektive.cases.models import Case
from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent.models import Consent, GivenBy, Method, Purpose
from perspektive.consent.services import consent_record, consent_withdraw
from perspektive.consent.tests.factories import ConsentFactory
from perspektive.core.errors import ConsentRequired, DomainError, Forbidden, NotFound
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]


def _record(actor: Any, client: Client, **overrides: Any) -> Consent:
    data: dict[str, Any] = {
        "purpose": Purpose.COUNSELLING,
        "method": Method.WRITTEN,
        "notice_version": "1",
        "notice_language": "ar",
    }
    data.update(overrides)
    return consent_record(actor=actor, client_id=client.pk, **data)


# Recording ------------------------------------------------------------------------------


def test_consent_record_saves_the_consent_and_one_audit_row(
    client_a: Client, counsellor_a: Any
) -> None:
    consent = _record(
        counsellor_a,
        client_a,
        method=Method.ORAL_WITNESSED,
        witness_name="  Leyla  ",
        given_by=GivenBy.GUARDIAN,
        guardian_name="Father",
    )
    assert consent.is_active
    assert consent.recorded_by == counsellor_a
    assert consent.witness_name == "Leyla"
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "consent.consent",
        str(consent.pk),
    )
    assert event.client_id == client_a.pk
    assert event.detail == {"purpose": "counselling"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"method": Method.ORAL_WITNESSED}, "witness_name"),
        ({"method": Method.ORAL_WITNESSED, "witness_name": "   "}, "witness_name"),
        ({"given_by": GivenBy.GUARDIAN}, "guardian_name"),
        ({"purpose": Purpose.REFERRAL}, "partner"),
        ({"given_at": timezone.now() + dt.timedelta(days=2)}, "given_at"),
        ({"purpose": "bogus"}, "purpose"),
        ({"method": "telepathy"}, "method"),
        ({"notice_language": "xx"}, "notice_language"),
        ({"notice_version": ""}, "notice_version"),
    ],
    ids=[
        "oral-no-witness",
        "oral-blank-witness",
        "guardian-no-name",
        "referral-no-partner",
        "future",
        "unknown-purpose",
        "unknown-method",
        "unknown-language",
        "no-notice-version",
    ],
)
def test_consent_record_refuses_incomplete_consent(
    client_a: Client, counsellor_a: Any, row_counts: Counts, overrides: dict[str, Any], field: str
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        _record(counsellor_a, client_a, **overrides)
    assert field in exc.value.message_dict
    assert row_counts() == before


def test_only_a_referral_consent_names_a_partner(
    client_a: Client, counsellor_a: Any, partner_org: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        _record(counsellor_a, client_a, purpose=Purpose.JOB_MATCHING, partner=partner_org)
    assert "partner" in exc.value.message_dict
    assert row_counts() == before


def test_referral_consent_is_per_partner(
    client_a: Client, counsellor_a: Any, partner_org: Any
) -> None:
    other_partner = OrganisationFactory(kind=OrganisationKind.TRAINING_PROVIDER)
    _record(counsellor_a, client_a, purpose=Purpose.REFERRAL, partner=partner_org)
    _record(counsellor_a, client_a, purpose=Purpose.REFERRAL, partner=other_partner)
    with pytest.raises(DomainError):
        _record(counsellor_a, client_a, purpose=Purpose.REFERRAL, partner=partner_org)
    assert Consent.objects.filter(purpose=Purpose.REFERRAL).count() == 2


def test_a_second_active_consent_for_the_same_purpose_is_refused(
    client_a: Client, counsellor_a: Any, row_counts: Counts
) -> None:
    _record(counsellor_a, client_a)
    before = row_counts()
    with pytest.raises(DomainError):
        _record(counsellor_a, client_a)
    assert row_counts() == before


def test_consent_can_be_recorded_again_after_withdrawal(
    client_a: Client, counsellor_a: Any
) -> None:
    first = _record(counsellor_a, client_a)
    consent_withdraw(actor=counsellor_a, consent_id=first.pk)
    second = _record(counsellor_a, client_a)
    assert second.pk != first.pk
    assert second.is_active


def test_consent_record_outside_the_scope_is_not_found(
    client_a: Client, counsellor_b: Any, partner_staff: Any, row_counts: Counts
) -> None:
    before = row_counts()
    for outsider in (counsellor_b, partner_staff):
        with pytest.raises(NotFound):
            _record(outsider, client_a)
    assert row_counts() == before


def test_a_client_cannot_record_consent_for_themselves(client_user: Any) -> None:
    own = Client.objects.get(user=client_user)
    with pytest.raises(Forbidden):
        _record(client_user, own)
    assert not Consent.objects.exists()


# Withdrawing ----------------------------------------------------------------------------


def test_consent_withdraw_marks_it_withdrawn_and_audits(
    client_a: Client, counsellor_a: Any
) -> None:
    consent: Consent = ConsentFactory(client=client_a)
    consent_withdraw(actor=counsellor_a, consent_id=consent.pk, note="  by phone ")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == counsellor_a
    assert consent.withdrawal_note == "by phone"
    event = AuditEvent.objects.get()
    assert event.action == "update"
    assert event.object_id == str(consent.pk)
    assert event.detail == {"withdrawn": True, "purpose": "counselling"}


def test_withdrawing_twice_is_refused(
    client_a: Client, counsellor_a: Any, row_counts: Counts
) -> None:
    consent: Consent = ConsentFactory(client=client_a)
    consent_withdraw(actor=counsellor_a, consent_id=consent.pk)
    consent.refresh_from_db()
    first_withdrawal = consent.withdrawn_at
    before = row_counts()

    with pytest.raises(DomainError):
        consent_withdraw(actor=counsellor_a, consent_id=consent.pk, note="again")

    consent.refresh_from_db()
    assert consent.withdrawn_at == first_withdrawal
    assert consent.withdrawal_note == ""
    assert row_counts() == before


def test_withdrawing_an_unknown_consent_is_not_found(counsellor_a: Any) -> None:
    with pytest.raises(NotFound):
        consent_withdraw(actor=counsellor_a, consent_id=999_999)


def test_a_client_withdraws_their_own_consent(client_user: Any) -> None:
    own = Client.objects.get(user=client_user)
    consent: Consent = ConsentFactory(client=own, purpose=Purpose.JOB_MATCHING)

    consent_withdraw(actor=client_user, consent_id=consent.pk, note="no longer")

    consent.refresh_from_db()
    assert consent.withdrawn_by == client_user
    assert AuditEvent.objects.get().actor == client_user


def test_a_client_cannot_withdraw_another_persons_consent(
    client_user: Any, client_a: Client, row_counts: Counts
) -> None:
    consent: Consent = ConsentFactory(client=client_a)
    before = row_counts()
    with pytest.raises(NotFound):
        consent_withdraw(actor=client_user, consent_id=consent.pk)
    consent.refresh_from_db()
    assert consent.is_active
    assert row_counts() == before


def test_staff_of_another_centre_cannot_withdraw(
    client_a: Client, counsellor_b: Any, row_counts: Counts
) -> None:
    consent: Consent = ConsentFactory(client=client_a)
    before = row_counts()
    with pytest.raises(NotFound):
        consent_withdraw(actor=counsellor_b, consent_id=consent.pk)
    assert row_counts() == before


# The handover guard on case_transfer ----------------------------------------------------


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return case.organisation_id, case.counsellor_id


def test_case_transfer_needs_handover_consent(
    case_a: Case, lead_a: Any, centre_b: Any, row_counts: Counts
) -> None:
    before, where = row_counts(), _snapshot(case_a)
    with pytest.raises(ConsentRequired):
        case_services.case_transfer(actor=lead_a, case_id=case_a.pk, to_organisation=centre_b)
    assert _snapshot(case_a) == where
    assert row_counts() == before


def test_case_transfer_is_refused_with_a_withdrawn_or_other_consent(
    case_a: Case, lead_a: Any, centre_b: Any
) -> None:
    ConsentFactory(client=case_a.client, purpose=Purpose.COUNSELLING)
    ConsentFactory(client=case_a.client, purpose=Purpose.HANDOVER, withdrawn_at=timezone.now())
    with pytest.raises(ConsentRequired):
        case_services.case_transfer(actor=lead_a, case_id=case_a.pk, to_organisation=centre_b)
    case_a.refresh_from_db()
    assert case_a.organisation_id != centre_b.pk


def test_case_transfer_with_handover_consent_moves_the_case_and_audits_the_sharing(
    case_a: Case, lead_a: Any, centre_a: Any, centre_b: Any
) -> None:
    ConsentFactory(client=case_a.client, purpose=Purpose.HANDOVER)

    case = case_services.case_transfer(actor=lead_a, case_id=case_a.pk, to_organisation=centre_b)

    case_a.refresh_from_db()
    assert case.organisation_id == case_a.organisation_id == centre_b.pk
    assert case_a.counsellor is None
    event = AuditEvent.objects.get()
    assert event.action == "share"
    assert event.detail == {
        "case_id": case_a.pk,
        "from_organisation": centre_a.pk,
        "to_organisation": centre_b.pk,
    }
    assert not AuditEvent.objects.filter(action="consent_override").exists()


def test_case_transfer_override_needs_a_reason(
    case_a: Case, lead_a: Any, centre_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(ConsentRequired):
        case_services.case_transfer(
            actor=lead_a, case_id=case_a.pk, to_organisation=centre_b, override_reason="   "
        )
    assert row_counts() == before
    case_a.refresh_from_db()
    assert case_a.organisation_id != centre_b.pk


def test_a_counsellor_cannot_transfer_even_with_a_reason(
    case_a: Case, counsellor_a: Any, centre_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        case_services.case_transfer(
            actor=counsellor_a,
            case_id=case_a.pk,
            to_organisation=centre_b,
            override_reason="urgent",
        )
    assert row_counts() == before


def test_the_override_needs_the_override_right_not_only_the_transfer_right(
    return_office: Any, return_counsellor: Any, centre_a: Any, row_counts: Counts
) -> None:
    """Return counsellors may transfer cases but not override consent."""
    client: Client = ClientFactory(organisation=return_office)
    case: Case = CaseFactory(client=client, counsellor=return_counsellor)
    before = row_counts()
    with pytest.raises(Forbidden):
        case_services.case_transfer(
            actor=return_counsellor,
            case_id=case.pk,
            to_organisation=centre_a,
            override_reason="flight tomorrow",
        )
    case.refresh_from_db()
    assert case.organisation_id == return_office.pk
    assert row_counts() == before


def test_a_centre_lead_overrides_with_a_reason_and_it_is_audited(
    case_a: Case, lead_a: Any, centre_b: Any
) -> None:
    case = case_services.case_transfer(
        actor=lead_a,
        case_id=case_a.pk,
        to_organisation=centre_b,
        override_reason="  client unreachable, urgent medical follow-up  ",
    )
    assert case.organisation_id == centre_b.pk
    override = AuditEvent.objects.get(action="consent_override")
    assert override.actor == lead_a
    assert override.client_id == case_a.client_id
    assert override.detail["reason"] == "client unreachable, urgent medical follow-up"
    assert override.detail["purpose"] == "handover"
    assert AuditEvent.objects.filter(action="share").count() == 1


def test_an_override_is_rolled_back_when_the_transfer_fails_afterwards(
    client_a: Any, case_a: Case, lead_a: Any, centre_b: Any
) -> None:
    CaseFactory(client=client_a, organisation=centre_b)  # already open at the target
    with pytest.raises(DomainError):
        case_services.case_transfer(
            actor=lead_a, case_id=case_a.pk, to_organisation=centre_b, override_reason="urgent"
        )
    assert not AuditEvent.objects.exists()
    case_a.refresh_from_db()
    assert case_a.organisation_id != centre_b.pk


@pytest.mark.parametrize("kind", ["same", "funder"])
def test_case_transfer_refuses_a_target_that_is_not_another_centre(
    case_a: Case, lead_a: Any, centre_a: Any, funder: Any, row_counts: Counts, kind: str
) -> None:
    ConsentFactory(client=case_a.client, purpose=Purpose.HANDOVER)
    before = row_counts()
    target = centre_a if kind == "same" else funder
    with pytest.raises(ValidationError) as exc:
        case_services.case_transfer(actor=lead_a, case_id=case_a.pk, to_organisation=target)
    assert "to_organisation" in exc.value.message_dict
    assert row_counts() == before


# Sections of a handover consent ---------------------------------------------------------


def test_a_handover_consent_records_its_sections_in_order(
    client_a: Client, counsellor_a: Any
) -> None:
    consent = _record(
        counsellor_a,
        client_a,
        purpose=Purpose.HANDOVER,
        sections=["health", "identity", "contact", "health"],
    )
    assert consent.sections == ["identity", "contact", "health"]
    assert consent.covers(["identity", "health"]) and not consent.covers(["psychosocial"])


def test_a_handover_consent_without_sections_shares_identity_only(
    client_a: Client, counsellor_a: Any
) -> None:
    assert _record(counsellor_a, client_a, purpose=Purpose.HANDOVER).sections == ["identity"]


@pytest.mark.parametrize(
    ("purpose", "sections"),
    [
        (Purpose.HANDOVER, ["contact"]),  # identity missing
        (Purpose.HANDOVER, []),
        (Purpose.HANDOVER, ["identity", "bank_account"]),
        (Purpose.HANDOVER, "identity"),
        (Purpose.COUNSELLING, ["identity"]),  # only handovers name sections
    ],
)
def test_bad_sections_are_refused_and_nothing_is_recorded(
    client_a: Client,
    counsellor_a: Any,
    row_counts: Counts,
    purpose: str,
    sections: Any,
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        _record(counsellor_a, client_a, purpose=purpose, sections=sections)
    assert "sections" in exc.value.message_dict
    assert row_counts() == before
