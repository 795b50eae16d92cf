"""The audit trail: every write leaves exactly its row, reads of a person leave a ``view``
row, a failed audit write fails the request and rolls the change back, and the trail never
holds the values of what changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from perspektive.accounts.tests.factories import api_token_for
from perspektive.audit import services as audit_services
from perspektive.audit.models import AuditEvent
from perspektive.cases import services as case_services
from perspektive.cases.models import Case, Measure
from perspektive.cases.tests.factories import PlanFactory, measure_type
from perspektive.clients import services as client_services
from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent import services as consent_services
from perspektive.consent.models import Consent, Purpose
from perspektive.consent.tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]


class AuditDown(Exception):
    pass


@pytest.fixture
def audit_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing an audit row fails (disk full, constraint, lost connection...)."""

    def boom(*args: Any, **kwargs: Any) -> None:
        raise AuditDown("audit store unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", boom)


@pytest.fixture
def world(
    client_a: Client, case_a: Case, counsellor_a: Any, lead_a: Any, centre_a: Any, centre_b: Any
) -> dict[str, Any]:
    measure = Measure.objects.create(
        plan=PlanFactory(case=case_a), type=measure_type(), created_by=counsellor_a
    )
    return {
        "client": client_a,
        "case": case_a,
        "counsellor": counsellor_a,
        "lead": lead_a,
        "centre": centre_a,
        "other_centre": centre_b,
        "measure": measure,
        "consent": ConsentFactory(client=client_a, purpose=Purpose.JOB_MATCHING),
        "fresh": ClientFactory(organisation=centre_a, name="Omar Haddad"),  # no case yet
    }


