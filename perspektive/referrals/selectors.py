"""Reads for handovers, always as the acting user may see them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.consent.models import HandoverSection
from perspektive.referrals.models import Handover, HandoverStatus
from perspektive.referrals.policy import Side, access_handover, handovers_visible_to, sides_of
from perspektive.referrals.services import ESCALATE_AFTER, SECTION_FIELDS, covering_consent


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Sent and not answered within 7 days (whether or not the worker has run yet)."""
    return Q(status=HandoverStatus.SENT, sent_at__lte=(now or timezone.now()) - ESCALATE_AFTER)


def is_overdue(handover: Handover, now: dt.datetime | None = None) -> bool:
    return (
        handover.status == HandoverStatus.SENT
        and handover.sent_at is not None
        and handover.sent_at <= (now or timezone.now()) - ESCALATE_AFTER
    )


def handover_list(
    *,
    user: Any,
    status: str = "",
    overdue: bool = False,
    page: int = 1,
    page_size: int | None = None,
) -> Page[Handover]:
    """Outgoing handovers for offices and scouts, incoming ones for centres."""
    qs: QuerySet[Handover] = handovers_visible_to(user).select_related(
        "client", "from_organisation", "to_centre", "counsellor"
    )
    if status == "open":
        qs = qs.exclude(
            status__in=[HandoverStatus.DECLINED, HandoverStatus.COMPLETED, HandoverStatus.CANCELLED]
        )
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q())
    paginator = Paginator(qs.order_by("-updated_at", "-id"), page_size or settings.PAGE_SIZE)
    return paginator.get_page(page)


@dataclass
class JobProfileCopy:
    occupations: list[str]
    experiences: list[dict[str, Any]]
    qualifications: list[dict[str, Any]]
    summary: str


@dataclass
class Shared:
    """What the receiving centre may read of the sending record: the consented sections."""

    sections: list[str]
    fields: dict[str, Any] = field(default_factory=dict)
    needs_summary: str | None = None
    vulnerabilities: list[str] | None = None
    job_profile: JobProfileCopy | None = None


def shared_data(handover: Handover) -> Shared | None:
    """The consented sections of the sending record, read now; None once the consent is
    withdrawn (or no longer covers them)."""
    if covering_consent(handover) is None:
        return None
    source = handover.client
    shared = Shared(sections=list(handover.sections))
    for section, names in SECTION_FIELDS.items():
        if section in handover.sections:
            for name in names:
                shared.fields[name] = getattr(source, name)
    if "name_latin" in shared.fields and not source.name_latin_given:
        shared.fields["name_latin"] = ""  # only the automatic skeleton: nothing to show
    if HandoverSection.NEEDS in handover.sections:
        shared.needs_summary = handover.needs_summary
    if HandoverSection.VULNERABILITIES in handover.sections:
        shared.vulnerabilities = list(handover.vulnerabilities)
    if HandoverSection.JOB_PROFILE in handover.sections:
        from perspektive.jobs.models import JobSeekerProfile

        profile = JobSeekerProfile.objects.filter(client=source).first()
        if profile is not None:
            shared.job_profile = JobProfileCopy(
                occupations=[o.label for o in profile.occupations_wanted.all()],
                experiences=[
                    {
                        "occupation": e.occupation.label,
                        "employer": e.employer_name,
                        "country": e.country,
                        "from": e.start_date,
                        "until": e.end_date,
                    }
                    for e in profile.experiences.select_related("occupation")
                ],
                qualifications=[
                    {
                        "title": q.title,
                        "awarded_in": q.awarded_in,
                        "year": q.year,
                        "recognition": q.get_recognition_display(),
                    }
                    for q in profile.qualifications.all()
                ],
                summary=profile.summary,
            )
    return shared


@dataclass
class HandoverView:
    handover: Handover
    sides: set[Side]
    shared: Shared | None
    # The centre has to answer but the client's consent no longer covers the sections.
    consent_missing: bool


@transaction.atomic
def handover_get_for_view(*, user: Any, handover_id: int) -> HandoverView:
    """A handover with what this user may see of it. The receiving centre sees the shared
    sections only while the handover waits for its answer; afterwards its own case holds
    them. The sending side never sees the centre's case. Audited."""
    handover = access_handover(user, handover_id)
    sides = sides_of(user, handover)
    shared = None
    consent_missing = False
    if Side.RECEIVER in sides and handover.status == HandoverStatus.SENT:
        shared = shared_data(handover)
        consent_missing = shared is None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=handover,
        client_id=handover.client_id,
        organisation_id=handover.from_organisation_id,
        shared_sections=shared.sections if shared else [],
    )
    return HandoverView(
        handover=handover, sides=sides, shared=shared, consent_missing=consent_missing
    )


def handovers_of_client_user(user: Any) -> QuerySet[Handover]:
    """A client's own handovers (not drafts), for their page."""
    if not getattr(user, "is_authenticated", False):
        return Handover.objects.none()
    return (
        handovers_visible_to(user)
        .filter(client__user=user)
        .select_related("to_centre__country", "from_organisation")
        .prefetch_related("events")
        .order_by("-created_at", "-id")
    )
