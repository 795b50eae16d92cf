"""Handover services: the state machine per side, consent gating, the copy on acceptance,
and escalation by the real worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from perspektive.appointments.tests.conftest import run_worker
from perspektive.audit.models import AuditEvent
from perspektive.cases.models import Case, Note
from perspektive.cases.policy import access_case, cases_visible_to
from perspektive.clients.models import Client
from perspektive.clients.services import PossibleDuplicate
from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent.services import consent_withdraw
from perspektive.core.authz import Role
from perspektive.core.errors import (
    ConsentRequired,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
)
from perspektive.jobs.models import JobSeekerProfile
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, staff
from perspektive.referrals import services
from perspektive.referrals.models import Handover, HandoverEvent, HandoverStatus
from perspektive.referrals.services import TRANSITIONS, handover_change_status, handover_create
from perspektive.referrals.tests.factories import HandoverFactory, handover_consent, sent_handover

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]
S = HandoverStatus


def counts_with_handovers(row_counts: Counts) -> dict[str, int]:
    return {
        **row_counts(),
        "Handover": Handover.objects.count(),
        "HandoverEvent": HandoverEvent.objects.count(),
        "JobSeekerProfile": JobSeekerProfile.objects.count(),
    }


def create(actor: Any, client: Any, centre: Any, **overrides: Any) -> Handover:
    data: dict[str, Any] = {
        "to_centre": centre,
        "planned_departure": timezone.localdate() + dt.timedelta(days=42),
        "sections": ["contact", "needs"],
        "needs_summary": "  Needs housing  ",
        "vulnerabilities": ["medical"],
    }
    data.update(overrides)
    return handover_create(actor=actor, client_id=client.pk, **data)


# Creating ---------------------------------------------------------------------------------


def test_a_return_counsellor_creates_a_draft_with_identity_always_shared(
    return_counsellor: Any, samir: Client, centre_a: Any, return_office: Any
) -> None:
    handover = create(return_counsellor, samir, centre_a, sections=["needs", "contact"])
    assert handover.status == S.DRAFT
    assert handover.from_organisation == return_office
    assert handover.sections == ["identity", "contact", "needs"]
    assert handover.needs_summary == "Needs housing"
    assert [e.to_status for e in handover.events.all()] == ["draft"]
    event = AuditEvent.objects.get(object_type="referrals.handover")
    assert (event.action, event.client_id, event.organisation_id) == (
        "create",
        samir.pk,
        return_office.pk,
    )


def test_a_scout_creates_a_handover_too(scout: Any, samir: Client, centre_a: Any) -> None:
    assert create(scout, samir, centre_a).created_by == scout


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"planned_departure": dt.date(2020, 1, 1)}, "planned_departure"),
        ({"sections": ["identity", "passwords"]}, "sections"),
        ({"vulnerabilities": ["unlucky"]}, "vulnerabilities"),
        ({"to_centre": None}, "to_centre"),
        ({"needs_summary": "x" * 2001}, "needs_summary"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    return_counsellor: Any,
    samir: Client,
    centre_a: Any,
    row_counts: Counts,
    overrides: dict[str, Any],
    field: str,
) -> None:
    before = counts_with_handovers(row_counts)
    with pytest.raises(ValidationError) as exc:
        create(return_counsellor, samir, centre_a, **overrides)
    assert field in exc.value.message_dict
    assert counts_with_handovers(row_counts) == before


def test_handovers_go_only_to_active_counselling_centres(
    return_counsellor: Any, samir: Client, centre_a: Any, return_office: Any, row_counts: Counts
) -> None:
    before = counts_with_handovers(row_counts)
    with pytest.raises(ValidationError):
        create(return_counsellor, samir, return_office)
    centre_a.is_active = False
    centre_a.save()
    with pytest.raises(ValidationError):
        create(return_counsellor, samir, centre_a)
    assert counts_with_handovers(row_counts) == before


def test_one_handover_at_a_time_per_client(
    return_counsellor: Any, samir: Client, centre_a: Any, centre_b: Any
) -> None:
    first = create(return_counsellor, samir, centre_a)
    with pytest.raises(DomainError, match=first.reference):
        create(return_counsellor, samir, centre_b)
    handover_change_status(actor=return_counsellor, handover_id=first.pk, to_status="cancelled")
    assert create(return_counsellor, samir, centre_b).status == S.DRAFT


@pytest.mark.parametrize(
    "who", ["counsellor_a", "lead_a", "counsellor_b", "other_office_counsellor", "partner_staff"]
)
def test_only_the_sending_office_creates_handovers(
    who: str, request: Any, samir: Client, centre_a: Any, row_counts: Counts
) -> None:
    user = request.getfixturevalue(who)
    before = counts_with_handovers(row_counts)
    with pytest.raises((NotFound, Forbidden)):
        create(user, samir, centre_a)
    assert counts_with_handovers(row_counts) == before


def test_only_drafts_change_and_only_by_the_sending_side(
    return_counsellor: Any, samir: Client, centre_a: Any, counsellor_a: Any
) -> None:
    handover = create(return_counsellor, samir, centre_a)
    services.handover_update(
        actor=return_counsellor, handover_id=handover.pk, sections=["identity", "health"]
    )
    handover.refresh_from_db()
    assert handover.sections == ["identity", "health"]
    assert [e.kind for e in handover.events.all()][-1] == "updated"
    handover_consent(samir)
    handover_change_status(actor=return_counsellor, handover_id=handover.pk, to_status="sent")
    with pytest.raises(DomainError):
        services.handover_update(actor=return_counsellor, handover_id=handover.pk, sections=[])
    with pytest.raises(Forbidden):
        services.handover_update(actor=counsellor_a, handover_id=handover.pk, sections=[])


# Consent gating ---------------------------------------------------------------------------


def _assert_send_refused(actor: Any, handover: Handover, row_counts: Counts, match: str) -> None:
    before = counts_with_handovers(row_counts)
    with pytest.raises(ConsentRequired, match=match):
        handover_change_status(actor=actor, handover_id=handover.pk, to_status="sent")
    handover.refresh_from_db()
    assert handover.status == S.DRAFT and handover.consent is None and handover.sent_at is None
    assert counts_with_handovers(row_counts) == before
    assert not DBTaskResult.objects.exists()


def test_sending_without_consent_is_refused(
    return_counsellor: Any, samir: Client, centre_a: Any, row_counts: Counts
) -> None:
    handover = HandoverFactory(client=samir, to_centre=centre_a)
    _assert_send_refused(return_counsellor, handover, row_counts, "not consented")


def test_sending_with_a_withdrawn_consent_is_refused(
    return_counsellor: Any, samir: Client, centre_a: Any, row_counts: Counts
) -> None:
    consent = handover_consent(samir)
    consent_withdraw(actor=return_counsellor, consent_id=consent.pk)
    handover = HandoverFactory(client=samir, to_centre=centre_a)
    _assert_send_refused(return_counsellor, handover, row_counts, "not consented")


def test_sending_sections_the_consent_does_not_cover_is_refused(
    return_counsellor: Any, samir: Client, centre_a: Any, row_counts: Counts
) -> None:
    handover_consent(samir, sections=["identity", "contact"])
    handover = HandoverFactory(
        client=samir, to_centre=centre_a, sections=["identity", "contact", "health"]
    )
    _assert_send_refused(return_counsellor, handover, row_counts, "Health")


def test_sending_records_the_consent_and_schedules_the_escalation(
    return_counsellor: Any, samir: Client, centre_a: Any, samir_consent: Any
) -> None:
    handover = HandoverFactory(client=samir, to_centre=centre_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        handover = handover_change_status(
            actor=return_counsellor, handover_id=handover.pk, to_status="sent"
        )
    assert handover.status == S.SENT and handover.consent == samir_consent
    assert handover.sent_by == return_counsellor
    task = DBTaskResult.objects.get(task_path__endswith="escalate_handover")
    assert task.run_after == handover.sent_at + dt.timedelta(days=7)
    audit = AuditEvent.objects.filter(object_type="referrals.handover", action="status").get()
    assert audit.detail["to_status"] == "sent"
    assert audit.detail["sections"] == handover.sections


# The state machine ------------------------------------------------------------------------


def _kwargs(to: str, centre_counsellor: Any) -> dict[str, Any]:
    by_step: dict[str, dict[str, Any]] = {
        S.ACCEPTED: {"counsellor": centre_counsellor},
        S.DECLINED: {"reason": "No capacity for medical follow-up"},
        S.DEPARTED: {"on": timezone.localdate() - dt.timedelta(days=3)},
        S.ARRIVED: {"on": timezone.localdate() - dt.timedelta(days=2)},
        S.FIRST_CONTACT: {"on": timezone.localdate() - dt.timedelta(days=1)},
    }
    return by_step.get(to, {})


def _at(status: str, client: Any, centre: Any) -> Handover:
    handover_consent(client)
    return HandoverFactory(
        client=client,
        to_centre=centre,
        status=status,
        sent_at=None if status == S.DRAFT else timezone.now(),
        departed_on=timezone.localdate() - dt.timedelta(days=3)
        if status in (S.DEPARTED, S.ARRIVED, S.FIRST_CONTACT)
        else None,
        arrived_on=timezone.localdate() - dt.timedelta(days=2)
        if status in (S.ARRIVED, S.FIRST_CONTACT)
        else None,
        decline_reason="x" if status == S.DECLINED else "",
    )


@pytest.mark.parametrize(("transition", "side"), list(TRANSITIONS.items()), ids=str)
def test_every_allowed_step_is_taken_by_its_side_only(
    transition: tuple[str, str],
    side: str,
    samir: Client,
    centre_a: Any,
    return_counsellor: Any,
    counsellor_a: Any,
    row_counts: Counts,
) -> None:
    frm, to = transition
    handover = _at(frm, samir, centre_a)
    right, wrong = (
        (return_counsellor, counsellor_a) if side == "sender" else (counsellor_a, return_counsellor)
    )
    before = counts_with_handovers(row_counts)
    error = NotFound if frm == S.DRAFT and wrong is counsellor_a else Forbidden
    with pytest.raises(error):
        handover_change_status(
            actor=wrong, handover_id=handover.pk, to_status=to, **_kwargs(to, counsellor_a)
        )
    assert counts_with_handovers(row_counts) == before
    done = handover_change_status(
        actor=right, handover_id=handover.pk, to_status=to, **_kwargs(to, counsellor_a)
    )
    assert done.status == to
    event = done.events.all().reverse()[0]
    assert (event.from_status, event.to_status, event.by) == (frm, to, right)
    assert AuditEvent.objects.filter(
        object_type="referrals.handover", action="status", detail__to_status=to
    ).exists()


REFUSED = [
    (frm, to)
    for frm in S.values
    for to in S.values
    if (frm, to) not in TRANSITIONS and frm != S.DRAFT
]


@pytest.mark.parametrize(("frm", "to"), REFUSED)
def test_every_other_step_is_refused_for_both_sides(
    frm: str,
    to: str,
    samir: Client,
    centre_a: Any,
    return_counsellor: Any,
    counsellor_a: Any,
    row_counts: Counts,
) -> None:
    handover = _at(frm, samir, centre_a)
    before = counts_with_handovers(row_counts)
    for actor in (return_counsellor, counsellor_a):
        with pytest.raises(InvalidTransition):
            handover_change_status(
                actor=actor, handover_id=handover.pk, to_status=to, **_kwargs(to, counsellor_a)
            )
    handover.refresh_from_db()
    assert handover.status == frm
    assert counts_with_handovers(row_counts) == before


def test_steps_from_a_draft_other_than_send_and_cancel_are_refused(
    samir: Client, centre_a: Any, return_counsellor: Any
) -> None:
    handover = _at(S.DRAFT, samir, centre_a)
    for to in [*S.values, "bogus"]:
        if (S.DRAFT, to) in TRANSITIONS:
            continue
        with pytest.raises(InvalidTransition):
            handover_change_status(actor=return_counsellor, handover_id=handover.pk, to_status=to)


def test_the_client_and_outsiders_cannot_change_anything(
    samir: Client,
    samir_user: Any,
    centre_a: Any,
    return_counsellor: Any,
    counsellor_b: Any,
    other_office_counsellor: Any,
    partner_staff: Any,
    row_counts: Counts,
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    before = counts_with_handovers(row_counts)
    with pytest.raises(Forbidden):  # the client sees it, but takes no steps
        handover_change_status(actor=samir_user, handover_id=handover.pk, to_status="cancelled")
    for outsider in (counsellor_b, other_office_counsellor, partner_staff):
        with pytest.raises(NotFound):
            handover_change_status(actor=outsider, handover_id=handover.pk, to_status="cancelled")
    assert counts_with_handovers(row_counts) == before


def test_declining_needs_a_reason(
    samir: Client, centre_a: Any, return_counsellor: Any, lead_a: Any, row_counts: Counts
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    before = counts_with_handovers(row_counts)
    with pytest.raises(ValidationError) as exc:
        handover_change_status(actor=lead_a, handover_id=handover.pk, to_status="declined")
    assert "reason" in exc.value.message_dict
    assert counts_with_handovers(row_counts) == before
    declined = handover_change_status(
        actor=lead_a, handover_id=handover.pk, to_status="declined", reason="Closed for a month"
    )
    assert declined.decline_reason == "Closed for a month"
    assert [e.note for e in declined.events.all()][-1] == "Closed for a month"


@pytest.mark.parametrize(
    ("days", "message"), [(1, "future"), (-10, "previous step")], ids=["future", "before"]
)
def test_arrival_dates_must_be_plausible(
    samir: Client, centre_a: Any, counsellor_a: Any, days: int, message: str
) -> None:
    handover = _at(S.DEPARTED, samir, centre_a)
    with pytest.raises(ValidationError, match=message):
        handover_change_status(
            actor=counsellor_a,
            handover_id=handover.pk,
            to_status="arrived",
            on=timezone.localdate() + dt.timedelta(days=days),
        )
    handover.refresh_from_db()
    assert handover.status == S.DEPARTED and handover.arrived_on is None


# Acceptance: the copy -------------------------------------------------------------------


def accept(actor: Any, handover: Handover, counsellor: Any, **kwargs: Any) -> Handover:
    return handover_change_status(
        actor=actor,
        handover_id=handover.pk,
        to_status="accepted",
        counsellor=counsellor,
        **kwargs,
    )


def test_acceptance_copies_every_consented_section_into_the_centres_own_record(
    samir: Client, centre_a: Any, return_counsellor: Any, lead_a: Any, counsellor_a: Any
) -> None:
    handover = sent_handover(
        samir,
        centre_a,
        return_counsellor,
        sections=[
            "identity",
            "contact",
            "languages",
            "household",
            "needs",
            "vulnerabilities",
            "job_profile",
            "health",
            "psychosocial",
        ],
    )
    accepted = accept(lead_a, handover, counsellor_a)
    copy, case = accepted.centre_client, accepted.case
    assert copy is not None and case is not None
    assert copy.pk != samir.pk and copy.organisation == centre_a
    for field in (
        "name",
        "name_latin",
        "birth_date",
        "sex",
        "nationality",
        "languages",
        "phone",
        "email",
        "household_size",
        "children_count",
        "health_notes",
        "psychosocial_notes",
    ):
        assert getattr(copy, field) == getattr(samir, field), field
    assert copy.migration_status is None  # no section carries it
    assert copy.target_group == "returnee_germany"
    assert (case.organisation, case.counsellor, case.vulnerabilities) == (
        centre_a,
        counsellor_a,
        ["medical"],
    )
    assert "Wants to work as a welder again" in Note.objects.get(case=case).text
    profile = JobSeekerProfile.objects.get(client=copy)
    assert profile.country_id == "IQ"
    assert [o.label for o in profile.occupations_wanted.all()] == ["metal drawing machine operator"]
    assert profile.experiences.get().employer_name == "Stahlbau Ruhr"
    assert profile.qualifications.get().title == "Welding certificate MAG"
    share = AuditEvent.objects.get(action="share", client_id=samir.pk)
    assert share.detail["to_organisation"] == centre_a.pk
    assert accepted.accepted_at is not None


def test_acceptance_copies_nothing_that_was_not_consented(
    samir: Client, centre_a: Any, return_counsellor: Any, counsellor_a: Any
) -> None:
    handover_consent(samir, sections=["identity"])
    handover = sent_handover(samir, centre_a, return_counsellor, sections=["identity"])
    copy = accept(counsellor_a, handover, counsellor_a).centre_client
    assert copy is not None
    assert (copy.name, copy.birth_date, copy.nationality) == (
        samir.name,
        samir.birth_date,
        samir.nationality,
    )
    assert str(copy.phone) == "" and copy.email == "" and copy.languages == []
    assert copy.household_size is None and copy.children_count is None
    assert copy.health_notes is None and copy.psychosocial_notes is None
    assert not JobSeekerProfile.objects.filter(client=copy).exists()
    case = Case.objects.get(client=copy)
    assert case.vulnerabilities == [] and not Note.objects.filter(case=case).exists()


def test_acceptance_is_refused_once_the_consent_is_withdrawn(
    samir: Client,
    centre_a: Any,
    return_counsellor: Any,
    counsellor_a: Any,
    row_counts: Counts,
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    consent_withdraw(actor=return_counsellor, consent_id=handover.consent_id)
    before = counts_with_handovers(row_counts)
    with pytest.raises(ConsentRequired):
        accept(counsellor_a, handover, counsellor_a)
    handover.refresh_from_db()
    assert handover.status == S.SENT and handover.case is None
    assert counts_with_handovers(row_counts) == before


def test_acceptance_needs_a_counsellor_of_the_centre(
    samir: Client,
    centre_a: Any,
    return_counsellor: Any,
    counsellor_a: Any,
    counsellor_b: Any,
    row_counts: Counts,
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    before = counts_with_handovers(row_counts)
    for wrong in (None, counsellor_b, return_counsellor):
        with pytest.raises(ValidationError, match="counsellor"):
            accept(counsellor_a, handover, wrong)
    assert counts_with_handovers(row_counts) == before


def test_a_possible_duplicate_at_the_centre_stops_acceptance_until_confirmed(
    samir: Client, centre_a: Any, return_counsellor: Any, counsellor_a: Any, row_counts: Counts
) -> None:
    ClientFactory(organisation=centre_a, name="Sameer Al-Jubouri", birth_date=samir.birth_date)
    handover = sent_handover(samir, centre_a, return_counsellor)
    before = counts_with_handovers(row_counts)
    with pytest.raises(PossibleDuplicate):
        accept(counsellor_a, handover, counsellor_a)
    assert counts_with_handovers(row_counts) == before
    assert accept(counsellor_a, handover, counsellor_a, confirm_not_duplicate=True).case


def test_the_sending_side_never_sees_the_centres_case(
    samir: Client, centre_a: Any, return_counsellor: Any, scout: Any, counsellor_a: Any
) -> None:
    handover = accept(counsellor_a, sent_handover(samir, centre_a, return_counsellor), counsellor_a)
    for german_side in (return_counsellor, scout):
        assert not cases_visible_to(german_side).filter(pk=handover.case_id).exists()
        with pytest.raises(NotFound):
            access_case(german_side, handover.case_id)
    # ... but follows the state to the end.
    for to, on in (("departed", 3), ("arrived", 2), ("first_contact", 1)):
        actor = return_counsellor if to == "departed" else counsellor_a
        handover_change_status(
            actor=actor,
            handover_id=handover.pk,
            to_status=to,
            on=timezone.localdate() - dt.timedelta(days=on),
        )
    handover.refresh_from_db()
    assert handover.status == "first_contact" and handover.case is not None
    assert handover.case.return_date == timezone.localdate() - dt.timedelta(days=2)


def test_acceptance_shows_in_the_centres_case_timeline(
    samir: Client, centre_a: Any, return_counsellor: Any, counsellor_a: Any, return_office: Any
) -> None:
    from perspektive.cases.selectors import case_timeline

    handover = accept(counsellor_a, sent_handover(samir, centre_a, return_counsellor), counsellor_a)
    entries = [e for e in case_timeline(case=handover.case) if e.kind == "handover"]
    assert [e.obj for e in entries] == [handover]
    assert entries[0].template == "referrals/_timeline_entry.html"


# Escalation ------------------------------------------------------------------------------


def _eight_days_later() -> Any:
    later = timezone.now() + dt.timedelta(days=8)
    return mock.patch("django.utils.timezone.now", return_value=later)


def test_a_handover_not_accepted_in_7_days_is_escalated_by_the_worker(
    samir: Client, centre_a: Any, return_counsellor: Any, lead_a: Any, counsellor_a: Any
) -> None:
    handover = HandoverFactory(client=samir, to_centre=centre_a)
    handover_consent(samir)
    with TestCase.captureOnCommitCallbacks(execute=True):
        handover_change_status(actor=return_counsellor, handover_id=handover.pk, to_status="sent")
    run_worker()
    handover.refresh_from_db()
    assert handover.escalated_at is None and mail.outbox == []  # not due yet
    with _eight_days_later():
        DBTaskResult.objects.update(run_after=timezone.now())
        run_worker()
    handover.refresh_from_db()
    assert handover.escalated_at is not None
    assert handover.events.last().kind == "escalated"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead_a.email, return_counsellor.email])
    for message in mail.outbox:
        assert handover.reference in message.subject
        assert f"/referrals/handovers/{handover.pk}/" in message.body
        assert samir.name not in message.body and samir.name_latin not in message.body
    assert AuditEvent.objects.filter(
        object_type="referrals.handover", detail__escalated=True
    ).exists()


def test_an_answered_handover_is_not_escalated(
    samir: Client, centre_a: Any, return_counsellor: Any, lead_a: Any, counsellor_a: Any
) -> None:
    handover = HandoverFactory(client=samir, to_centre=centre_a)
    handover_consent(samir)
    with TestCase.captureOnCommitCallbacks(execute=True):
        handover_change_status(actor=return_counsellor, handover_id=handover.pk, to_status="sent")
    accept(counsellor_a, handover, counsellor_a)
    with _eight_days_later():
        DBTaskResult.objects.update(run_after=timezone.now())
        run_worker()
    handover.refresh_from_db()
    assert handover.escalated_at is None and mail.outbox == []


def test_a_second_centre_lead_and_the_scout_as_sender_are_told(
    samir: Client, centre_a: Any, scout: Any, lead_a: Any
) -> None:
    second_lead = staff(centre_a, Role.CENTRE_LEAD, name="Lead Two")
    staff(
        OrganisationFactory(slug="elsewhere", kind=OrganisationKind.COUNSELLING_CENTRE),
        Role.CENTRE_LEAD,
        name="Lead Elsewhere",
    )
    handover = sent_handover(samir, centre_a, scout)
    from perspektive.referrals.tasks import escalate_handover

    assert handover.sent_at is not None
    sent_at = handover.sent_at.isoformat()
    with _eight_days_later():
        assert escalate_handover.call(handover.pk, sent_at) == "escalated"
        assert escalate_handover.call(handover.pk, sent_at) == "nothing to do"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [lead_a.email, second_lead.email, scout.email]
    )
