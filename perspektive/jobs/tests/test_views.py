"""The jobs pages: every form refuses bad input with a message on the field and writes
nothing; the occupation picker works without JavaScript; the employer area keeps each
company to its own offers; list pages cost the same number of queries for 3 or 30 rows."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.authz import Role
from perspektive.jobs.models import (
    Application,
    Experience,
    JobOffer,
    JobSeekerProfile,
    OfferStatus,
    Qualification,
)
from perspektive.jobs.tests.factories import (
    EmployerFactory,
    ExperienceFactory,
    JobOfferFactory,
    JobSeekerProfileFactory,
    job_matching_consent,
    occupation,
    transversal_skills,
)
from perspektive.organisations.tests.factories import staff

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]
WebAs = Callable[[Any], HttpClient]


def assert_form_error(response: Any, field: str, form: str = "form") -> None:
    """The page came back (400) with a message on ``field`` of ``form``, shown on the page."""
    assert response.status_code == 400, response.status_code
    bound = response.context[form]
    assert bound.is_bound
    assert field in bound.errors, dict(bound.errors)
    text = response.content.decode()
    for message in bound.errors[field]:
        assert message.strip()
        assert html.escape(message) in text or message in text, message


def offer_post(employer: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "employer": employer.pk,
        "title": "Wire drawer",
        "occupation_query": "wire drawer",
        "occupation": occupation().pk,
        "country": "IQ",
        "city": "Erbil",
        "contract_type": "permanent",
        "working_time": "full_time",
        "positions": "2",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


CREATE = reverse("jobs:offer_create")


# Offer form -------------------------------------------------------------------------------

OFFER_BAD_INPUT = [
    ({"title": ""}, "title"),
    ({"occupation": None, "occupation_query": ""}, "occupation"),
    ({"occupation": None}, "occupation"),
    ({"occupation": "999999"}, "occupation"),
    ({"country": "XX"}, "country"),
    ({"city": ""}, "city"),
    ({"contract_type": "forever"}, "contract_type"),
    ({"positions": "0"}, "positions"),
    ({"wage_min": "900", "wage_max": "500", "wage_currency": "USD"}, "wage_max"),
    ({"wage_min": "-1", "wage_currency": "USD"}, "wage_min"),
    ({"wage_min": "500"}, "wage_currency"),
    ({"wage_min": "500", "wage_currency": "EURO"}, "wage_currency"),
    ({"wage_min": "500", "wage_currency": "E1"}, "wage_currency"),
    ({"start_date": "2026-05-01", "deadline": "2026-06-01"}, "deadline"),
    ({"deadline": "tomorrow"}, "deadline"),
    ({"lang_1": "ar"}, "lang_1_level"),
    ({"lang_1": "ar", "lang_1_level": "9"}, "lang_1_level"),
    ({"lang_1": "xx", "lang_1_level": "2"}, "lang_1"),
]
OFFER_IDS = [
    "no-title",
    "no-occupation",
    "title-typed-but-no-occupation-chosen",
    "unknown-occupation",
    "unknown-country",
    "no-city",
    "unknown-contract",
    "no-position",
    "wage-range-reversed",
    "negative-wage",
    "wage-without-currency",
    "currency-too-long",
    "currency-not-letters",
    "deadline-after-start",
    "deadline-not-a-date",
    "language-without-level",
    "language-level-unknown",
    "unknown-language",
]


@pytest.mark.parametrize("who", ["employer_staff", "counsellor_a"])
@pytest.mark.parametrize(("changes", "field"), OFFER_BAD_INPUT, ids=OFFER_IDS)
def test_offer_form_refuses_bad_input(
    web_as: WebAs,
    request: pytest.FixtureRequest,
    who: str,
    employer_a: Any,
    row_counts: Counts,
    changes: dict[str, Any],
    field: str,
) -> None:
    web = web_as(request.getfixturevalue(who))
    before = row_counts()
    response = web.post(CREATE, offer_post(employer_a, **changes))
    assert_form_error(response, field)
    assert row_counts() == before


@pytest.mark.parametrize("who", ["employer_staff", "counsellor_a"])
def test_offer_form_saves_a_draft(
    web_as: WebAs,
    request: pytest.FixtureRequest,
    who: str,
    employer_a: Any,
    centre_a: Any,
) -> None:
    user = request.getfixturevalue(who)
    skills = transversal_skills(2)
    response = web_as(user).post(
        CREATE,
        offer_post(
            employer_a,
            lang_1="ar",
            lang_1_level="3",
            wage_min="400",
            wage_max="600",
            wage_currency="usd",
            wage_period="month",
            required_skills=[s.pk for s in skills],
        ),
    )
    assert response.status_code == 302
    offer = JobOffer.objects.get()
    assert response["Location"] == reverse("jobs:offer_detail", kwargs={"offer_id": offer.pk})
    assert (offer.status, offer.employer, offer.created_by) == ("draft", employer_a, user)
    assert offer.registered_by == (centre_a if who == "counsellor_a" else None)
    assert (offer.languages, offer.wage_currency, offer.positions) == ({"ar": 3}, "USD", 2)
    assert set(offer.required_skills.all()) == set(skills)


def test_offer_edit_form_refuses_bad_input_and_saves_good(
    web_as: WebAs, employer_staff: Any, offer_a: JobOffer, employer_a: Any, row_counts: Counts
) -> None:
    url = reverse("jobs:offer_edit", kwargs={"offer_id": offer_a.pk})
    web = web_as(employer_staff)
    page = web.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["occupation"] == offer_a.occupation
    before = row_counts()
    bad = web.post(url, offer_post(employer_a, wage_min="9", wage_max="1", wage_currency="IQD"))
    assert_form_error(bad, "wage_max")
    assert row_counts() == before
    good = web.post(url, offer_post(employer_a, title="Senior wire drawer"))
    assert good.status_code == 302
    offer_a.refresh_from_db()
    assert offer_a.title == "Senior wire drawer"


def test_offer_status_buttons_refuse_a_wrong_move_and_say_why(
    web_as: WebAs, employer_staff: Any, offer_a: JobOffer, row_counts: Counts
) -> None:
    url = reverse("jobs:offer_status", kwargs={"offer_id": offer_a.pk})
    web = web_as(employer_staff)
    before = row_counts()
    response = web.post(url, {"status": "draft"}, follow=True)
    assert "cannot go from" in response.content.decode()
    assert row_counts() == before
    offer_a.refresh_from_db()
    assert offer_a.status == OfferStatus.PUBLISHED
    assert web.post(url, {"status": "paused"}).status_code == 302
    offer_a.refresh_from_db()
    assert offer_a.status == OfferStatus.PAUSED


# Occupation picker without JavaScript ------------------------------------------------------


class FormFields(HTMLParser):
    """What a browser would send for the form posting to ``action``: every named field in
    page order; radio buttons only when checked or picked."""

    def __init__(self, action: str, pick: dict[str, str], page_url: str) -> None:
        super().__init__()
        self.action, self.pick, self.page_url = action, pick, page_url
        self.inside = False
        self.pairs: list[tuple[str, str]] = []
        self.radios: dict[str, list[str]] = {}
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":  # a form without an action posts back to the page's address
            self.inside = a.get("action", self.page_url) == self.action
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", ""))
                if self.pick.get(name) == a.get("value") or (
                    name not in self.pick and "checked" in a
                ):
                    self.pairs.append((name, a.get("value", "")))
            elif kind == "checkbox":
                if "checked" in a:
                    self.pairs.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button"}:
                self.pairs.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.pairs.append((self._select, chosen[0]))
            self._select = None


def browser_post(web: HttpClient, page: Any, action: str, pick: dict[str, str], **fill: str) -> Any:
    """Submit the form of ``page`` as a browser without JavaScript would."""
    parser = FormFields(action, pick, page.wsgi_request.path)
    parser.feed(page.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(fill.get(name, value))
    for name, value in fill.items():
        data.setdefault(name, [value])
    return web.post(action, data)


def _radio_values(page: Any, action: str) -> list[str]:
    parser = FormFields(action, {}, page.wsgi_request.path)
    parser.feed(page.content.decode())
    return parser.radios.get("occupation", [])


def test_offer_picker_without_js_offers_the_suggestions_as_radio_buttons(
    web_as: WebAs, employer_staff: Any, employer_a: Any, row_counts: Counts
) -> None:
    web = web_as(employer_staff)
    before = row_counts()
    typed = web.post(CREATE, offer_post(employer_a, occupation=None))
    assert_form_error(typed, "occupation")
    assert "Choose the occupation that fits from the list." in typed.content.decode()
    assert row_counts() == before
    wire_drawer = occupation()
    radios = _radio_values(typed, CREATE)
    assert radios[0] == str(wire_drawer.pk)
    assert "ISCO 8121" in typed.content.decode()

    chosen = browser_post(web, typed, CREATE, {"occupation": str(wire_drawer.pk)})
    assert chosen.status_code == 302, chosen.context and chosen.context["form"].errors
    assert JobOffer.objects.get().occupation == wire_drawer


def test_wanted_occupation_picker_without_js(
    web_as: WebAs, counsellor_a: Any, client_a: Any, profile_a: JobSeekerProfile
) -> None:
    action = reverse("jobs:wanted_add", kwargs={"client_id": client_a.pk})
    web = web_as(counsellor_a)
    typed = web.post(action, {"occupation_query": "welder"})
    assert_form_error(typed, "occupation", form="wanted_form")
    welder = occupation("welder")
    assert _radio_values(typed, action)[0] == str(welder.pk)
    chosen = browser_post(web, typed, action, {"occupation": str(welder.pk)})
    assert chosen.status_code == 302
    assert welder in profile_a.occupations_wanted.all()


def test_experience_picker_without_js_keeps_the_chosen_occupation(
    web_as: WebAs, counsellor_a: Any, client_a: Any, profile_a: JobSeekerProfile
) -> None:
    """The experience form also carries the occupation as a hidden field: the radio
    button picked must still win."""
    action = reverse("jobs:experience_add", kwargs={"client_id": client_a.pk})
    web = web_as(counsellor_a)
    typed = web.post(
        action, {"occupation_query": "wire drawer", "country": "DE", "start_date": "2019-01-01"}
    )
    assert_form_error(typed, "occupation", form="experience_form")
    assert not Experience.objects.exists()
    wire_drawer = occupation()
    chosen = browser_post(web, typed, action, {"occupation": str(wire_drawer.pk)})
    assert chosen.status_code == 302, chosen.context and chosen.context["experience_form"].errors
    experience = Experience.objects.get()
    assert (experience.occupation, experience.country) == (wire_drawer, "DE")
    assert experience.start_date == dt.date(2019, 1, 1)


def test_occupation_suggestions_for_htmx(web_as: WebAs, counsellor_a: Any) -> None:
    response = web_as(counsellor_a).get(
        reverse("jobs:occupation_suggest"), {"occupation_query": "wire drawer"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "metal drawing machine operator" in text
    assert f'value="{occupation().pk}"' in text
    empty = web_as(counsellor_a).get(reverse("jobs:occupation_suggest"), {"occupation_query": ""})
    assert 'type="radio"' not in empty.content.decode()


# Profile forms ----------------------------------------------------------------------------


def _profile_url(name: str, client: Any) -> str:
    return reverse(f"jobs:{name}", kwargs={"client_id": client.pk})


PROFILE_BAD_INPUT = [
    ({"country": ""}, "country"),
    ({"country": "XX"}, "country"),
    ({"max_distance_km": "-5"}, "max_distance_km"),
    ({"max_distance_km": "far"}, "max_distance_km"),
    ({"available_from": "soon"}, "available_from"),
    ({"lang_1": "ar"}, "lang_1_level"),
    ({"skills": "999999"}, "skills"),
    ({"summary": "x" * 2001}, "summary"),
]


@pytest.mark.parametrize(
    ("changes", "field"),
    PROFILE_BAD_INPUT,
    ids=[
        "no-country",
        "unknown-country",
        "negative-distance",
        "distance-not-a-number",
        "date-not-a-date",
        "language-without-level",
        "unknown-skill",
        "summary-too-long",
    ],
)
def test_profile_form_refuses_bad_input(
    web_as: WebAs,
    counsellor_a: Any,
    client_a: Any,
    row_counts: Counts,
    changes: dict[str, Any],
    field: str,
) -> None:
    data = {"country": "IQ", "city": "Erbil", "max_distance_km": "30", **changes}
    before = row_counts()
    response = web_as(counsellor_a).post(_profile_url("profile", client_a), data)
    assert_form_error(response, field)
    assert row_counts() == before


def test_profile_form_creates_the_profile(web_as: WebAs, counsellor_a: Any, client_a: Any) -> None:
    response = web_as(counsellor_a).post(
        _profile_url("profile", client_a),
        {
            "country": "IQ",
            "city": "Duhok",
            "max_distance_km": "50",
            "willing_to_move": "on",
            "lang_1": "ar",
            "lang_1_level": "4",
        },
    )
    assert response.status_code == 302
    profile = JobSeekerProfile.objects.get(client=client_a)
    assert (profile.city, profile.max_distance_km, profile.willing_to_move) == ("Duhok", 50, True)
    assert profile.languages == {"ar": 4}


def test_wanted_form_refuses_a_sixth_occupation(
    web_as: WebAs, counsellor_a: Any, client_a: Any, row_counts: Counts
) -> None:
    five = list(occupation().isco.occupations.all()[:5])
    JobSeekerProfileFactory(client=client_a, wanted=five)
    before = row_counts()
    response = web_as(counsellor_a).post(
        _profile_url("wanted_add", client_a),
        {"occupation_query": "welder", "occupation": occupation("welder").pk},
    )
    assert_form_error(response, "occupation", form="wanted_form")
    assert "five" in " ".join(response.context["wanted_form"].errors["occupation"])
    assert row_counts() == before


EXPERIENCE_BAD_INPUT = [
    ({"occupation": None, "occupation_query": ""}, "occupation"),
    ({"start_date": ""}, "start_date"),
    ({"start_date": "2023-01-01", "end_date": "2022-01-01"}, "end_date"),
    ({"country": "XX"}, "country"),
    ({"description": "x" * 501}, "description"),
]


@pytest.mark.parametrize(
    ("changes", "field"),
    EXPERIENCE_BAD_INPUT,
    ids=["no-occupation", "no-start", "end-before-start", "unknown-country", "too-long"],
)
def test_experience_form_refuses_bad_input(
    web_as: WebAs,
    counsellor_a: Any,
    client_a: Any,
    profile_a: JobSeekerProfile,
    row_counts: Counts,
    changes: dict[str, Any],
    field: str,
) -> None:
    data = {
        "occupation_query": "wire drawer",
        "occupation": occupation().pk,
        "country": "DE",
        "start_date": "2019-01-01",
        **changes,
    }
    before = row_counts()
    response = web_as(counsellor_a).post(
        _profile_url("experience_add", client_a), {k: v for k, v in data.items() if v is not None}
    )
    assert_form_error(response, field, form="experience_form")
    assert row_counts() == before


QUALIFICATION_BAD_INPUT = [
    ({"title": ""}, "title"),
    ({"awarded_in": "XX"}, "awarded_in"),
    ({"year": "1800"}, "year"),
    ({"recognition": "maybe"}, "recognition"),
    ({"certificate_code": "x" * 65}, "certificate_code"),
]


@pytest.mark.parametrize(
    ("changes", "field"),
    QUALIFICATION_BAD_INPUT,
    ids=["no-title", "unknown-country", "year-too-early", "unknown-recognition", "long-code"],
)
def test_qualification_form_refuses_bad_input(
    web_as: WebAs,
    counsellor_a: Any,
    client_a: Any,
    profile_a: JobSeekerProfile,
    row_counts: Counts,
    changes: dict[str, Any],
    field: str,
) -> None:
    data = {"title": "Welder (IHK)", "awarded_in": "DE", "recognition": "pending", **changes}
    before = row_counts()
    response = web_as(counsellor_a).post(_profile_url("qualification_add", client_a), data)
    assert_form_error(response, field, form="qualification_form")
    assert row_counts() == before
    assert not Qualification.objects.exists()


def test_profile_part_forms_save_good_input(
    web_as: WebAs, counsellor_a: Any, client_a: Any, profile_a: JobSeekerProfile
) -> None:
    web = web_as(counsellor_a)
    assert (
        web.post(
            _profile_url("qualification_add", client_a),
            {"title": "Welder (IHK)", "awarded_in": "DE", "year": "2022", "recognition": "partial"},
        ).status_code
        == 302
    )
    assert profile_a.qualifications.get().recognition == "partial"


# Proposing from the matches page ------------------------------------------------------------


def test_propose_button_without_consent_says_why_and_writes_nothing(
    web_as: WebAs,
    counsellor_a: Any,
    case_a: Any,
    client_a: Any,
    offer_a: JobOffer,
    profile_a: JobSeekerProfile,
    row_counts: Counts,
) -> None:
    url = reverse("jobs:propose", kwargs={"client_id": client_a.pk, "offer_id": offer_a.pk})
    before = row_counts()
    response = web_as(counsellor_a).post(url, {"score": "90"}, follow=True)
    assert "has not consented" in response.content.decode()
    assert row_counts() == before
    job_matching_consent(client_a)
    assert web_as(counsellor_a).post(url, {"score": "90"}).status_code == 302
    # The score is the service's own computation, never what the browser sent.
    assert Application.objects.get().score not in (None, 90)


# The employer area ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.PUBLISHED])
def test_another_company_gets_404_on_the_offers_of_this_one(
    web_as: WebAs, other_employer: Any, offer_a: JobOffer, row_counts: Counts, status: str
) -> None:
    JobOffer.objects.filter(pk=offer_a.pk).update(status=status)
    web = web_as(other_employer)
    kwargs = {"offer_id": offer_a.pk}
    before = row_counts()
    assert web.get(reverse("jobs:offer_detail", kwargs=kwargs)).status_code == 404
    assert web.get(reverse("jobs:offer_edit", kwargs=kwargs)).status_code == 404
    assert web.post(reverse("jobs:offer_edit", kwargs=kwargs), {}).status_code == 404
    assert (
        web.post(reverse("jobs:offer_status", kwargs=kwargs), {"status": "closed"}).status_code
        == 404
    )
    listing = web.get(reverse("jobs:offer_list"))
    assert offer_a not in listing.context["page"].object_list
    assert row_counts() == before


def test_an_employer_may_only_create_offers_of_their_own_company(
    web_as: WebAs, other_employer: Any, employer_a: Any, row_counts: Counts
) -> None:
    own = other_employer.memberships.get().organisation
    web = web_as(other_employer)
    form = web.get(CREATE).context["form"]
    assert list(form.fields["employer"].queryset) == [own]
    assert form.fields["employer"].widget.is_hidden
    before = row_counts()
    response = web.post(CREATE, offer_post(employer_a))
    assert response.status_code == 400
    assert "employer" in response.context["form"].errors
    assert row_counts() == before
    assert web.post(CREATE, offer_post(own)).status_code == 302
    offer = JobOffer.objects.get()
    assert (offer.employer, offer.registered_by) == (own, None)


def test_a_centre_chooses_among_all_employers(
    web_as: WebAs, counsellor_a: Any, employer_a: Any, other_employer: Any
) -> None:
    form = web_as(counsellor_a).get(CREATE).context["form"]
    employers = set(form.fields["employer"].queryset)
    assert {employer_a, other_employer.memberships.get().organisation} <= employers
    assert all(e.kind == "employer" for e in employers)


def test_employer_staff_see_their_offers_and_candidates_but_propose_nothing(
    web_as: WebAs, employer_staff: Any, offer_a: JobOffer
) -> None:
    page = web_as(employer_staff).get(reverse("jobs:offer_detail", kwargs={"offer_id": offer_a.pk}))
    assert page.status_code == 200
    assert page.context["can_edit"] and page.context["can_change_status"]
    assert page.context["can_propose"] is False
    assert page.context["candidates"] == []


@pytest.mark.parametrize("who", ["partner_staff", "client_user"])
def test_people_without_offers_cannot_open_the_offer_pages(
    web_as: WebAs, request: pytest.FixtureRequest, who: str
) -> None:
    web = web_as(request.getfixturevalue(who))
    assert web.get(reverse("jobs:offer_list")).status_code == 403
    assert web.get(CREATE).status_code == 403


# Query counts -----------------------------------------------------------------------------


def _queries(web: HttpClient, url: str) -> tuple[int, Any]:
    web.get(url)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _offers(n: int, centre: Any) -> None:
    skills = transversal_skills(3)
    for _ in range(n):
        JobOfferFactory(
            employer=EmployerFactory(),
            registered_by=centre,
            required_skills=skills[:2],
            optional_skills=skills[2:],
        )


def test_offer_list_query_count_does_not_grow_with_rows(
    web_as: WebAs, counsellor_a: Any, centre_a: Any
) -> None:
    web = web_as(counsellor_a)
    url = reverse("jobs:offer_list")
    _offers(3, centre_a)
    few, response = _queries(web, url)
    assert len(response.context["page"].object_list) == 3
    _offers(27, centre_a)
    many, response = _queries(web, url)
    assert len(response.context["page"].object_list) == 25
    assert many == few


def test_matches_page_query_count_does_not_grow_with_offers(
    web_as: WebAs, counsellor_a: Any, client_a: Any, centre_a: Any, profile_a: JobSeekerProfile
) -> None:
    ExperienceFactory(profile=profile_a)
    ExperienceFactory(profile=profile_a, occupation=occupation("welder"))
    profile_a.skills.set(transversal_skills(2))
    web = web_as(counsellor_a)
    url = _profile_url("matches", client_a)
    _offers(3, centre_a)
    few, response = _queries(web, url)
    assert len(response.context["matches"]) == 3
    _offers(27, centre_a)
    many, response = _queries(web, url)
    assert len(response.context["matches"]) == 20
    assert many == few


def test_offer_page_query_count_does_not_grow_with_candidates(
    web_as: WebAs, counsellor_a: Any, centre_a: Any, offer_a: JobOffer
) -> None:
    def seekers(n: int) -> None:
        for _ in range(n):
            profile = JobSeekerProfileFactory(
                client=ClientFactory(organisation=centre_a), wanted=[occupation()]
            )
            ExperienceFactory(profile=profile)

    web = web_as(counsellor_a)
    url = reverse("jobs:offer_detail", kwargs={"offer_id": offer_a.pk})
    seekers(3)
    few, response = _queries(web, url)
    assert len(response.context["candidates"]) == 3
    seekers(27)
    many, response = _queries(web, url)
    assert len(response.context["candidates"]) == 20
    assert many == few


def test_matches_list_the_best_open_offers_with_reasons(
    web_as: WebAs, counsellor_a: Any, client_a: Any, profile_a: JobSeekerProfile, centre_a: Any
) -> None:
    best = JobOfferFactory(registered_by=centre_a, title="Exactly this job")
    JobOfferFactory(registered_by=centre_a, status=OfferStatus.DRAFT, title="Draft job")
    JobOfferFactory(
        registered_by=centre_a,
        title="Too late",
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    JobOfferFactory(registered_by=centre_a, title="Far away", country_id="DE", city="Berlin")
    response = web_as(counsellor_a).get(_profile_url("matches", client_a))
    assert response.status_code == 200
    titles = [m.offer.title for m, _reasons in response.context["matches"]]
    assert titles == [best.title]
    text = response.content.decode()
    assert "wants exactly this occupation" in text
    assert "in the same city" in text


def test_employer_staff_of_a_second_company_member_sees_only_own(
    web_as: WebAs, employer_a: Any, offer_a: JobOffer
) -> None:
    """A colleague in the same company sees the company's offers, a draft included."""
    colleague = staff(employer_a, Role.EMPLOYER, name="HR colleague")
    draft = JobOfferFactory(employer=employer_a, status=OfferStatus.DRAFT, published_at=None)
    JobOfferFactory()  # another company's published offer
    listing = web_as(colleague).get(reverse("jobs:offer_list"))
    assert set(listing.context["page"].object_list) == {offer_a, draft}
