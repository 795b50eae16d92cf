"""Job offers through their services: who may create them, what is refused, and how the
status moves (draft, published, paused, closed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from perspektive.audit.models import AuditAction, AuditEvent
from perspektive.core.errors import DomainError, Forbidden, NotFound
from perspektive.core.models import Country
from perspektive.jobs import services
from perspektive.jobs.models import JobOffer, OfferStatus
from perspektive.jobs.places import locate
from perspektive.jobs.tests.factories import JobOfferFactory, occupation, transversal_skills

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]


def offer_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Wire drawer",
        "occupation": occupation(),
        "country": Country.objects.get(code="IQ"),
        "city": "Erbil",
        "contract_type": "permanent",
        "working_time": "full_time",
    }
    data.update(changes)
    return data


def _create(actor: Any, employer: Any, **changes: Any) -> JobOffer:
    registered_by = changes.pop("registered_by", None)
    return services.offer_create(
        actor=actor, employer=employer, registered_by=registered_by, **offer_data(**changes)
    )


# Creating ---------------------------------------------------------------------------------


def test_employer_staff_create_a_draft_offer_of_their_company(
    employer_staff: Any, employer_a: Any
) -> None:
    skills = transversal_skills(3)
    offer = services.offer_create(
        actor=employer_staff,
        employer=employer_a,
        required_skills=[s.pk for s in skills[:2]],
        optional_skills=[skills[2].pk],
        **offer_data(languages={"ar": 3, "en": 1}, wage_min=Decimal(500), wage_currency="USD"),
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT
    assert offer.published_at is None
    assert offer.registered_by is None
    assert offer.created_by == employer_staff
    assert offer.languages == {"ar": 3, "en": 1}
    assert set(offer.required_skills.all()) == set(skills[:2])
    assert list(offer.optional_skills.all()) == [skills[2]]
    assert (offer.latitude, offer.longitude) == locate("IQ", "Erbil")
    event = AuditEvent.objects.get(object_type="jobs.joboffer", object_id=str(offer.pk))
    assert (event.action, event.actor, event.organisation_id) == (
        AuditAction.CREATE,
        employer_staff,
        employer_a.pk,
    )


def test_a_city_outside_the_gazetteer_has_no_coordinates(
    employer_staff: Any, employer_a: Any
) -> None:
    offer = _create(employer_staff, employer_a, city="Zakho")
    assert (offer.latitude, offer.longitude) == (None, None)


@pytest.mark.parametrize("who", ["counsellor_a", "lead_a"])
def test_a_centre_registers_an_offer_for_an_employer(
    request: pytest.FixtureRequest, who: str, employer_a: Any, centre_a: Any
) -> None:
    offer = _create(request.getfixturevalue(who), employer_a, registered_by=centre_a)
    assert offer.employer == employer_a
    assert offer.registered_by == centre_a


@pytest.mark.parametrize(
    "who", ["partner_staff", "programme_manager", "operator", "client_user", "other_employer"]
)
def test_roles_without_the_right_may_not_create_offers(
    request: pytest.FixtureRequest, who: str, employer_a: Any, row_counts: Counts
) -> None:
    user = request.getfixturevalue(who)
    before = row_counts()
    with pytest.raises(Forbidden):
        _create(user, employer_a)
    assert row_counts() == before


def test_a_counsellor_may_not_register_an_offer_in_another_centres_name(
    counsellor_b: Any, employer_a: Any, centre_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        _create(counsellor_b, employer_a, registered_by=centre_a)
    with pytest.raises(Forbidden):
        _create(counsellor_b, employer_a)  # and not as if they worked for the employer
    assert row_counts() == before


def test_an_employer_may_not_post_for_another_company_by_naming_itself_registrar(
    other_employer: Any, employer_a: Any, row_counts: Counts
) -> None:
    own_company = other_employer.memberships.get().organisation
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        _create(other_employer, employer_a, registered_by=own_company)
    assert "registered_by" in exc.value.message_dict
    assert row_counts() == before
    assert not JobOffer.objects.filter(employer=employer_a).exists()


def test_an_employer_may_not_name_a_centre_as_registrar(
    employer_staff: Any, employer_a: Any, centre_a: Any, row_counts: Counts
) -> None:
    """Naming the centre would give centre A's staff rights over the company's offer."""
    before = row_counts()
    with pytest.raises(Forbidden):
        _create(employer_staff, employer_a, registered_by=centre_a)
    assert row_counts() == before


def test_only_an_employer_organisation_can_offer_jobs(
    lead_a: Any, centre_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        _create(lead_a, centre_a, registered_by=centre_a)
    assert "employer" in exc.value.message_dict
    assert row_counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"wage_min": Decimal(900), "wage_max": Decimal(500), "wage_currency": "USD"}, "wage_max"),
        ({"languages": {"ar": 5}}, "languages"),
        ({"languages": {"ar": 0}}, "languages"),
        ({"languages": {"ar": "3"}}, "languages"),
        ({"languages": {"": 2}}, "languages"),
        ({"positions": 0}, "positions"),
        ({"title": ""}, "title"),
        ({"city": ""}, "city"),
        ({"contract_type": "forever"}, "contract_type"),
        ({"country": Country(code="XX", name="Nowhere")}, "country"),
    ],
    ids=[
        "wage-range-reversed",
        "language-level-too-high",
        "language-level-zero",
        "language-level-not-a-number",
        "language-without-code",
        "no-position",
        "no-title",
        "no-city",
        "unknown-contract",
        "unknown-country",
    ],
)
def test_offer_create_refuses_bad_input_by_field(
    employer_staff: Any,
    employer_a: Any,
    row_counts: Counts,
    changes: dict[str, Any],
    field: str,
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        _create(employer_staff, employer_a, **changes)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert all(m.strip() for m in exc.value.message_dict[field])
    assert row_counts() == before


def test_offer_create_refuses_fields_it_does_not_know(
    employer_staff: Any, employer_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(TypeError):
        _create(employer_staff, employer_a, status="published")
    assert row_counts() == before


# Updating ---------------------------------------------------------------------------------


def test_offer_update_changes_fields_skills_and_place(
    employer_staff: Any, offer_a: JobOffer
) -> None:
    skills = transversal_skills(2)
    services.offer_update(
        actor=employer_staff,
        offer_id=offer_a.pk,
        city="Duhok",
        positions=3,
        required_skills=[skills[0].pk],
    )
    offer_a.refresh_from_db()
    assert (offer_a.city, offer_a.positions) == ("Duhok", 3)
    assert (offer_a.latitude, offer_a.longitude) == locate("IQ", "Duhok")
    assert list(offer_a.required_skills.all()) == [skills[0]]
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert event.detail["fields"] == ["city", "positions", "required_skills"]


def test_a_closed_offer_cannot_be_changed(employer_staff: Any, offer_a: JobOffer) -> None:
    JobOffer.objects.filter(pk=offer_a.pk).update(status=OfferStatus.CLOSED)
    with pytest.raises(DomainError):
        services.offer_update(actor=employer_staff, offer_id=offer_a.pk, title="Changed")
    offer_a.refresh_from_db()
    assert offer_a.title == "Wire drawer"


def test_another_companys_staff_cannot_find_the_offer_to_update_it(
    other_employer: Any, offer_a: JobOffer
) -> None:
    with pytest.raises(NotFound):
        services.offer_update(actor=other_employer, offer_id=offer_a.pk, title="Changed")


def test_a_counsellor_of_another_centre_sees_a_published_offer_but_may_not_change_it(
    counsellor_b: Any, offer_a: JobOffer
) -> None:
    with pytest.raises(Forbidden):
        services.offer_update(actor=counsellor_b, offer_id=offer_a.pk, title="Changed")
    with pytest.raises(Forbidden):
        services.offer_set_status(
            actor=counsellor_b, offer_id=offer_a.pk, status=OfferStatus.CLOSED
        )


# Status -----------------------------------------------------------------------------------


@pytest.fixture
def draft(employer_staff: Any, employer_a: Any) -> JobOffer:
    return _create(employer_staff, employer_a)


def test_publishing_a_draft_sets_published_at_once(employer_staff: Any, draft: JobOffer) -> None:
    published = services.offer_set_status(
        actor=employer_staff, offer_id=draft.pk, status=OfferStatus.PUBLISHED
    )
    first = published.published_at
    assert first is not None
    assert abs((timezone.now() - first).total_seconds()) < 60
    services.offer_set_status(actor=employer_staff, offer_id=draft.pk, status=OfferStatus.PAUSED)
    again = services.offer_set_status(
        actor=employer_staff, offer_id=draft.pk, status=OfferStatus.PUBLISHED
    )
    assert again.published_at == first
    statuses = [
        (e.detail["from_status"], e.detail["to_status"])
        for e in AuditEvent.objects.filter(action=AuditAction.STATUS).order_by("id")
    ]
    assert statuses == [("draft", "published"), ("published", "paused"), ("paused", "published")]


ALLOWED = {
    ("draft", "published"),
    ("draft", "closed"),
    ("published", "paused"),
    ("published", "closed"),
    ("paused", "published"),
    ("paused", "closed"),
}
ALL_PAIRS = [(a, b) for a in OfferStatus.values for b in [*OfferStatus.values, "bogus"]]


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS, ids=[f"{a}-{b}" for a, b in ALL_PAIRS])
def test_offer_status_moves_only_along_allowed_transitions(
    employer_staff: Any, draft: JobOffer, start: str, to: str
) -> None:
    JobOffer.objects.filter(pk=draft.pk).update(status=start)
    events = AuditEvent.objects.count()
    if (start, to) in ALLOWED:
        services.offer_set_status(actor=employer_staff, offer_id=draft.pk, status=to)
        draft.refresh_from_db()
        assert draft.status == to
        assert AuditEvent.objects.count() == events + 1
    else:
        with pytest.raises(DomainError):
            services.offer_set_status(actor=employer_staff, offer_id=draft.pk, status=to)
        draft.refresh_from_db()
        assert draft.status == start
        assert AuditEvent.objects.count() == events


def test_publishing_with_a_past_deadline_is_refused(
    employer_staff: Any, employer_a: Any, row_counts: Counts
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    offer = _create(employer_staff, employer_a, deadline=yesterday)
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.offer_set_status(
            actor=employer_staff, offer_id=offer.pk, status=OfferStatus.PUBLISHED
        )
    assert "deadline" in exc.value.message_dict
    offer.refresh_from_db()
    assert (offer.status, offer.published_at) == (OfferStatus.DRAFT, None)
    assert row_counts() == before
    today = _create(employer_staff, employer_a, deadline=timezone.localdate())
    services.offer_set_status(actor=employer_staff, offer_id=today.pk, status="published")


def test_a_draft_is_invisible_outside_the_company_and_the_registering_centre(
    draft: JobOffer, counsellor_a: Any, counsellor_b: Any, other_employer: Any
) -> None:
    for outsider in (counsellor_a, counsellor_b, other_employer):
        with pytest.raises(NotFound):
            services.offer_set_status(actor=outsider, offer_id=draft.pk, status="published")


def test_the_registering_centre_manages_its_offer(
    colleague_a: Any, offer_a: JobOffer, employer_staff: Any
) -> None:
    services.offer_set_status(actor=colleague_a, offer_id=offer_a.pk, status="paused")
    services.offer_set_status(actor=employer_staff, offer_id=offer_a.pk, status="closed")
    offer_a.refresh_from_db()
    assert offer_a.status == OfferStatus.CLOSED


def test_factory_offers_are_valid(offer_a: JobOffer) -> None:
    """The shared factory builds offers that pass the model's own validation."""
    offer_a.full_clean()
    assert JobOfferFactory().status == OfferStatus.PUBLISHED
