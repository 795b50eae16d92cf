"""Reads of cases, always scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.cases.models import Case, CaseStatus, Measure, ReintegrationPlan
from perspektive.cases.policy import access_case, cases_visible_to
from perspektive.clients.selectors import name_match_filter
from perspektive.consent.models import Consent


def case_list(
    *,
    user: Any,
    status: str = "",
    mine: bool = False,
    query: str = "",
    follow_up_due: bool = False,
    page: int = 1,
    page_size: int = 25,
) -> Page:
    qs: QuerySet[Case] = cases_visible_to(user).select_related(
        "client", "organisation", "counsellor"
    )
    if status == "open":
        qs = qs.exclude(status=CaseStatus.CLOSED)
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(counsellor=user)
    if follow_up_due:
        qs = qs.filter(next_follow_up__lte=timezone.localdate() + dt.timedelta(days=7)).exclude(
            status=CaseStatus.CLOSED
        )
    if query.strip():
        condition = name_match_filter(query)
        qs = qs.filter(client__in=_clients_matching(condition)) if condition else qs.none()
    qs = (
        qs.order_by("next_follow_up", "-updated_at", "-id")
        if follow_up_due
        else qs.order_by("-updated_at", "-id")
    )
    return Paginator(qs, page_size).get_page(page)


def _clients_matching(condition: Any) -> Any:
    from perspektive.clients.models import Client

    return Client.objects.filter(condition).values("pk")


@transaction.atomic
def case_get_for_view(*, user: Any, case_id: int) -> Case:
    case = access_case(user, case_id)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=case,
        client_id=case.client_id,
        organisation_id=case.organisation_id,
    )
    return case


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str  # note, assessment, status, plan, measure, consent, consent_withdrawn, ...
    obj: Any
    template: str = ""  # entries from other apps bring their own partial


# Other apps add entries to a case's timeline: "module:function" taking the case.
TIMELINE_SOURCES = (
    "perspektive.appointments.timeline:entries_for_case",
    "perspektive.chat.timeline:entries_for_case",
    "perspektive.referrals.timeline:entries_for_case",
    "perspektive.learning.timeline:entries_for_case",
)


def case_timeline(*, case: Case) -> list[TimelineEntry]:
    """Everything that happened in a case, newest first (access checked by the caller)."""
    entries: list[TimelineEntry] = []
    entries += [TimelineEntry(n.created_at, "note", n) for n in case.notes.select_related("author")]
    entries += [
        TimelineEntry(a.assessed_at, "assessment", a)
        for a in case.assessments.select_related("assessed_by").prefetch_related("needs")
    ]
    entries += [TimelineEntry(s.at, "status", s) for s in case.status_changes.select_related("by")]
    entries += [
        TimelineEntry(p.updated_at, "plan", p) for p in ReintegrationPlan.objects.filter(case=case)
    ]
    entries += [
        TimelineEntry(m.created_at, "measure", m)
        for m in Measure.objects.filter(plan__case=case).select_related(
            "type", "provider", "created_by"
        )
    ]
    for c in Consent.objects.filter(client_id=case.client_id).select_related(
        "partner", "recorded_by", "withdrawn_by"
    ):
        entries.append(TimelineEntry(c.given_at, "consent", c))
        if c.withdrawn_at:
            entries.append(TimelineEntry(c.withdrawn_at, "consent_withdrawn", c))
    for source in TIMELINE_SOURCES:
        module, function = source.split(":")
        entries += getattr(import_module(module), function)(case)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def case_measures(*, case: Case) -> QuerySet[Measure]:
    return Measure.objects.filter(plan__case=case).select_related("type", "provider")


@dataclass
class Dashboard:
    my_open_cases: list[Case]
    my_open_count: int
    follow_ups_due: list[Case]
    by_status: dict[str, int]


def dashboard_for(*, user: Any, limit: int = 10) -> Dashboard:
    from django.db.models import Count

    visible = cases_visible_to(user)
    mine = (
        visible.filter(counsellor=user)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("client", "organisation")
        .order_by("-updated_at", "-id")
    )
    due = (
        visible.filter(
            counsellor=user, next_follow_up__lte=timezone.localdate() + dt.timedelta(days=7)
        )
        .exclude(status=CaseStatus.CLOSED)
        .select_related("client")
        .order_by("next_follow_up", "id")
    )
    by_status = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    return Dashboard(list(mine[:limit]), mine.count(), list(due[:limit]), by_status)
