"""Walk every URL pattern and API route as outsiders against centre A's objects.

Every route must be listed in ROUTES with the arguments that point it at centre A's
client or case. A route missing from the list fails the build, so a new view cannot
ship without being walked. Outsiders must get no 2xx that shows A's data, no redirect
after a write, and no 5xx; and nothing of A's may change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from perspektive.accounts.models import ApiToken
from perspektive.appointments.tests import walk as appointments_walk
from perspektive.audit.models import AuditEvent
from perspektive.cases.models import Case, Measure, Note
from perspektive.cases.tests.factories import PlanFactory, measure_type
from perspektive.chat.tests import walk as chat_walk
from perspektive.consent.models import Consent, Method, Purpose
from perspektive.jobs.models import (
    Application,
    Experience,
    JobOffer,
    JobSeekerProfile,
    Occupation,
)
from perspektive.learning.tests import walk as learning_walk
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory
from perspektive.referrals.tests import walk as referrals_walk

# name -> (kwargs from the fixture objects, POST body) ; None body: GET only
Objects = dict[str, Any]
ROUTES: dict[str, tuple[Callable[[Objects], dict[str, Any]], Callable[[Objects], Any] | None]] = {
    "core:dashboard": (lambda o: {}, None),
    "core:health": (lambda o: {}, None),
    "core:set_language": (lambda o: {}, lambda o: {"language": "ar", "next": "/"}),
    "accounts:login": (lambda o: {}, None),
    "accounts:logout": (lambda o: {}, lambda o: {}),
    "accounts:profile": (lambda o: {}, lambda o: {"name": "Me", "preferred_language": "ar"}),
    "accounts:token_create": (lambda o: {}, lambda o: {"label": "walk"}),
    "accounts:token_revoke": (lambda o: {"token_id": o["token"].pk}, lambda o: {}),
    "clients:list": (lambda o: {}, None),
    "clients:create": (
        lambda o: {},
        lambda o: {
            "organisation": o["centre"].pk,
            "name": "Injected Person",
            "target_group": "local",
            "sex": "male",
            "confirm_not_duplicate": "on",
        },
    ),
    "clients:detail": (lambda o: {"client_id": o["client"].pk}, None),
    "clients:edit": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"name": "Changed", "target_group": "local", "sex": "male"},
    ),
    "clients:consent_create": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {
            "purpose": "job_matching",
            "method": "written",
            "given_by": "self",
            "notice_version": "1",
            "notice_language": "en",
        },
    ),
    "clients:consent_withdraw": (lambda o: {"consent_id": o["consent"].pk}, lambda o: {}),
    "cases:list": (lambda o: {}, None),
    "cases:open": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"organisation": o["centre"].pk},
    ),
    "cases:detail": (lambda o: {"case_id": o["case"].pk}, None),
    "cases:edit": (lambda o: {"case_id": o["case"].pk}, lambda o: {}),
    "cases:status": (lambda o: {"case_id": o["case"].pk}, lambda o: {"to_status": "assessment"}),
    "cases:note_add": (lambda o: {"case_id": o["case"].pk}, lambda o: {"text": "injected"}),
    "cases:assessment_add": (lambda o: {"case_id": o["case"].pk}, lambda o: {"need_housing": "3"}),
    "cases:plan_edit": (lambda o: {"case_id": o["case"].pk}, lambda o: {"goals": "x"}),
    "cases:measure_add": (
        lambda o: {"case_id": o["case"].pk},
        lambda o: {"type": measure_type().pk, "status": "planned"},
    ),
    "cases:measure_status": (
        lambda o: {"measure_id": o["measure"].pk},
        lambda o: {"status": "cancelled"},
    ),
    "cases:transfer": (
        lambda o: {"case_id": o["case"].pk},
        lambda o: {"to_organisation": o["other_centre"].pk, "override_reason": "x"},
    ),
    "api:openapi-json": (lambda o: {}, None),
    "api:openapi-view": (lambda o: {}, None),
    "api:api-root": (lambda o: {}, None),
    "api:client_list": (lambda o: {}, None),
    "api:client_create": (
        lambda o: {},
        lambda o: {
            "organisation_id": o["centre"].pk,
            "name": "Injected",
            "target_group": "local",
            "confirm_not_duplicate": True,
        },
    ),
    "api:client_detail": (lambda o: {"client_id": o["client"].pk}, None),
    "api:client_update": (lambda o: {"client_id": o["client"].pk}, lambda o: {"name": "Changed"}),
    "api:case_list": (lambda o: {}, None),
    "api:case_create": (
        lambda o: {},
        lambda o: {"client_id": o["client"].pk, "organisation_id": o["centre"].pk},
    ),
    "api:case_detail": (lambda o: {"case_id": o["case"].pk}, None),
    "api:case_update": (
        lambda o: {"case_id": o["case"].pk},
        lambda o: {"next_follow_up": "2030-01-01"},
    ),
    "api:case_status": (lambda o: {"case_id": o["case"].pk}, lambda o: {"to_status": "assessment"}),
    "api:job_occupations": (lambda o: {}, None),
    "api:job_offer_list": (lambda o: {}, None),
    "api:job_offer_create": (
        lambda o: {},
        lambda o: {
            "employer_id": o["employer"].pk,
            "title": "Injected offer",
            "occupation_id": o["occupation"].pk,
            "country": "IQ",
            "city": "Erbil",
            "contract_type": "permanent",
            "working_time": "full_time",
        },
    ),
    "api:job_offer_detail": (lambda o: {"offer_id": o["offer"].pk}, None),
    "api:job_offer_update": (lambda o: {"offer_id": o["offer"].pk}, lambda o: {"title": "X"}),
    "api:job_offer_status": (lambda o: {"offer_id": o["offer"].pk}, lambda o: {"status": "closed"}),
    "api:job_profile": (lambda o: {"client_id": o["client"].pk}, None),
    "api:job_profile_save": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"country": "IQ", "city": "Changed"},
    ),
    "api:job_matches": (lambda o: {"client_id": o["client"].pk}, None),
    "api:job_propose": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"offer_id": o["offer"].pk, "override_reason": "x"},
    ),
    "api:job_application_status": (
        lambda o: {"application_id": o["application"].pk},
        lambda o: {"status": "withdrawn"},
    ),
    "jobs:offer_list": (lambda o: {}, None),
    "jobs:coverage": (lambda o: {}, None),
    "jobs:board": (lambda o: {}, None),
    "jobs:board_country": (lambda o: {"country": "iq"}, None),
    "jobs:board_offer": (lambda o: {"offer_id": o["offer"].pk}, None),
    "jobs:offer_create": (
        lambda o: {},
        lambda o: {
            "employer": o["employer"].pk,
            "title": "Injected offer",
            "occupation": o["occupation"].pk,
            "country": "IQ",
            "city": "Erbil",
            "contract_type": "permanent",
            "working_time": "full_time",
            "positions": "1",
        },
    ),
    "jobs:offer_detail": (lambda o: {"offer_id": o["offer"].pk}, None),
    "jobs:offer_edit": (
        lambda o: {"offer_id": o["offer"].pk},
        lambda o: {
            "employer": o["employer"].pk,
            "title": "Changed",
            "occupation": o["occupation"].pk,
            "country": "IQ",
            "city": "Erbil",
            "contract_type": "permanent",
            "working_time": "full_time",
            "positions": "1",
        },
    ),
    "jobs:offer_status": (lambda o: {"offer_id": o["offer"].pk}, lambda o: {"status": "closed"}),
    "jobs:occupation_suggest": (lambda o: {}, None),
    "jobs:profile": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"country": "IQ", "city": "Erbil", "max_distance_km": "30"},
    ),
    "jobs:wanted_add": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"occupation": o["occupation"].pk},
    ),
    "jobs:wanted_remove": (
        lambda o: {"client_id": o["client"].pk, "occupation_id": o["occupation"].pk},
        lambda o: {},
    ),
    "jobs:experience_add": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"occupation": o["occupation"].pk, "country": "DE", "start_date": "2020-01-01"},
    ),
    "jobs:experience_remove": (
        lambda o: {"client_id": o["client"].pk, "experience_id": o["experience"].pk},
        lambda o: {},
    ),
    "jobs:qualification_add": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"title": "Injected", "awarded_in": "DE", "recognition": "pending"},
    ),
    "jobs:matches": (lambda o: {"client_id": o["client"].pk}, None),
    "jobs:propose": (
        lambda o: {"client_id": o["client"].pk, "offer_id": o["offer"].pk},
        lambda o: {"override_reason": "x"},
    ),
    "jobs:application_detail": (lambda o: {"application_id": o["application"].pk}, None),
    "jobs:application_status": (
        lambda o: {"application_id": o["application"].pk},
        lambda o: {"status": "withdrawn"},
    ),
    "jobs:application_retention": (
        lambda o: {"application_id": o["hired"].pk},
        lambda o: {"retained": "no"},
    ),
}
# Writes an outsider may legitimately make: their own settings, and job offers of their own
# (a centre registers offers for employers). None of them touches centre A's data, which the
# snapshot below proves.
PUBLIC_WRITES = {
    "core:set_language",
    "accounts:logout",
    "accounts:profile",
    "accounts:token_create",
    "jobs:offer_create",
    "api:job_offer_create",
}
# Pages anyone may open without logging in (no person data on them).
PUBLIC_PAGES = {
    "core:health",
    "accounts:login",
    "core:set_language",
    "accounts:logout",
    "jobs:board",
    "jobs:board_country",
    "jobs:board_offer",
}
# API writes that are not POST.
API_METHODS = {
    "api:client_update": "patch",
    "api:case_update": "patch",
    "api:job_offer_update": "patch",
    "api:job_profile_save": "put",
}


# Apps keep their part of the walk next to their code (``<app>/tests/walk.py``): routes,
# public pages and writes, the objects of centre A they point at, markers that must not
# leak, and a snapshot that must not change.
EXTENSIONS = (appointments_walk, chat_walk, referrals_walk, learning_walk)
for _ext in EXTENSIONS:
    ROUTES.update(_ext.ROUTES)
    PUBLIC_WRITES |= _ext.PUBLIC_WRITES
    PUBLIC_PAGES |= _ext.PUBLIC_PAGES
    API_METHODS.update(_ext.API_METHODS)


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"
        else:
            yield f"{namespace}<unnamed {entry.pattern}>"


def all_route_names() -> set[str]:
    return set(_walk(get_resolver()))


def test_every_route_is_in_the_walk() -> None:
    missing = all_route_names() - set(ROUTES)
    assert not missing, f"Add these routes to the outsider walk: {sorted(missing)}"
    stale = set(ROUTES) - all_route_names()
    assert not stale, f"These routes no longer exist: {sorted(stale)}"


@pytest.fixture
def objects(centre_a: Any, case_a: Any, client_a: Any, counsellor_a: Any, centre_b: Any) -> Objects:
    consent = Consent.objects.create(
        client=client_a,
        purpose=Purpose.COUNSELLING,
        method=Method.WRITTEN,
        notice_version="1",
        notice_language="ar",
        given_at="2026-01-01T00:00:00Z",
    )
    plan = PlanFactory(case=case_a)
    measure = Measure.objects.create(plan=plan, type=measure_type())
    jobs = job_objects(centre_a, client_a, counsellor_a)
    objects: Objects = {
        **jobs,
        "centre": centre_a,
        "client": client_a,
        "case": case_a,
        "consent": consent,
        "measure": measure,
        "other_centre": centre_b,
        "token": ApiToken.objects.create(
            user=counsellor_a, label="a's", prefix="pk_aaaaa", digest=ApiToken.digest_of("pk_a")
        ),
    }
    for ext in EXTENSIONS:
        objects.update(ext.objects(objects))
    return objects


def job_objects(centre: Any, client: Any, counsellor: Any) -> Objects:
    """A published offer of an employer registered by centre A, client A's job-seeker
    profile, and the offer proposed to client A (with the job-matching consent)."""
    employer = OrganisationFactory(
        name="Employer A", slug="employer-a", kind=OrganisationKind.EMPLOYER
    )
    occupation = Occupation.objects.get(label="metal drawing machine operator")
    offer = JobOffer.objects.create(
        employer=employer,
        registered_by=centre,
        title="Welder",
        occupation=occupation,
        country_id="IQ",
        city="Erbil",
        contract_type="permanent",
        working_time="full_time",
        status="published",
    )
    profile = JobSeekerProfile.objects.create(client=client, country_id="IQ", city="Erbil")
    profile.occupations_wanted.add(occupation)
    experience = Experience.objects.create(
        profile=profile, occupation=occupation, country="DE", start_date="2019-01-01"
    )
    Consent.objects.create(
        client=client,
        purpose=Purpose.JOB_MATCHING,
        method=Method.WRITTEN,
        notice_version="1",
        notice_language="ar",
        given_at="2026-01-01T00:00:00Z",
    )
    application = Application.objects.create(
        offer=offer,
        client=client,
        proposed_at="2026-02-01T00:00:00Z",
        proposed_by=counsellor,
        proposed_by_organisation=centre,
        status="interview",
    )
    earlier = JobOffer.objects.create(
        employer=employer,
        registered_by=centre,
        title="Earlier welder",
        occupation=occupation,
        country_id="IQ",
        city="Erbil",
        contract_type="permanent",
        working_time="full_time",
        status="closed",
    )
    hired = Application.objects.create(
        offer=earlier,
        client=client,
        proposed_at="2025-02-01T00:00:00Z",
        proposed_by=counsellor,
        proposed_by_organisation=centre,
        status="hired",
    )
    return {
        "employer": employer,
        "occupation": occupation,
        "offer": offer,
        "profile": profile,
        "experience": experience,
        "application": application,
        "hired": hired,
    }


def _markers(o: Objects) -> list[str]:
    own = [o["client"].name, o["client"].name_latin, o["client"].reference, o["case"].reference]
    return own + [m for ext in EXTENSIONS for m in ext.markers(o)]


def _snapshot(o: Objects) -> tuple[Any, ...]:
    token_revoked = ApiToken.objects.get(pk=o["token"].pk).revoked_at
    case = Case.objects.get(pk=o["case"].pk)
    client = type(o["client"]).objects.get(pk=o["client"].pk)
    return (
        case.status,
        case.organisation_id,
        case.next_follow_up,
        client.name,
        Note.objects.filter(case=case).count(),
        Consent.objects.filter(client=client)
        .values_list("id", "withdrawn_at")
        .order_by("id")
        .__repr__(),
        Measure.objects.filter(plan__case=case).values_list("status", flat=True).first(),
        type(o["client"]).objects.filter(name__startswith="Injected").count(),
        Case.objects.filter(client=client).count(),
        token_revoked,
        JobOffer.objects.filter(pk=o["offer"].pk).values_list("title", "status").get(),
        Application.objects.filter(pk=o["application"].pk).values_list("status", "retained").get(),
        Application.objects.filter(pk=o["hired"].pk).values_list("status", "retained").get(),
        JobSeekerProfile.objects.get(pk=o["profile"].pk).occupations_wanted.count(),
        JobSeekerProfile.objects.get(pk=o["profile"].pk).experiences.count(),
        JobSeekerProfile.objects.get(pk=o["profile"].pk).qualifications.count(),
        JobSeekerProfile.objects.get(pk=o["profile"].pk).city,
        *(ext.snapshot(o) for ext in EXTENSIONS),
    )


@pytest.mark.django_db
def test_outsiders_see_and_change_nothing_of_centre_a(
    objects: Objects, outsiders: dict[str, Any]
) -> None:
    before = _snapshot(objects)
    markers = _markers(objects)
    problems: list[str] = []
    for who, user in outsiders.items():
        raw = ApiToken.new_raw()
        ApiToken.objects.create(
            user=user, label="walk", digest=ApiToken.digest_of(raw), prefix=raw[:8]
        )
        web = HttpClient(raise_request_exception=False)
        web.force_login(user)
        api = HttpClient(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
        for name, (kwargs, body) in ROUTES.items():
            url = reverse(name, kwargs=kwargs(objects))
            is_api = name.startswith("api:")
            client = api if is_api else web
            responses = [("GET", client.get(url))]
            if body is not None:
                method = API_METHODS.get(name, "post")
                if is_api:
                    responses.append(
                        (
                            method.upper(),
                            getattr(client, method)(
                                url, body(objects), content_type="application/json"
                            ),
                        )
                    )
                else:
                    responses.append(("POST", client.post(url, body(objects))))
            for method, response in responses:
                status = response.status_code
                label = f"{who}: {method} {url} -> {status}"
                if status >= 500:
                    problems.append(f"{label} (server error)")
                elif 200 <= status < 300:
                    text = response.content.decode(errors="replace")
                    leaked = [m for m in markers if m and m in text]
                    if leaked:
                        problems.append(f"{label} leaks {leaked}")
                    if method != "GET" and name not in PUBLIC_WRITES:
                        problems.append(f"{label}: a write succeeded")
                elif 300 <= status < 400 and method != "GET" and name not in PUBLIC_WRITES:
                    problems.append(f"{label}: redirected after a write")
            if name == "accounts:logout":
                web.force_login(user)
    assert not problems, "\n".join(problems)
    assert _snapshot(objects) == before
    assert not AuditEvent.objects.filter(client_id=objects["client"].pk).exists()


@pytest.mark.django_db
def test_outsider_gets_404_for_client_of_other_centre_from_ui_and_api(
    client_a: Any, counsellor_b: Any
) -> None:
    web = HttpClient()
    web.force_login(counsellor_b)
    assert web.get(reverse("clients:detail", kwargs={"client_id": client_a.pk})).status_code == 404
    raw = ApiToken.new_raw()
    ApiToken.objects.create(
        user=counsellor_b, label="t", digest=ApiToken.digest_of(raw), prefix=raw[:8]
    )
    api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(f"/api/v1/clients/{client_a.pk}").status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_or_refused(objects: Objects) -> None:
    web = HttpClient()
    for name, (kwargs, _body) in ROUTES.items():
        if name in PUBLIC_PAGES:
            continue
        response = web.get(reverse(name, kwargs=kwargs(objects)))
        if name.startswith("api:") and "openapi" not in name:
            assert response.status_code in (401, 404, 405), name
        elif not name.startswith("api:"):
            assert response.status_code in (302, 405), name
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("accounts:login")), name