# name -> (call the service, expected (action, object type), expected detail keys)
WRITES: dict[str, tuple[Callable[[dict[str, Any]], Any], tuple[str, str], set[str]]] = {
    "client_create": (
        lambda w: client_services.client_create(
            actor=w["counsellor"],
            organisation=w["centre"],
            name="Nadia Karimi",
            target_group="local",
            confirm_not_duplicate=True,
            health_notes="asthma",
        ),
        ("create", "clients.client"),
        set(),
    ),
    "client_update": (
        lambda w: client_services.client_update(
            actor=w["counsellor"], client_id=w["client"].pk, household_size=3
        ),
        ("update", "clients.client"),
        {"fields"},
    ),
    "case_open": (
        lambda w: case_services.case_open(
            actor=w["counsellor"], client_id=w["fresh"].pk, organisation=w["centre"]
        ),
        ("create", "cases.case"),
        {"case_id"},
    ),
    "case_update": (
        lambda w: case_services.case_update(
            actor=w["counsellor"], case_id=w["case"].pk, next_follow_up=dt.date(2030, 1, 1)
        ),
        ("update", "cases.case"),
        {"case_id", "fields"},
    ),
    "case_change_status": (
        lambda w: case_services.case_change_status(
            actor=w["counsellor"], case_id=w["case"].pk, to_status="assessment"
        ),
        ("status", "cases.case"),
        {"case_id", "from_status", "to_status"},
    ),
    "case_transfer": (
        lambda w: case_services.case_transfer(
            actor=w["lead"],
            case_id=w["case"].pk,
            to_organisation=w["other_centre"],
            override_reason="urgent",
        ),
        ("consent_override", "clients.client"),
        {"purpose", "partner_id", "reason"},
    ),
    "note_add": (
        lambda w: case_services.note_add(actor=w["counsellor"], case_id=w["case"].pk, text="hi"),
        ("create", "cases.note"),
        {"case_id"},
    ),
    "assessment_record": (
        lambda w: case_services.assessment_record(
            actor=w["counsellor"], case_id=w["case"].pk, needs={"housing": 2}
        ),
        ("create", "cases.assessment"),
        {"case_id", "domains"},
    ),
    "plan_update": (
        lambda w: case_services.plan_update(
            actor=w["counsellor"], case_id=w["case"].pk, goals="work", agreed_with_client=True
        ),
        ("update", "cases.reintegrationplan"),
        {"case_id"},
    ),
    "measure_add": (
        lambda w: case_services.measure_add(
            actor=w["counsellor"], case_id=w["case"].pk, type=measure_type("internship")
        ),
        ("create", "cases.measure"),
        {"case_id", "type", "category"},
    ),
    "measure_set_status": (
        lambda w: case_services.measure_set_status(
            actor=w["counsellor"], measure_id=w["measure"].pk, status="ongoing"
        ),
        ("update", "cases.measure"),
        {"case_id", "status"},
    ),
    "consent_record": (
        lambda w: consent_services.consent_record(
            actor=w["counsellor"],
            client_id=w["client"].pk,
            purpose=Purpose.HANDOVER,
            method="written",
            notice_version="1",
            notice_language="ar",
        ),
        ("create", "consent.consent"),
        {"purpose"},
    ),
    "consent_withdraw": (
        lambda w: consent_services.consent_withdraw(
            actor=w["counsellor"], consent_id=w["consent"].pk
        ),
        ("update", "consent.consent"),
        {"withdrawn", "purpose"},
    ),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_every_write_leaves_exactly_its_audit_row(world: dict[str, Any], name: str) -> None:
    call, (action, object_type), detail_keys = WRITES[name]
    actor = world["lead"] if name == "case_transfer" else world["counsellor"]
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    call(world)

    new = list(AuditEvent.objects.exclude(pk__in=before).order_by("id"))
    if name == "case_transfer":  # the override, then the sharing itself
        assert [(e.action, e.object_type) for e in new] == [
            ("consent_override", "clients.client"),
            ("share", "cases.case"),
        ]
    else:
        assert [(e.action, e.object_type) for e in new] == [(action, object_type)]
    event = new[0]
    assert event.actor == actor
    assert set(event.detail) == detail_keys
    assert event.client_id is not None
    assert event.organisation_id is not None


@pytest.mark.parametrize("name", list(WRITES))
def test_a_failed_audit_write_fails_the_service_and_rolls_back(
    world: dict[str, Any], row_counts: Counts, audit_fails: None, name: str
) -> None:
    call = WRITES[name][0]
    case = world["case"]
    before = row_counts()
    snapshot = Case.objects.filter(pk=case.pk).values().get()
    consents = list(Consent.objects.values())

    with pytest.raises(AuditDown):
        call(world)

    assert row_counts() == before
    assert Case.objects.filter(pk=case.pk).values().get() == snapshot
    assert list(Consent.objects.values()) == consents
    client = Client.objects.get(pk=world["client"].pk)
    assert client.household_size is None


def test_a_failed_audit_write_fails_the_page_and_saves_nothing(
    counsellor_a: Any, centre_a: Any, case_a: Case, row_counts: Counts, audit_fails: None
) -> None:
    web = HttpClient(raise_request_exception=False)
    web.force_login(counsellor_a)
    before = row_counts()

    created = web.post(
        reverse("clients:create"),
        {
            "organisation": centre_a.pk,
            "name": "Audit Less",
            "sex": "female",
            "target_group": "local",
            "confirm_not_duplicate": "on",
        },
    )
    note = web.post(reverse("cases:note_add", kwargs={"case_id": case_a.pk}), {"text": "x"})
    status = web.post(
        reverse("cases:status", kwargs={"case_id": case_a.pk}), {"to_status": "assessment"}
    )

    assert (created.status_code, note.status_code, status.status_code) == (500, 500, 500)
    assert row_counts() == before
    assert not Client.objects.filter(name="Audit Less").exists()


def test_a_failed_audit_write_fails_the_api_and_saves_nothing(
    counsellor_a: Any, centre_a: Any, case_a: Case, row_counts: Counts, audit_fails: None
) -> None:
    api = HttpClient(
        raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {api_token_for(counsellor_a)}"
    )
    before = row_counts()
    created = api.post(
        "/api/v1/clients",
        {
            "organisation_id": centre_a.pk,
            "name": "Audit Less",
            "target_group": "local",
            "confirm_not_duplicate": True,
        },
        content_type="application/json",
    )
    status = api.post(
        f"/api/v1/cases/{case_a.pk}/status",
        {"to_status": "assessment"},
        content_type="application/json",
    )
    assert created.status_code == 500
    assert status.status_code == 500
    assert row_counts() == before


def test_a_failed_view_audit_shows_nothing(
    counsellor_a: Any, client_a: Client, case_a: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(**kwargs: Any) -> None:
        raise AuditDown

    # Patch where the selectors look it up: the read must not be served without its row.
    monkeypatch.setattr("perspektive.clients.selectors.audit_record", boom)
    monkeypatch.setattr("perspektive.cases.selectors.audit_record", boom)
    web = HttpClient(raise_request_exception=False)
    web.force_login(counsellor_a)
    api = HttpClient(
        raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {api_token_for(counsellor_a)}"
    )
    for response in (
        web.get(reverse("clients:detail", kwargs={"client_id": client_a.pk})),
        web.get(reverse("cases:detail", kwargs={"case_id": case_a.pk})),
        api.get(f"/api/v1/clients/{client_a.pk}"),
        api.get(f"/api/v1/cases/{case_a.pk}"),
    ):
        assert response.status_code == 500
        assert client_a.name not in response.content.decode()


def test_audit_record_refuses_to_run_outside_a_transaction(
    counsellor_a: Any, client_a: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NotAtomic:
        in_atomic_block = False

    monkeypatch.setattr(audit_services.transaction, "get_connection", lambda: NotAtomic())
    with pytest.raises(RuntimeError):
        audit_services.audit_record(actor=counsellor_a, action="view", obj=client_a)


# Views of person data -------------------------------------------------------------------


def test_viewing_client_and_case_writes_view_events_in_ui_and_api(
    counsellor_a: Any, client_a: Client, case_a: Case
) -> None:
    web = HttpClient()
    web.force_login(counsellor_a)
    api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {api_token_for(counsellor_a)}")

    web.get(reverse("clients:detail", kwargs={"client_id": client_a.pk}))
    web.get(reverse("cases:detail", kwargs={"case_id": case_a.pk}))
    api.get(f"/api/v1/clients/{client_a.pk}")
    api.get(f"/api/v1/cases/{case_a.pk}")

    events = list(
        AuditEvent.objects.order_by("id").values_list("action", "object_type", "object_id")
    )
    assert events == [
        ("view", "clients.client", str(client_a.pk)),
        ("view", "cases.case", str(case_a.pk)),
        ("view", "clients.client", str(client_a.pk)),
        ("view", "cases.case", str(case_a.pk)),
    ]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {counsellor_a.pk}
    assert set(AuditEvent.objects.values_list("client_id", flat=True)) == {client_a.pk}


def test_a_refused_view_writes_no_view_event(
    counsellor_b: Any, client_a: Client, case_a: Case
) -> None:
    web = HttpClient()
    web.force_login(counsellor_b)
    assert web.get(reverse("clients:detail", kwargs={"client_id": client_a.pk})).status_code == 404
    assert web.get(reverse("cases:detail", kwargs={"case_id": case_a.pk})).status_code == 404
    assert not AuditEvent.objects.exists()


# Names, never values --------------------------------------------------------------------

SECRETS = {
    "health_notes": "HIV positive since 2019",
    "psychosocial_notes": "Suicidal thoughts in detention",
    "migration_status": "Deportation order 2025",
}


def test_update_events_list_field_names_never_values(
    counsellor_a: Any, client_a: Client, case_a: Case
) -> None:
    api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {api_token_for(counsellor_a)}")
    response = api.patch(
        f"/api/v1/clients/{client_a.pk}",
        {**SECRETS, "email": "secret.person@example.org", "household_size": 7},
        content_type="application/json",
    )
    assert response.status_code == 200
    web = HttpClient()
    web.force_login(counsellor_a)
    web.post(
        reverse("cases:edit", kwargs={"case_id": case_a.pk}),
        {"counsellor": counsellor_a.pk, "vulnerabilities": ["trafficking"]},
    )

    client_event = AuditEvent.objects.get(action="update", object_type="clients.client")
    assert client_event.detail == {
        "fields": [
            "email",
            "health_notes",
            "household_size",
            "migration_status",
            "psychosocial_notes",
        ]
    }
    case_event = AuditEvent.objects.get(action="update", object_type="cases.case")
    assert case_event.detail["fields"] == ["vulnerabilities"]
    trail = " ".join(str(d) for d in AuditEvent.objects.values_list("detail", flat=True))
    for value in [*SECRETS.values(), "secret.person", "trafficking"]:
        assert value not in trail
