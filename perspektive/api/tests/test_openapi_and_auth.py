"""Bearer-token authentication, the OpenAPI document, and responses checked against it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from perspektive.accounts.models import ApiToken
from perspektive.accounts.tests.factories import api_token_for
from perspektive.api.tests.openapi import SchemaMismatch, check, check_response, load_spec
from perspektive.cases.models import Case
from perspektive.clients.models import Client

pytestmark = pytest.mark.django_db

ApiAs = Callable[[Any], HttpClient]

# Every API route: url name -> (method, path in the OpenAPI document)
ROUTES: dict[str, tuple[str, str]] = {
    "client_list": ("get", "/api/v1/clients"),
    "client_create": ("post", "/api/v1/clients"),
    "client_detail": ("get", "/api/v1/clients/{client_id}"),
    "client_update": ("patch", "/api/v1/clients/{client_id}"),
    "case_list": ("get", "/api/v1/cases"),
    "case_create": ("post", "/api/v1/cases"),
    "case_detail": ("get", "/api/v1/cases/{case_id}"),
    "case_update": ("patch", "/api/v1/cases/{case_id}"),
    "case_status": ("post", "/api/v1/cases/{case_id}/status"),
    "job_occupations": ("get", "/api/v1/jobs/occupations"),
    "job_offer_list": ("get", "/api/v1/jobs/offers"),
    "job_offer_create": ("post", "/api/v1/jobs/offers"),
    "job_offer_detail": ("get", "/api/v1/jobs/offers/{offer_id}"),
    "job_offer_update": ("patch", "/api/v1/jobs/offers/{offer_id}"),
    "job_offer_status": ("post", "/api/v1/jobs/offers/{offer_id}/status"),
    "job_profile": ("get", "/api/v1/jobs/profiles/{client_id}"),
    "job_profile_save": ("put", "/api/v1/jobs/profiles/{client_id}"),
    "job_matches": ("get", "/api/v1/jobs/profiles/{client_id}/matches"),
    "job_propose": ("post", "/api/v1/jobs/profiles/{client_id}/proposals"),
    "job_application_status": ("post", "/api/v1/jobs/applications/{application_id}/status"),
    "appointment_slots": ("get", "/api/v1/appointments/centres/{centre_id}/slots"),
    "appointment_list": ("get", "/api/v1/appointments"),
    "appointment_book": ("post", "/api/v1/appointments"),
    "appointment_detail": ("get", "/api/v1/appointments/{appointment_id}"),
    "appointment_outcome": ("post", "/api/v1/appointments/{appointment_id}/outcome"),
    "handover_list": ("get", "/api/v1/handovers"),
    "handover_create": ("post", "/api/v1/handovers"),
    "handover_detail": ("get", "/api/v1/handovers/{handover_id}"),
    "handover_status": ("post", "/api/v1/handovers/{handover_id}/status"),
    "partner_service_list": ("get", "/api/v1/referrals/partners"),
    "referral_list": ("get", "/api/v1/referrals"),
    "referral_create": ("post", "/api/v1/referrals"),
    "referral_detail": ("get", "/api/v1/referrals/{referral_id}"),
    "referral_status": ("post", "/api/v1/referrals/{referral_id}/status"),
    "course_list": ("get", "/api/v1/learning/courses"),
    "course_detail": ("get", "/api/v1/learning/courses/{course_id}"),
    "enrolment_list": ("get", "/api/v1/learning/enrolments"),
    "enrolment_create": ("post", "/api/v1/learning/enrolments"),
}
NOT_OPERATIONS = {"openapi-json", "openapi-view", "api-root"}


def _api_url_names() -> set[str]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace is None:
            for sub in entry.url_patterns:
                if isinstance(sub, URLResolver) and sub.namespace == "api":
                    return {
                        p.name for p in sub.url_patterns if isinstance(p, URLPattern) and p.name
                    }
    raise AssertionError("the api namespace is not mounted")


# OpenAPI --------------------------------------------------------------------------------


def test_openapi_document_lists_every_route() -> None:
    assert _api_url_names() - NOT_OPERATIONS == set(ROUTES), "update ROUTES with the new route"
    spec = load_spec()
    documented = {
        (method, path)
        for path, ops in spec["paths"].items()
        for method in ops
        if method != "parameters"
    }
    assert documented == set(ROUTES.values())
    for name, (_method, path) in ROUTES.items():
        kwargs = {
            k: 7
            for k in (
                "client_id",
                "case_id",
                "offer_id",
                "application_id",
                "centre_id",
                "appointment_id",
                "handover_id",
                "referral_id",
                "course_id",
            )
            if "{" + k + "}" in path
        }
        assert reverse(f"api:{name}", kwargs=kwargs) == path.format(**kwargs), name


def test_openapi_document_is_public_and_describes_the_token_scheme() -> None:
    spec = load_spec()
    assert spec["openapi"].startswith("3.")
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("security"), f"{method} {path} has no security requirement"
            assert "401" in op["responses"], f"{method} {path} does not document 401"
            if method in {"post", "patch"}:
                assert "422" in op["responses"], f"{method} {path} does not document 422"


def test_the_validator_catches_what_it_should() -> None:
    """The checker itself: a response that breaks the document must not pass."""
    spec = load_spec()
    page = {"$ref": "#/components/schemas/CasePage"}
    good = {"items": [], "page": 1, "pages": 1, "total": 0}
    check(spec, page, good)
    for bad in (
        {"items": [], "page": 1, "pages": 1},  # missing key
        {**good, "total": "0"},  # wrong type
        {**good, "page": True},  # bool is not an integer
        {**good, "secret": 1},  # undocumented key
        {**good, "items": [{"id": 1}]},  # an item missing its keys
    ):
        with pytest.raises(SchemaMismatch):
            check(spec, page, bad)
    with pytest.raises(SchemaMismatch):
        check(spec, {"type": "string", "format": "date"}, "17.05.1990")


def test_responses_of_every_route_match_the_document(
    api_as: ApiAs, counsellor_a: Any, client_a: Client, case_a: Case, centre_a: Any
) -> None:
    spec = load_spec()
    api = api_as(counsellor_a)
    calls: list[tuple[str, str, str, Any]] = [
        ("get", "/api/v1/clients", "/api/v1/clients", None),
        ("get", "/api/v1/clients", "/api/v1/clients?q=Mohamed", None),
        ("get", "/api/v1/clients/{client_id}", f"/api/v1/clients/{client_a.pk}", None),
        ("get", "/api/v1/clients/{client_id}", "/api/v1/clients/999999", None),
        (
            "patch",
            "/api/v1/clients/{client_id}",
            f"/api/v1/clients/{client_a.pk}",
            {"health_notes": "x", "household_size": 2},
        ),
        ("patch", "/api/v1/clients/{client_id}", f"/api/v1/clients/{client_a.pk}", {"sex": "x"}),
        (
            "post",
            "/api/v1/clients",
            "/api/v1/clients",
            {"organisation_id": centre_a.pk, "name": client_a.name_latin, "target_group": "local"},
        ),
        (
            "post",
            "/api/v1/clients",
            "/api/v1/clients",
            {
                "organisation_id": centre_a.pk,
                "name": "Aziz Noor",
                "birth_date": "1999-09-09",
                "target_group": "local",
            },
        ),
        ("post", "/api/v1/clients", "/api/v1/clients", {"name": ""}),
        ("get", "/api/v1/cases", "/api/v1/cases", None),
        ("get", "/api/v1/cases", "/api/v1/cases?status=open&mine=true", None),
        ("get", "/api/v1/cases", "/api/v1/cases?page=0", None),
        ("get", "/api/v1/cases/{case_id}", f"/api/v1/cases/{case_a.pk}", None),
        (
            "patch",
            "/api/v1/cases/{case_id}",
            f"/api/v1/cases/{case_a.pk}",
            {"next_follow_up": "2030-01-01"},
        ),
        (
            "post",
            "/api/v1/cases/{case_id}/status",
            f"/api/v1/cases/{case_a.pk}/status",
            {"to_status": "follow_up"},
        ),
        (
            "post",
            "/api/v1/cases/{case_id}/status",
            f"/api/v1/cases/{case_a.pk}/status",
            {"to_status": "assessment"},
        ),
        (
            "post",
            "/api/v1/cases",
            "/api/v1/cases",
            {"client_id": client_a.pk, "organisation_id": centre_a.pk},
        ),
    ]
    calls += _job_calls(client_a, centre_a, counsellor_a)
    calls += _appointment_calls(centre_a, counsellor_a)
    calls += _handover_calls(centre_a, counsellor_a)
    calls += _partner_referral_calls(client_a, counsellor_a)
    calls += _learning_calls(client_a)
    seen: set[tuple[str, str]] = set()
    for method, template, url, body in calls:
        if body is None:
            response = getattr(api, method)(url)
        else:
            response = getattr(api, method)(url, body, content_type="application/json")
        assert response.status_code < 500, (method, url)
        check_response(spec, method, template, response)
        seen.add((method, template))
    assert seen == set(ROUTES.values())


def _job_calls(client: Any, centre: Any, counsellor: Any) -> list[tuple[str, str, str, Any]]:
    from perspektive.core.tests.test_outsider_walk import job_objects

    o = job_objects(centre, client, counsellor)
    offer, cid = o["offer"], client.pk
    offer_body = {
        "employer_id": o["employer"].pk,
        "title": "Welder",
        "occupation_id": o["occupation"].pk,
        "country": "IQ",
        "city": "Erbil",
        "contract_type": "permanent",
        "working_time": "full_time",
    }
    return [
        ("get", "/api/v1/jobs/occupations", "/api/v1/jobs/occupations?q=welder", None),
        ("get", "/api/v1/jobs/offers", "/api/v1/jobs/offers?country=IQ", None),
        ("post", "/api/v1/jobs/offers", "/api/v1/jobs/offers", offer_body),
        ("post", "/api/v1/jobs/offers", "/api/v1/jobs/offers", {**offer_body, "title": ""}),
        ("get", "/api/v1/jobs/offers/{offer_id}", f"/api/v1/jobs/offers/{offer.pk}", None),
        (
            "patch",
            "/api/v1/jobs/offers/{offer_id}",
            f"/api/v1/jobs/offers/{offer.pk}",
            {"positions": 3},
        ),
        (
            "post",
            "/api/v1/jobs/offers/{offer_id}/status",
            f"/api/v1/jobs/offers/{offer.pk}/status",
            {"status": "draft"},
        ),
        ("get", "/api/v1/jobs/profiles/{client_id}", f"/api/v1/jobs/profiles/{cid}", None),
        (
            "put",
            "/api/v1/jobs/profiles/{client_id}",
            f"/api/v1/jobs/profiles/{cid}",
            {"country": "IQ", "city": "Duhok", "languages": {"ar": 4}},
        ),
        (
            "get",
            "/api/v1/jobs/profiles/{client_id}/matches",
            f"/api/v1/jobs/profiles/{cid}/matches",
            None,
        ),
        (
            "post",
            "/api/v1/jobs/profiles/{client_id}/proposals",
            f"/api/v1/jobs/profiles/{cid}/proposals",
            {"offer_id": offer.pk},
        ),
        (
            "post",
            "/api/v1/jobs/applications/{application_id}/status",
            f"/api/v1/jobs/applications/{o['application'].pk}/status",
            {"status": "offer"},
        ),
    ]


def _appointment_calls(centre: Any, counsellor: Any) -> list[tuple[str, str, str, Any]]:
    from perspektive.appointments.tests.factories import AppointmentFactory, every_weekday

    every_weekday(centre, counsellor)
    slots = "/api/v1/appointments/centres/{centre_id}/slots"
    base = f"/api/v1/appointments/centres/{centre.pk}/slots"
    found = api_get_json(counsellor, base + "?days=3&mode=video&language=ar")
    past = AppointmentFactory(
        centre=centre,
        counsellor=counsellor,
        starts_at=timezone.now().replace(microsecond=0) - dt.timedelta(hours=3),
    )
    booking = {
        "centre_id": centre.pk,
        "starts_at": found[-1]["starts_at"],
        "mode": "video",
        "topic": "job",
        "language": "ar",
        "name": "Amina",
        "phone": "+9647501234567",
        "contact_consent": True,
    }
    one = "/api/v1/appointments/{appointment_id}"
    return [
        ("get", slots, base, None),
        ("get", slots, base + "?days=99", None),
        ("get", slots, "/api/v1/appointments/centres/999999/slots", None),
        ("get", "/api/v1/appointments", "/api/v1/appointments?mine=true", None),
        ("post", "/api/v1/appointments", "/api/v1/appointments", booking),
        ("post", "/api/v1/appointments", "/api/v1/appointments", booking),  # taken: 409
        ("post", "/api/v1/appointments", "/api/v1/appointments", {**booking, "phone": ""}),
        ("get", one, f"/api/v1/appointments/{past.pk}", None),
        ("post", one + "/outcome", f"/api/v1/appointments/{past.pk}/outcome", {"status": "x"}),
        (
            "post",
            one + "/outcome",
            f"/api/v1/appointments/{past.pk}/outcome",
            {"status": "attended"},
        ),
    ]


def _handover_calls(centre: Any, counsellor: Any) -> list[tuple[str, str, str, Any]]:
    """A return office's client handed over to the centre, every section shared (the
    counsellor of the centre is the caller: incoming handovers, 403 on creating one)."""
    from perspektive.core.authz import Role
    from perspektive.organisations.models import OrganisationKind
    from perspektive.organisations.tests.factories import OrganisationFactory, staff
    from perspektive.referrals.tests.factories import ALL_SECTIONS, sent_handover

    office = OrganisationFactory(
        slug="ro-api", kind=OrganisationKind.RETURN_OFFICE, country_id="DE", city="Bochum"
    )
    sender = staff(office, Role.RETURN_COUNSELLOR)
    person = Client.objects.create(
        organisation=office,
        name="Sameer Handover",
        name_latin="Sameer Handover",
        phone="+4915112345678",
        languages=["ar"],
        household_size=2,
        health_notes="asthma",
        target_group="migrant_germany",
    )
    shown = sent_handover(person, centre, sender, sections=list(ALL_SECTIONS))
    other = Client.objects.create(
        organisation=office, name="Amal Other", target_group="migrant_germany"
    )
    accepted = sent_handover(other, centre, sender)
    one = "/api/v1/handovers/{handover_id}"
    body = {
        "client_id": person.pk,
        "to_centre_id": centre.pk,
        "planned_departure": "2031-01-01",
    }
    return [
        ("get", "/api/v1/handovers", "/api/v1/handovers", None),
        ("get", "/api/v1/handovers", "/api/v1/handovers?status=open&overdue=true", None),
        ("get", "/api/v1/handovers", "/api/v1/handovers?status=bogus", None),
        ("get", one, f"/api/v1/handovers/{shown.pk}", None),
        ("get", one, "/api/v1/handovers/999999", None),
        ("post", "/api/v1/handovers", "/api/v1/handovers", body),  # a centre: 404 or 403
        ("post", "/api/v1/handovers", "/api/v1/handovers", {"client_id": "x"}),
        (
            "post",
            one + "/status",
            f"/api/v1/handovers/{accepted.pk}/status",
            {"to_status": "accepted", "counsellor_id": counsellor.pk},
        ),
        (
            "post",
            one + "/status",
            f"/api/v1/handovers/{accepted.pk}/status",
            {"to_status": "completed"},
        ),
        ("get", one, f"/api/v1/handovers/{accepted.pk}", None),
    ]


def _partner_referral_calls(client: Any, counsellor: Any) -> list[tuple[str, str, str, Any]]:
    """Client A referred to an NGO in Erbil by the counsellor (the caller: the referring
    side), the referral revoked at the end."""
    from perspektive.organisations.models import OrganisationKind
    from perspektive.organisations.tests.factories import OrganisationFactory
    from perspektive.referrals.tests.factories import partner_service, referral_consent

    ngo = OrganisationFactory(
        slug="ngo-api", kind=OrganisationKind.CIVIL_SOCIETY, country_id="IQ", city="Erbil"
    )
    service = partner_service(ngo, "housing")
    referral_consent(client, ngo)
    one = "/api/v1/referrals/{referral_id}"
    body = {"client_id": client.pk, "service_id": service.pk, "sections": ["contact", "needs"]}
    first = api_post_json(counsellor, "/api/v1/referrals", body)
    return [
        ("get", "/api/v1/referrals/partners", "/api/v1/referrals/partners?country=IQ", None),
        ("get", "/api/v1/referrals/partners", "/api/v1/referrals/partners?domain=bogus", None),
        ("get", "/api/v1/referrals", "/api/v1/referrals?status=open&overdue=true", None),
        ("get", "/api/v1/referrals", "/api/v1/referrals?status=bogus", None),
        ("post", "/api/v1/referrals", "/api/v1/referrals", {**body, "note": "For the partner"}),
        ("post", "/api/v1/referrals", "/api/v1/referrals", {**body, "sections": ["bank"]}),
        ("post", "/api/v1/referrals", "/api/v1/referrals", {"client_id": "x"}),
        ("get", one, f"/api/v1/referrals/{first['id']}", None),
        ("get", one, "/api/v1/referrals/999999", None),
        (
            "post",
            one + "/status",
            f"/api/v1/referrals/{first['id']}/status",
            {"to_status": "accepted"},
        ),  # the partner's step: 403
        (
            "post",
            one + "/status",
            f"/api/v1/referrals/{first['id']}/status",
            {"to_status": "revoked"},
        ),
    ]


def api_post_json(user: Any, url: str, body: Any) -> Any:
    raw = api_token_for(user)
    response = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        url, body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def api_get_json(user: Any, url: str) -> Any:
    raw = api_token_for(user)
    response = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_created_case_response_matches_the_document(
    api_as: ApiAs, counsellor_a: Any, client_a: Client, centre_a: Any
) -> None:
    spec = load_spec()
    response = api_as(counsellor_a).post(
        "/api/v1/cases",
        {"client_id": client_a.pk, "organisation_id": centre_a.pk, "vulnerabilities": ["minor"]},
        content_type="application/json",
    )
    assert response.status_code == 201
    check_response(spec, "post", "/api/v1/cases", response)


# Tokens ---------------------------------------------------------------------------------


def _all_requests(api: HttpClient, client_a: Client, case_a: Case) -> list[Any]:
    return [
        api.get("/api/v1/clients"),
        api.get(f"/api/v1/clients/{client_a.pk}"),
        api.post("/api/v1/clients", {}, content_type="application/json"),
        api.patch(f"/api/v1/clients/{client_a.pk}", {}, content_type="application/json"),
        api.get("/api/v1/cases"),
        api.get(f"/api/v1/cases/{case_a.pk}"),
        api.post("/api/v1/cases", {}, content_type="application/json"),
        api.patch(f"/api/v1/cases/{case_a.pk}", {}, content_type="application/json"),
        api.post(f"/api/v1/cases/{case_a.pk}/status", {}, content_type="application/json"),
    ]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ", "Bearer pk_not-a-real-token", "Token REAL", "Basic REAL", "REAL"],
    ids=["missing", "empty", "blank", "invalid", "wrong-scheme", "basic", "no-scheme"],
)
def test_requests_without_a_valid_token_get_401(
    counsellor_a: Any, client_a: Client, case_a: Case, header: str | None
) -> None:
    real = api_token_for(counsellor_a)
    headers = {} if header is None else {"HTTP_AUTHORIZATION": header.replace("REAL", real)}
    api = HttpClient(**headers)
    spec = load_spec()
    for response in _all_requests(api, client_a, case_a):
        assert response.status_code == 401, response.request["PATH_INFO"]
        assert response.json() == {"detail": "A valid bearer token is required."}
        assert client_a.name not in response.content.decode()
    check_response(spec, "get", "/api/v1/clients", api.get("/api/v1/clients"))


def test_a_revoked_token_gets_401(counsellor_a: Any, client_a: Client, case_a: Case) -> None:
    raw = api_token_for(counsellor_a)
    api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/clients").status_code == 200
    ApiToken.objects.filter(digest=ApiToken.digest_of(raw)).update(revoked_at=timezone.now())
    assert all(r.status_code == 401 for r in _all_requests(api, client_a, case_a))


def test_a_token_of_a_deactivated_user_gets_401(counsellor_a: Any) -> None:
    api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {api_token_for(counsellor_a)}")
    counsellor_a.is_active = False
    counsellor_a.save()
    assert api.get("/api/v1/clients").status_code == 401


def test_a_session_login_is_not_enough_for_the_api(counsellor_a: Any) -> None:
    web = HttpClient()
    web.force_login(counsellor_a)
    assert web.get("/api/v1/clients").status_code == 401


def test_a_valid_token_acts_as_its_user_and_marks_its_use(
    counsellor_a: Any, client_a: Client
) -> None:
    raw = api_token_for(counsellor_a)
    token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
    assert token.last_used_at is None
    response = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"/api/v1/clients/{client_a.pk}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < dt.timedelta(minutes=1)


def _learning_calls(client: Any) -> list[tuple[str, str, str, Any]]:
    """A published course with two places: client A takes one, the second call refuses a
    second live enrolment (409), a draft course is not found."""
    from perspektive.learning.tests.factories import CourseFactory

    course = CourseFactory(capacity=2)
    draft = CourseFactory(provider=course.provider, status="draft")
    one = "/api/v1/learning/courses/{course_id}"
    enrolments = "/api/v1/learning/enrolments"
    body = {"client_id": client.pk, "course_id": course.pk}
    return [
        ("get", "/api/v1/learning/courses", "/api/v1/learning/courses?trade=metalwork", None),
        ("get", "/api/v1/learning/courses", "/api/v1/learning/courses?trade=cooking", None),
        ("get", one, f"/api/v1/learning/courses/{course.pk}", None),
        ("get", one, f"/api/v1/learning/courses/{draft.pk}", None),
        ("post", enrolments, enrolments, body),
        ("post", enrolments, enrolments, body),
        ("post", enrolments, enrolments, {"client_id": client.pk}),
        ("get", enrolments, f"{enrolments}?client_id={client.pk}", None),
    ]
