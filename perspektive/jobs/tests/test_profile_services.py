"""The job-seeker profile through its services: create and update, occupations wanted (at
most five), experience (abroad counts) and qualifications with their recognition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from perspektive.audit.models import AuditAction, AuditEvent
from perspektive.core.errors import DomainError, Forbidden, NotFound
from perspektive.core.models import Country
from perspektive.jobs import services
from perspektive.jobs.models import Experience, JobSeekerProfile, Occupation, Qualification
from perspektive.jobs.places import locate
from perspektive.jobs.tests.factories import (
    ExperienceFactory,
    JobSeekerProfileFactory,
    occupation,
    transversal_skills,
)
from perspektive.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]


def save(actor: Any, client: Any, **data: Any) -> JobSeekerProfile:
    data.setdefault("country", Country.objects.get(code="IQ"))
    return services.profile_save(actor=actor, client_id=client.pk, **data)


def test_a_counsellor_creates_then_updates_the_profile(
    counsellor_a: Any, colleague_a: Any, client_a: Any
) -> None:
    skills = transversal_skills(2)
    profile = save(
        counsellor_a,
        client_a,
        city="Duhok",
        languages={"ar": 4, "de": 2},
        willing_to_move=True,
        max_distance_km=80,
        available_from=dt.date(2026, 5, 1),
        skills=[s.pk for s in skills],
        occupations_wanted=[occupation()],
    )
    profile.refresh_from_db()
    assert profile.client == client_a
    assert (profile.latitude, profile.longitude) == locate("IQ", "Duhok")
    assert profile.languages == {"ar": 4, "de": 2}
    assert set(profile.skills.all()) == set(skills)
    assert [o.label for o in profile.occupations_wanted.all()] == [occupation().label]
    created = AuditEvent.objects.get(object_type="jobs.jobseekerprofile")
    assert (created.action, created.client_id) == (AuditAction.CREATE, client_a.pk)

    again = save(colleague_a, client_a, city="Erbil", summary="Welder, 4 years in Bochum")
    assert again.pk == profile.pk
    again.refresh_from_db()
    assert (again.city, again.summary) == ("Erbil", "Welder, 4 years in Bochum")
    assert (again.latitude, again.longitude) == locate("IQ", "Erbil")
    assert set(again.skills.all()) == set(skills)  # not given: kept
    assert JobSeekerProfile.objects.count() == 1
    updated = AuditEvent.objects.filter(object_type="jobs.jobseekerprofile").order_by("id").last()
    assert updated is not None
    assert updated.action == AuditAction.UPDATE
    assert updated.detail["fields"] == ["city", "country", "summary"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"languages": {"ar": 7}}, "languages"),
        ({"languages": {"ar": "fluent"}}, "languages"),
        ({"country": Country(code="XX", name="Nowhere")}, "country"),
    ],
    ids=["level-too-high", "level-not-a-number", "unknown-country"],
)
def test_profile_save_refuses_bad_input(
    counsellor_a: Any, client_a: Any, row_counts: Counts, data: dict[str, Any], field: str
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        save(counsellor_a, client_a, **data)
    assert field in exc.value.message_dict
    assert row_counts() == before


def test_a_client_sees_but_may_not_edit_their_profile(client_a: Any, row_counts: Counts) -> None:
    client_a.user = UserFactory()
    client_a.save()
    before = row_counts()
    with pytest.raises(Forbidden):
        save(client_a.user, client_a, city="Erbil")
    assert row_counts() == before


@pytest.mark.parametrize("who", ["counsellor_b", "partner_staff", "employer_staff"])
def test_outsiders_cannot_find_the_profile(
    request: pytest.FixtureRequest, who: str, client_a: Any, row_counts: Counts
) -> None:
    user = request.getfixturevalue(who)
    before = row_counts()
    with pytest.raises(NotFound):
        save(user, client_a, city="Erbil")
    assert row_counts() == before


# Occupations wanted -----------------------------------------------------------------------


def test_at_most_five_occupations_are_wanted(
    counsellor_a: Any, client_a: Any, row_counts: Counts
) -> None:
    JobSeekerProfileFactory(client=client_a)
    six = list(Occupation.objects.filter(isco__code__startswith="72")[:6])
    for o in six[:5]:
        services.profile_wanted_add(actor=counsellor_a, client_id=client_a.pk, occupation=o)
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.profile_wanted_add(actor=counsellor_a, client_id=client_a.pk, occupation=six[5])
    assert "occupation" in exc.value.message_dict
    assert row_counts() == before
    services.profile_wanted_remove(
        actor=counsellor_a, client_id=client_a.pk, occupation_id=six[0].pk
    )
    services.profile_wanted_add(actor=counsellor_a, client_id=client_a.pk, occupation=six[5])
    wanted = set(client_a.job_profile.occupations_wanted.all())
    assert wanted == set(six[1:])


def test_wanting_an_occupation_needs_a_profile_first(
    counsellor_a: Any, client_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(DomainError):
        services.profile_wanted_add(
            actor=counsellor_a, client_id=client_a.pk, occupation=occupation()
        )
    assert row_counts() == before


# Experience and qualifications ------------------------------------------------------------


def test_experience_abroad_is_added_and_removed(
    counsellor_a: Any, client_a: Any, profile_a: JobSeekerProfile
) -> None:
    welder = occupation("welder")
    experience = services.experience_add(
        actor=counsellor_a,
        client_id=client_a.pk,
        occupation=welder,
        employer_name="Stahlbau Bochum",
        country="DE",
        start_date=dt.date(2019, 3, 1),
        end_date=dt.date(2023, 2, 28),
    )
    assert list(profile_a.experiences.all()) == [experience]
    assert AuditEvent.objects.filter(object_type="jobs.experience").exists()
    services.experience_remove(
        actor=counsellor_a, client_id=client_a.pk, experience_id=experience.pk
    )
    assert not Experience.objects.exists()
    with pytest.raises(DomainError):
        services.experience_remove(
            actor=counsellor_a, client_id=client_a.pk, experience_id=experience.pk
        )


def test_experience_ending_before_it_starts_is_refused(
    counsellor_a: Any, client_a: Any, profile_a: JobSeekerProfile, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.experience_add(
            actor=counsellor_a,
            client_id=client_a.pk,
            occupation=occupation(),
            country="DE",
            start_date=dt.date(2023, 1, 1),
            end_date=dt.date(2022, 12, 31),
        )
    assert "end_date" in exc.value.message_dict
    assert row_counts() == before


def test_an_experience_of_another_profile_cannot_be_removed(
    counsellor_a: Any, client_a: Any, profile_a: JobSeekerProfile
) -> None:
    elsewhere = ExperienceFactory()
    with pytest.raises(DomainError):
        services.experience_remove(
            actor=counsellor_a, client_id=client_a.pk, experience_id=elsewhere.pk
        )
    assert Experience.objects.filter(pk=elsewhere.pk).exists()


def test_qualifications_carry_their_recognition(
    counsellor_a: Any, client_a: Any, profile_a: JobSeekerProfile, row_counts: Counts
) -> None:
    qualification = services.qualification_add(
        actor=counsellor_a,
        client_id=client_a.pk,
        title="Schweißer (IHK)",
        awarded_in="DE",
        year=2022,
        recognition="recognised",
        certificate_code="IHK-2022-0042",
    )
    assert list(profile_a.qualifications.all()) == [qualification]
    assert qualification.get_recognition_display() == "Recognised"
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.qualification_add(
            actor=counsellor_a,
            client_id=client_a.pk,
            title="Diploma",
            awarded_in="IQ",
            recognition="maybe",
        )
    assert "recognition" in exc.value.message_dict
    assert row_counts() == before
    assert Qualification.objects.count() == 1


def test_profile_parts_need_the_update_right(
    client_a: Any, profile_a: JobSeekerProfile, counsellor_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(NotFound):
        services.qualification_add(
            actor=counsellor_b, client_id=client_a.pk, title="x", awarded_in="DE"
        )
    with pytest.raises(NotFound):
        services.profile_wanted_remove(
            actor=counsellor_b, client_id=client_a.pk, occupation_id=occupation().pk
        )
    assert row_counts() == before
