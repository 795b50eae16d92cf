"""Ranked lists (offers for a client, candidates for an offer) grow by "show more"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from perspektive.jobs.models import JobOffer, JobSeekerProfile
from perspektive.jobs.tests.factories import JobOfferFactory

pytestmark = pytest.mark.django_db


def test_matches_page_shows_twenty_then_more(
    counsellor_a: Any,
    case_a: Any,
    client_a: Any,
    profile_a: JobSeekerProfile,
    employer_a: Any,
    wire_drawer: Any,
) -> None:
    for i in range(25):
        JobOfferFactory(
            employer=employer_a,
            occupation=wire_drawer,
            title=f"Offer {i:02d}",
            country_id=profile_a.country_id,
            city=profile_a.city,
            status="published",
        )
    assert JobOffer.objects.count() == 25
    web = HttpClient()
    web.force_login(counsellor_a)
    url = reverse("jobs:matches", kwargs={"client_id": client_a.pk})
    first = web.get(url).content.decode()
    assert len(re.findall(r'class="score"', first)) == 20
    assert 'shown=40">Show more' in first
    second = web.get(url, {"shown": "40"}).content.decode()
    assert len(re.findall(r'class="score"', second)) == 25
    assert "Show more" not in second
    assert web.get(url, {"shown": "x"}).status_code == 200
