from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from perspektive.clients.models import Client, TargetGroup
from perspektive.clients.search_keys import search_keys_for
from perspektive.clients.selectors import DUPLICATE_ROWS, client_duplicates
from perspektive.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_the_same_birth_date_is_found_among_many_namesakes(
    centre_a: Any, counsellor_a: Any
) -> None:
    """Common names fill the ±1 year window; the real duplicate (same date of birth) must
    still be among the candidates, and first."""
    born = dt.date(1990, 5, 17)
    namesakes = [
        Client(
            organisation=centre_a,
            name=f"Mohamed Hassan {i}",
            name_latin="Mohamed Hassan",
            search_keys=search_keys_for("Mohamed Hassan", "Mohamed Hassan", [centre_a.pk]),
            birth_date=born + dt.timedelta(days=1 + i % 300),
            target_group=TargetGroup.LOCAL,
        )
        for i in range(DUPLICATE_ROWS + 50)
    ]
    Client.objects.bulk_create(namesakes)
    twin = ClientFactory(
        organisation=centre_a, name="محمد حسن", name_latin="Muhammad Hasan", birth_date=born
    )
    found = client_duplicates(user=counsellor_a, name="Mohammed Hassan", birth_date=born)
    assert found and found[0].client == twin
    assert found[0].reasons == ["similar_name", "same_birth_date"]
