"""Personas shared by every test (STYLE.md): a counsellor and a lead of centre A, a
counsellor of centre B, partner staff, a client with a login, a programme manager and an
operator, plus centre A's client with an open case assigned to the counsellor."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from perspektive.accounts.tests.factories import api_token_for
from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.authz import Role
from perspektive.core.tests.migrated_rows import dump_migrated_rows, put_back_migrated_rows
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, UserFactory, staff


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Tests never reach the network; only loopback (database, live server) is allowed."""
    if request.node.get_closest_marker("e2e") or request.node.get_closest_marker("allow_network"):
        return
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (
            host.startswith(("127.", "/")) or host in {"localhost", "::1"}
        ):
            return real_connect(self, address)
        raise RuntimeError(f"Tests may not use the network (tried {address!r})")

    monkeypatch.setattr(socket.socket, "connect", guarded)


_MIGRATED_ROWS: list[str] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """pytest-django's database set-up, then a copy of the rows the data migrations load
    (countries, measure types, ESCO...), taken before any test can empty the tables."""
    with django_db_blocker.unblock():
        _MIGRATED_ROWS[:] = [dump_migrated_rows()]


@pytest.fixture(scope="session")
def _migrated_rows(django_db_setup: None) -> str:
    return _MIGRATED_ROWS[0]


@pytest.fixture
def restore_migrated_rows(_migrated_rows: str, django_db_blocker: Any) -> Any:
    """For transactional tests (threads, other connections): after the test empties the
    tables, the following tests on this worker still find the countries and catalogues."""
    yield
    with django_db_blocker.unblock():
        put_back_migrated_rows(_migrated_rows)


@pytest.fixture
def centre_a(db: Any) -> Any:
    return OrganisationFactory(name="Centre Erbil", slug="centre-a", country_id="IQ")


@pytest.fixture
def centre_b(db: Any) -> Any:
    return OrganisationFactory(name="Centre Dakar", slug="centre-b", country_id="SN", city="Dakar")


@pytest.fixture
def partner_org(db: Any) -> Any:
    return OrganisationFactory(name="Partner NGO", slug="ngo", kind=OrganisationKind.CIVIL_SOCIETY)


@pytest.fixture
def funder(db: Any) -> Any:
    return OrganisationFactory(
        name="Programme HQ", slug="hq", kind=OrganisationKind.FUNDER, country_id="DE", city="Bonn"
    )


@pytest.fixture
def return_office(db: Any) -> Any:
    return OrganisationFactory(
        name="Return office Berlin",
        slug="ro-berlin",
        kind=OrganisationKind.RETURN_OFFICE,
        country_id="DE",
        city="Berlin",
    )


@pytest.fixture
def counsellor_a(centre_a: Any) -> Any:
    return staff(centre_a, Role.COUNSELLOR, name="Dilan A")


@pytest.fixture
def colleague_a(centre_a: Any) -> Any:
    """Another counsellor of centre A: sees A's cases but is not assigned to them."""
    return staff(centre_a, Role.COUNSELLOR, name="Colleague A")


@pytest.fixture
def lead_a(centre_a: Any) -> Any:
    return staff(centre_a, Role.CENTRE_LEAD, name="Lead A")


@pytest.fixture
def counsellor_b(centre_b: Any) -> Any:
    return staff(centre_b, Role.COUNSELLOR, name="Counsellor B")


@pytest.fixture
def return_counsellor(return_office: Any) -> Any:
    """A return counsellor in Germany: sees the office's clients, never special categories."""
    return staff(return_office, Role.RETURN_COUNSELLOR, name="Return Counsellor")


@pytest.fixture
def partner_staff(partner_org: Any) -> Any:
    return staff(partner_org, Role.PARTNER_STAFF, name="Partner Staff")


@pytest.fixture
def programme_manager(funder: Any) -> Any:
    return staff(funder, Role.PROGRAMME_MANAGER, name="Programme Manager")


@pytest.fixture
def operator(db: Any) -> Any:
    return UserFactory(name="Operator", is_superuser=True, is_staff=True)


@pytest.fixture
def client_user(centre_b: Any) -> Any:
    """A client with a login, registered at centre B (so not centre A's person)."""
    user = UserFactory(name="Client Person")
    ClientFactory(organisation=centre_b, user=user, name="Client Person")
    return user


@pytest.fixture
def client_a(centre_a: Any) -> Any:
    return ClientFactory(
        organisation=centre_a, name="محمد الجبوري", name_latin="Mohammed Al-Jubouri"
    )


@pytest.fixture
def case_a(client_a: Any, counsellor_a: Any) -> Any:
    return CaseFactory(client=client_a, organisation=client_a.organisation, counsellor=counsellor_a)


@pytest.fixture
def other_employer(db: Any) -> Any:
    """Staff of a company that is not centre A's partner."""
    company = OrganisationFactory(
        name="Other Company",
        slug="other-company",
        kind=OrganisationKind.EMPLOYER,
        country_id="AL",
        city="Tirana",
    )
    return staff(company, Role.EMPLOYER, name="Other Employer")


@pytest.fixture
def outsiders(
    counsellor_b: Any,
    partner_staff: Any,
    client_user: Any,
    programme_manager: Any,
    operator: Any,
    other_employer: Any,
) -> dict[str, Any]:
    return {
        "employer of another company": other_employer,
        "counsellor of centre B": counsellor_b,
        "partner staff": partner_staff,
        "client": client_user,
        "programme manager": programme_manager,
        "operator": operator,
    }


@pytest.fixture
def web_as(db: Any) -> Callable[[Any], HttpClient]:
    """A browser session logged in as the given user."""

    def make(user: Any) -> HttpClient:
        web = HttpClient()
        web.force_login(user)
        return web

    return make


@pytest.fixture
def api_as(db: Any) -> Callable[[Any], HttpClient]:
    """An API client sending a fresh bearer token of the given user."""

    def make(user: Any) -> HttpClient:
        return HttpClient(HTTP_AUTHORIZATION=f"Bearer {api_token_for(user)}")

    return make


@pytest.fixture
def row_counts(db: Any) -> Callable[[], dict[str, int]]:
    """Rows per person-data table and audit events: compare before and after a refused write."""
    from perspektive.audit.models import AuditEvent
    from perspektive.cases.models import (
        Assessment,
        AssessmentNeed,
        Case,
        CaseStatusChange,
        Measure,
        Note,
        ReintegrationPlan,
    )
    from perspektive.clients.models import Client
    from perspektive.consent.models import Consent

    models = [
        Client,
        Case,
        CaseStatusChange,
        Note,
        Assessment,
        AssessmentNeed,
        ReintegrationPlan,
        Measure,
        Consent,
        AuditEvent,
    ]

    def counts() -> dict[str, int]:
        return {m.__name__: m.objects.count() for m in models}

    return counts
