"""Proposing an offer to a client ("job offer made") behind the job-matching consent, and
the application's way from proposed to hired: placement measure and retention check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from perspektive.audit.models import AuditAction, AuditEvent
from perspektive.cases.models import CaseStatus, Measure, MeasureStatus
from perspektive.cases.tests.factories import CaseFactory
from perspektive.consent.models import Purpose
from perspektive.core.errors import ConsentRequired, DomainError, Forbidden, NotFound
from perspektive.jobs import services
from perspektive.jobs.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    JobOffer,
    OfferStatus,
)
from perspektive.jobs.tests.factories import JobOfferFactory, job_matching_consent

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]
NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Time stands still at NOW (services read it through django.utils.timezone)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def consent(client_a: Any) -> Any:
    return job_matching_consent(client_a)


def propose(actor: Any, offer: JobOffer, client: Any, **kwargs: Any) -> Application:
    return services.offer_propose(actor=actor, offer_id=offer.pk, client_id=client.pk, **kwargs)


# Proposing --------------------------------------------------------------------------------


def test_proposing_with_consent_records_a_job_offer_made(
    counsellor_a: Any, case_a: Any, client_a: Any, offer_a: JobOffer, consent: Any, centre_a: Any
) -> None:
    application = propose(counsellor_a, offer_a, client_a)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PROPOSED
    assert application.proposed_by == counsellor_a
    assert application.proposed_by_organisation == centre_a
    assert application.score is None  # no job-seeker profile to score against
    event = application.events.get()
    assert (event.from_status, event.to_status, event.by) == ("", "proposed", counsellor_a)
    share = AuditEvent.objects.get(action=AuditAction.SHARE)
    assert share.object_type == "jobs.application"
    assert share.object_id == str(application.pk)
    assert share.client_id == client_a.pk
    assert share.organisation_id == offer_a.employer_id
    assert share.detail["offer_id"] == offer_a.pk
    assert not AuditEvent.objects.filter(action=AuditAction.CONSENT_OVERRIDE).exists()


def test_proposing_without_job_matching_consent_is_refused_and_writes_nothing(
    counsellor_a: Any, case_a: Any, client_a: Any, offer_a: JobOffer, row_counts: Counts
) -> None:
    job_matching_consent(client_a).delete()  # another purpose does not count either:
    from perspektive.consent.tests.factories import ConsentFactory

    ConsentFactory(client=client_a, purpose=Purpose.COUNSELLING)
    before = row_counts()
    with pytest.raises(ConsentRequired):
        propose(counsellor_a, offer_a, client_a)
    assert row_counts() == before


def test_a_withdrawn_consent_does_not_allow_proposing(
    counsellor_a: Any, case_a: Any, client_a: Any, offer_a: JobOffer, consent: Any
) -> None:
    consent.withdrawn_at = timezone.now()
    consent.save()
    with pytest.raises(ConsentRequired):
        propose(counsellor_a, offer_a, client_a)
    assert not Application.objects.exists()


def test_the_lead_may_override_the_missing_consent_with_an_audited_reason(
    lead_a: Any, case_a: Any, client_a: Any, offer_a: JobOffer
) -> None:
    application = propose(lead_a, offer_a, client_a, override_reason="  Client agreed by phone ")
    override = AuditEvent.objects.get(action=AuditAction.CONSENT_OVERRIDE)
    assert override.actor == lead_a
    assert override.client_id == client_a.pk
    assert override.detail["purpose"] == Purpose.JOB_MATCHING
    assert override.detail["reason"] == "Client agreed by phone"
    assert AuditEvent.objects.filter(
        action=AuditAction.SHARE, object_id=str(application.pk)
    ).exists()


def test_a_counsellor_may_not_override_the_consent(
    counsellor_a: Any, case_a: Any, client_a: Any, offer_a: JobOffer, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        propose(counsellor_a, offer_a, client_a, override_reason="urgent")
    assert row_counts() == before


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.PAUSED, OfferStatus.CLOSED])
def test_only_published_offers_can_be_proposed(
    counsellor_a: Any,
    client_a: Any,
    offer_a: JobOffer,
    consent: Any,
    row_counts: Counts,
    status: str,
) -> None:
    JobOffer.objects.filter(pk=offer_a.pk).update(status=status)
    before = row_counts()
    with pytest.raises(DomainError):
        propose(counsellor_a, offer_a, client_a)
    assert row_counts() == before


def test_the_same_offer_cannot_be_proposed_twice(
    counsellor_a: Any, colleague_a: Any, client_a: Any, offer_a: JobOffer, consent: Any
) -> None:
    propose(counsellor_a, offer_a, client_a)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        propose(colleague_a, offer_a, client_a)
    assert "already" in exc.value.message
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("who", ["counsellor_b", "partner_staff", "employer_staff"])
def test_outsiders_cannot_find_the_client_to_propose_to(
    request: pytest.FixtureRequest,
    who: str,
    client_a: Any,
    offer_a: JobOffer,
    consent: Any,
    row_counts: Counts,
) -> None:
    user = request.getfixturevalue(who)
    before = row_counts()
    with pytest.raises(NotFound):
        propose(user, offer_a, client_a)
    assert row_counts() == before


def test_a_centre_with_a_case_for_the_client_proposes_in_its_own_name(
    counsellor_b: Any, centre_b: Any, client_a: Any, offer_a: JobOffer, consent: Any
) -> None:
    CaseFactory(client=client_a, organisation=centre_b, counsellor=counsellor_b)
    application = propose(counsellor_b, offer_a, client_a)
    assert application.proposed_by_organisation == centre_b


# Transitions ------------------------------------------------------------------------------

S = ApplicationStatus
ALLOWED = {
    (S.PROPOSED, S.APPLIED),
    (S.PROPOSED, S.REJECTED),
    (S.PROPOSED, S.WITHDRAWN),
    (S.APPLIED, S.INTERVIEW),
    (S.APPLIED, S.OFFER),
    (S.APPLIED, S.REJECTED),
    (S.APPLIED, S.WITHDRAWN),
    (S.INTERVIEW, S.OFFER),
    (S.INTERVIEW, S.REJECTED),
    (S.INTERVIEW, S.WITHDRAWN),
    (S.OFFER, S.HIRED),
    (S.OFFER, S.REJECTED),
    (S.OFFER, S.WITHDRAWN),
}
PAIRS = [(a, b) for a in S.values for b in [*S.values, "bogus"]]


@pytest.fixture
def application(counsellor_a: Any, case_a: Any, client_a: Any, offer_a: JobOffer) -> Application:
    job_matching_consent(client_a)
    return propose(counsellor_a, offer_a, client_a)


def _move(actor: Any, application: Application, *statuses: str) -> Application:
    for status in statuses:
        application = services.application_set_status(
            actor=actor, application_id=application.pk, status=status
        )
    return application


@pytest.mark.parametrize(("start", "to"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_applications_move_only_along_allowed_transitions(
    employer_staff: Any, application: Application, row_counts: Counts, start: str, to: str
) -> None:
    Application.objects.filter(pk=application.pk).update(status=start)
    before = row_counts()
    if (start, to) in ALLOWED:
        _move(employer_staff, application, to)
        application.refresh_from_db()
        assert application.status == to
        event = application.events.order_by("id").last()
        assert event is not None
        assert (event.from_status, event.to_status, event.by) == (start, to, employer_staff)
    else:
        with pytest.raises(DomainError):
            _move(employer_staff, application, to)
        application.refresh_from_db()
        assert application.status == start
        assert row_counts() == before


@pytest.mark.parametrize("who", ["counsellor_a", "colleague_a", "lead_a", "employer_staff"])
def test_the_centre_and_the_employer_move_the_application(
    request: pytest.FixtureRequest, who: str, application: Application
) -> None:
    moved = _move(request.getfixturevalue(who), application, S.APPLIED)
    assert moved.status == S.APPLIED
    assert AuditEvent.objects.filter(action=AuditAction.STATUS).get().detail == {
        "from_status": "proposed",
        "to_status": "applied",
    }


@pytest.mark.parametrize("who", ["counsellor_b", "other_employer", "programme_manager"])
def test_outsiders_cannot_move_the_application(
    request: pytest.FixtureRequest, who: str, application: Application
) -> None:
    with pytest.raises(NotFound):
        _move(request.getfixturevalue(who), application, S.APPLIED)
    application.refresh_from_db()
    assert application.status == S.PROPOSED


def test_the_client_sees_the_application_but_may_not_move_it(
    application: Application, client_a: Any
) -> None:
    from perspektive.organisations.tests.factories import UserFactory

    client_a.user = UserFactory()
    client_a.save()
    with pytest.raises(Forbidden):
        _move(client_a.user, application, S.APPLIED)


# Hired: placement measure and retention -------------------------------------------------


def test_hired_records_a_job_placement_in_the_open_case_and_schedules_retention(
    frozen: dt.datetime, employer_staff: Any, application: Application, case_a: Any
) -> None:
    hired = _move(employer_staff, application, S.APPLIED, S.INTERVIEW, S.OFFER, S.HIRED)
    hired.refresh_from_db()
    assert hired.hired_at == NOW
    assert hired.retention_due == dt.date(2026, 9, 8)  # 182 days after 10 March 2026
    assert hired.retained is None
    measure = Measure.objects.get()
    assert measure.plan.case == case_a
    assert measure.type.code == "job_placement"
    assert measure.type.category == "direct_employment"
    assert measure.status == MeasureStatus.COMPLETED
    assert measure.start_date == NOW.date()
    assert application.offer.title in measure.description
    assert measure.created_by == employer_staff
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="cases.measure", client_id=case_a.client_id
    ).exists()


def test_hired_records_the_placement_at_the_proposing_centre_only(
    employer_staff: Any, application: Application, case_a: Any, centre_b: Any
) -> None:
    other = CaseFactory(client=case_a.client, organisation=centre_b)
    case_a.status = CaseStatus.CLOSED
    case_a.save()
    hired = _move(employer_staff, application, S.APPLIED, S.OFFER, S.HIRED)
    assert hired.status == S.HIRED
    assert hired.retention_due is not None
    assert not Measure.objects.filter(plan__case=other).exists()
    assert not Measure.objects.exists()  # centre A's case is closed: nothing to record in


def test_not_hired_records_no_placement(employer_staff: Any, application: Application) -> None:
    rejected = _move(employer_staff, application, S.APPLIED, S.REJECTED)
    assert (rejected.hired_at, rejected.retention_due) == (None, None)
    assert not Measure.objects.exists()


def test_retention_is_recorded_for_a_hire(
    counsellor_a: Any, employer_staff: Any, application: Application
) -> None:
    _move(employer_staff, application, S.APPLIED, S.OFFER, S.HIRED)
    checked = services.retention_record(
        actor=counsellor_a, application_id=application.pk, retained=True
    )
    checked.refresh_from_db()
    assert checked.retained is True
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="jobs.application")
    assert event.get().detail == {"fields": ["retained"]}


@pytest.mark.parametrize("status", [S.PROPOSED, S.APPLIED, S.OFFER, S.REJECTED, S.WITHDRAWN])
def test_retention_is_only_checked_for_hires(
    counsellor_a: Any, application: Application, row_counts: Counts, status: str
) -> None:
    Application.objects.filter(pk=application.pk).update(status=status)
    before = row_counts()
    with pytest.raises(DomainError):
        services.retention_record(actor=counsellor_a, application_id=application.pk, retained=False)
    application.refresh_from_db()
    assert application.retained is None
    assert row_counts() == before


def test_factory_applications_are_valid(client_a: Any) -> None:
    from perspektive.jobs.tests.factories import ApplicationFactory

    app = ApplicationFactory(client=client_a, offer=JobOfferFactory())
    app.full_clean()
    assert app.proposed_by_organisation == client_a.organisation


def test_the_match_score_of_a_proposal_is_computed_by_the_service(
    counsellor_a: Any, case_a: Any, client_a: Any, offer_a: JobOffer, consent: Any
) -> None:
    from perspektive.jobs import matching
    from perspektive.jobs.models import JobSeekerProfile
    from perspektive.jobs.selectors import offer_facts, profile_facts

    profile = JobSeekerProfile.objects.create(
        client=client_a, country_id=offer_a.country_id, city=offer_a.city
    )
    profile.occupations_wanted.add(offer_a.occupation)
    application = propose(counsellor_a, offer_a, client_a)
    expected = matching.score(offer_facts(offer_a), profile_facts(profile)).score
    assert application.score == expected and expected >= 45


def test_a_hire_schedules_the_retention_reminder_which_the_worker_sends_once(
    employer_staff: Any, application: Application, counsellor_a: Any
) -> None:
    from django.core import mail
    from django.test import TestCase
    from django_tasks_db.models import DBTaskResult

    from perspektive.appointments.tests.conftest import run_worker

    with TestCase.captureOnCommitCallbacks(execute=True):
        hired = _move(employer_staff, application, S.APPLIED, S.OFFER, S.HIRED)
    task = DBTaskResult.objects.get(task_path__endswith="retention_reminder")
    assert hired.hired_at is not None
    assert task.run_after == hired.hired_at + services.RETENTION_AFTER
    run_worker()
    assert mail.outbox == []  # not due yet
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=timezone.now())
    run_worker()
    assert [m.to for m in mail.outbox] == [[counsellor_a.email]]
    assert application.client.reference in mail.outbox[0].subject
    assert application.client.name not in mail.outbox[0].body  # no names in e-mail
    # Recorded meanwhile: a second reminder would say so and send nothing.
    from perspektive.jobs.tasks import retention_reminder

    services.retention_record(actor=counsellor_a, application_id=application.pk, retained=True)
    assert retention_reminder.call(application.pk) == "already checked"
