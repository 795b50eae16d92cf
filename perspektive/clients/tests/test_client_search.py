"""Finding clients whatever the script or spelling: ``client_search`` and the list page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.models import Client
from perspektive.clients.selectors import client_search
from perspektive.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

WebAs = Callable[[Any], HttpClient]


@pytest.fixture
def people(centre_a: Any, centre_b: Any) -> dict[str, Client]:
    def make(name: str, **kw: Any) -> Client:
        return ClientFactory(organisation=kw.pop("organisation", centre_a), name=name, **kw)

    return {
        "arabic": make("محمد علي", birth_date=dt.date(1991, 2, 3)),
        "muhammad": make("Muhammad Khan", birth_date=dt.date(1985, 7, 1)),
        "mohammed": make("Mohammed Saleh", birth_date=dt.date(1991, 8, 9)),
        "mahmoud": make("Mahmoud Fathi", birth_date=dt.date(1991, 2, 3)),
        "ibrahim": make("Ibrahim Touré", birth_date=dt.date(1991, 2, 3)),
        "fatima": make("فاطمة الزهراء", birth_date=dt.date(2000, 1, 1)),
        "approx": make(
            "Mohamed Approx", birth_date=dt.date(1991, 1, 1), birth_date_approximate=True
        ),
        "other_centre": make("Mohamed Ndiaye", organisation=centre_b),
    }


def _names(page: Any) -> set[str]:
    return {c.name for c in page.items}


def test_mohamed_finds_arabic_and_latin_spellings(
    counsellor_a: Any, people: dict[str, Client]
) -> None:
    page = client_search(user=counsellor_a, query="Mohamed")
    found = _names(page)
    for key in ("arabic", "muhammad", "mohammed", "approx"):
        assert people[key].name in found, key
    assert people["ibrahim"].name not in found
    assert people["fatima"].name not in found
    assert people["other_centre"].name not in found
    assert not page.capped
    # "Mahmoud" shares the consonants (m-h-m-d) and is found, but ranks after the close
    # spellings. (It still ranks above "Muhammad": ranking is by Latin letters.)
    ranked = page.items
    for key in ("approx", "mohammed", "arabic"):
        assert ranked.index(people[key]) < ranked.index(people["mahmoud"]), key
    assert page.total == 5


def test_arabic_query_finds_latin_records(counsellor_a: Any, people: dict[str, Client]) -> None:
    found = _names(client_search(user=counsellor_a, query="محمد"))
    assert {people["muhammad"].name, people["mohammed"].name, people["arabic"].name} <= found
    assert people["ibrahim"].name not in found
    assert people["fatima"].name not in found


def test_latin_query_finds_arabic_records(counsellor_a: Any, people: dict[str, Client]) -> None:
    assert _names(client_search(user=counsellor_a, query="Fatima")) == {people["fatima"].name}


def test_every_word_of_the_query_must_match(counsellor_a: Any, people: dict[str, Client]) -> None:
    assert _names(client_search(user=counsellor_a, query="Mohamed Ali")) == {people["arabic"].name}


def test_the_closest_spelling_ranks_first(counsellor_a: Any, people: dict[str, Client]) -> None:
    page = client_search(user=counsellor_a, query="Mohammed Saleh")
    assert page.items[0] == people["mohammed"]


def test_date_of_birth_filter(counsellor_a: Any, people: dict[str, Client]) -> None:
    page = client_search(user=counsellor_a, query="Mohamed", birth_date=dt.date(1991, 2, 3))
    # The exact date, and an approximate date in the same year; not Ibrahim (same date).
    assert _names(page) == {people["arabic"].name, people["approx"].name, people["mahmoud"].name}
    page = client_search(user=counsellor_a, birth_date=dt.date(1991, 2, 3))
    assert _names(page) == {
        people["arabic"].name,
        people["approx"].name,
        people["mahmoud"].name,
        people["ibrahim"].name,
    }


def test_year_of_birth_filter(counsellor_a: Any, people: dict[str, Client]) -> None:
    page = client_search(user=counsellor_a, birth_year=1991)
    assert _names(page) == {
        people["arabic"].name,
        people["mohammed"].name,
        people["mahmoud"].name,
        people["approx"].name,
        people["ibrahim"].name,
    }
    page = client_search(user=counsellor_a, query="Mohamed", birth_year=1985)
    assert _names(page) == {people["muhammad"].name}


def test_reference_search_finds_exactly_that_client(counsellor_a: Any, centre_a: Any) -> None:
    ClientFactory.create_batch(2, organisation=centre_a)
    wanted: Client = ClientFactory(organisation=centre_a, pk=123, name="Someone Else")
    for query in ("P-000123", "p-000123", "P000123", "P-123", " p-123 "):
        page = client_search(user=counsellor_a, query=query)
        assert page.items == [wanted], query


def test_reference_search_respects_the_scope(counsellor_a: Any, centre_b: Any) -> None:
    foreign: Client = ClientFactory(organisation=centre_b)
    assert client_search(user=counsellor_a, query=foreign.reference).items == []


def test_a_query_of_only_noise_finds_nothing(counsellor_a: Any, people: dict[str, Client]) -> None:
    page = client_search(user=counsellor_a, query="--- ...")
    assert page.items == []
    assert page.total == 0


def test_clients_with_a_case_at_the_centre_are_found_there(
    counsellor_a: Any, centre_a: Any, centre_b: Any
) -> None:
    """A client registered elsewhere is held by every centre with a case for them."""
    visiting: Client = ClientFactory(organisation=centre_b, name="Youssef Ben Ali")
    assert client_search(user=counsellor_a, query="Yusuf").items == []
    CaseFactory(client=visiting, organisation=centre_a)
    assert client_search(user=counsellor_a, query="Yusuf").items == [visiting]


@pytest.mark.parametrize("query", ["", "Person"], ids=["browse", "search"])
def test_pagination_page_two_and_clamping(counsellor_a: Any, centre_a: Any, query: str) -> None:
    ClientFactory.create_batch(7, organisation=centre_a)

    first = client_search(user=counsellor_a, query=query, page=1, page_size=5)
    second = client_search(user=counsellor_a, query=query, page=2, page_size=5)
    beyond = client_search(user=counsellor_a, query=query, page=99, page_size=5)
    below = client_search(user=counsellor_a, query=query, page=0, page_size=5)

    assert (first.number, first.num_pages, first.total) == (1, 2, 7)
    assert len(first.items) == 5
    assert (second.number, len(second.items)) == (2, 2)
    assert not set(first.items) & set(second.items)
    assert first.has_next and not second.has_next and second.has_previous
    assert (beyond.number, beyond.items) == (2, second.items)
    assert (below.number, below.items) == (1, first.items)


# The list page --------------------------------------------------------------------------


def test_search_page_finds_arabic_names_for_a_latin_query(
    web_as: WebAs, counsellor_a: Any, people: dict[str, Client]
) -> None:
    response = web_as(counsellor_a).get(reverse("clients:list"), {"q": "Mohamed"})
    assert response.status_code == 200
    text = response.content.decode()
    assert people["arabic"].name in text
    assert people["muhammad"].name in text
    assert people["ibrahim"].name not in text
    assert people["other_centre"].name not in text


def test_search_page_filters_by_date_and_year(
    web_as: WebAs, counsellor_a: Any, people: dict[str, Client]
) -> None:
    web = web_as(counsellor_a)
    page = web.get(reverse("clients:list"), {"q": "Mohamed", "birth_date": "1991-02-03"}).context[
        "page"
    ]
    assert set(page.items) == {people["arabic"], people["approx"], people["mahmoud"]}
    page = web.get(reverse("clients:list"), {"birth_year": "1985"}).context["page"]
    assert page.items == [people["muhammad"]]


def test_search_page_reference(web_as: WebAs, counsellor_a: Any, centre_a: Any) -> None:
    wanted: Client = ClientFactory(organisation=centre_a, pk=123)
    response = web_as(counsellor_a).get(reverse("clients:list"), {"q": "P-000123"})
    assert response.context["page"].items == [wanted]
    assert "P-000123" in response.content.decode()


def test_search_page_pagination(web_as: WebAs, counsellor_a: Any, centre_a: Any) -> None:
    ClientFactory.create_batch(27, organisation=centre_a)
    web = web_as(counsellor_a)
    second = web.get(reverse("clients:list"), {"page": "2"})
    assert second.status_code == 200
    assert (second.context["page"].number, len(second.context["page"].items)) == (2, 2)
    assert 'rel="prev"' in second.content.decode()
    for bad in ("99", "0", "-3", "abc"):
        response = web.get(reverse("clients:list"), {"page": bad})
        assert response.status_code == 200, bad
        assert response.context["page"].number == (2 if bad == "99" else 1), bad


def test_search_page_htmx_request_gets_only_the_results(
    web_as: WebAs, counsellor_a: Any, people: dict[str, Client]
) -> None:
    response = web_as(counsellor_a).get(
        reverse("clients:list"), {"q": "Fatima"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text
    assert people["fatima"].name in text
