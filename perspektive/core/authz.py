"""The role x action x scope matrix: who may do what to which objects.

This module is pure data and pure functions (no database). ``docs/permissions.md`` is
rendered from ``MATRIX`` by ``render_markdown()`` and a test fails when the two disagree.
Per-resource ``access_<thing>()`` helpers and scoped selectors in the apps apply it:
404 outside the user's scope for viewing, 403 inside it without the right for the action.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    COUNSELLOR = "counsellor"
    CENTRE_LEAD = "centre_lead"
    RETURN_COUNSELLOR = "return_counsellor"
    SCOUT = "scout"
    PARTNER_STAFF = "partner_staff"
    EMPLOYER = "employer"
    PROGRAMME_MANAGER = "programme_manager"
    ADMIN = "admin"


class Resource(StrEnum):
    CLIENT = "client"
    CLIENT_SPECIAL = "client_special"  # special-category fields of a client
    CASE = "case"
    CONSENT = "consent"
    AUDIT = "audit"
    REPORT = "report"
    ORGANISATION = "organisation"
    JOB_OFFER = "job_offer"
    JOB_PROFILE = "job_profile"  # a client's job-seeker profile
    APPLICATION = "application"  # a job offer proposed to a client, and what followed
    APPOINTMENT = "appointment"  # a booked slot with a centre (counselling session)
    AVAILABILITY = "availability"  # a counsellor's weekly hours and days off at a centre
    CONVERSATION = "conversation"  # a live chat between a visitor or client and a centre
    HANDOVER = "handover"  # a client handed from an office in Germany to a centre abroad
    COURSE = "course"  # a training provider's course (pre-departure or local)
    ENROLMENT = "enrolment"  # a client's place on a course: attendance, completion
    REFERRAL = "referral"  # a client referred to a partner organisation for a service


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    CHANGE_STATUS = "change_status"
    TRANSFER = "transfer"
    RECORD = "record"
    WITHDRAW = "withdraw"
    OVERRIDE = "override"


class Scope(StrEnum):
    """How far a right reaches. Ordered from narrowest to widest."""

    SELF = "self"  # the client's own record
    ASSIGNED = "assigned"  # cases assigned to the user, within their organisation
    ORGANISATION = "organisation"  # objects owned by the user's organisation
    ALL = "all"  # every object (aggregates only for reports)


R, A, S = Resource, Action, Scope

_COUNSELLOR: dict[tuple[Resource, Action], Scope] = {
    (R.CLIENT, A.VIEW): S.ORGANISATION,
    (R.CLIENT, A.CREATE): S.ORGANISATION,
    (R.CLIENT, A.UPDATE): S.ORGANISATION,
    (R.CLIENT_SPECIAL, A.VIEW): S.ORGANISATION,
    (R.CLIENT_SPECIAL, A.UPDATE): S.ASSIGNED,
    (R.CASE, A.VIEW): S.ORGANISATION,
    (R.CASE, A.CREATE): S.ORGANISATION,
    (R.CASE, A.UPDATE): S.ASSIGNED,
    (R.CASE, A.CHANGE_STATUS): S.ASSIGNED,
    (R.CONSENT, A.VIEW): S.ORGANISATION,
    (R.CONSENT, A.RECORD): S.ORGANISATION,
    (R.CONSENT, A.WITHDRAW): S.ORGANISATION,
    (R.ORGANISATION, A.VIEW): S.ORGANISATION,
    (R.JOB_OFFER, A.VIEW): S.ALL,
    (R.JOB_OFFER, A.CREATE): S.ORGANISATION,
    (R.JOB_OFFER, A.UPDATE): S.ORGANISATION,
    (R.JOB_OFFER, A.CHANGE_STATUS): S.ORGANISATION,
    (R.JOB_PROFILE, A.VIEW): S.ORGANISATION,
    (R.JOB_PROFILE, A.UPDATE): S.ORGANISATION,
    (R.APPLICATION, A.VIEW): S.ORGANISATION,
    (R.APPLICATION, A.CREATE): S.ORGANISATION,
    (R.APPLICATION, A.CHANGE_STATUS): S.ORGANISATION,
    (R.APPOINTMENT, A.VIEW): S.ORGANISATION,
    (R.APPOINTMENT, A.CREATE): S.ORGANISATION,
    (R.APPOINTMENT, A.UPDATE): S.ORGANISATION,
    (R.APPOINTMENT, A.CHANGE_STATUS): S.ORGANISATION,
    (R.AVAILABILITY, A.VIEW): S.ORGANISATION,
    (R.AVAILABILITY, A.UPDATE): S.ASSIGNED,
    (R.CONVERSATION, A.VIEW): S.ORGANISATION,
    (R.CONVERSATION, A.UPDATE): S.ORGANISATION,
    (R.CONVERSATION, A.TRANSFER): S.ORGANISATION,
    (R.HANDOVER, A.VIEW): S.ORGANISATION,
    (R.HANDOVER, A.CHANGE_STATUS): S.ORGANISATION,
    (R.COURSE, A.VIEW): S.ALL,
    (R.ENROLMENT, A.VIEW): S.ORGANISATION,
    (R.ENROLMENT, A.CREATE): S.ORGANISATION,
    (R.ENROLMENT, A.CHANGE_STATUS): S.ORGANISATION,
    (R.REFERRAL, A.VIEW): S.ORGANISATION,
    (R.REFERRAL, A.CREATE): S.ORGANISATION,
    (R.REFERRAL, A.CHANGE_STATUS): S.ORGANISATION,
}

MATRIX: dict[Role, dict[tuple[Resource, Action], Scope]] = {
    Role.CLIENT: {
        (R.CLIENT, A.VIEW): S.SELF,
        (R.CASE, A.VIEW): S.SELF,
        (R.CONSENT, A.VIEW): S.SELF,
        (R.CONSENT, A.WITHDRAW): S.SELF,
        (R.JOB_PROFILE, A.VIEW): S.SELF,
        (R.APPLICATION, A.VIEW): S.SELF,
        (R.APPOINTMENT, A.VIEW): S.SELF,
        (R.CONVERSATION, A.VIEW): S.SELF,
        (R.CONVERSATION, A.UPDATE): S.SELF,
        (R.HANDOVER, A.VIEW): S.SELF,
        (R.ENROLMENT, A.VIEW): S.SELF,
        (R.REFERRAL, A.VIEW): S.SELF,
    },
    Role.COUNSELLOR: _COUNSELLOR,
    Role.CENTRE_LEAD: {
        **_COUNSELLOR,
        (R.CLIENT_SPECIAL, A.UPDATE): S.ORGANISATION,
        (R.CASE, A.UPDATE): S.ORGANISATION,
        (R.CASE, A.CHANGE_STATUS): S.ORGANISATION,
        (R.CASE, A.TRANSFER): S.ORGANISATION,
        (R.CONSENT, A.OVERRIDE): S.ORGANISATION,
        (R.AUDIT, A.VIEW): S.ORGANISATION,
        (R.REPORT, A.VIEW): S.ORGANISATION,
        (R.AVAILABILITY, A.UPDATE): S.ORGANISATION,
    },
    Role.RETURN_COUNSELLOR: {
        (R.CLIENT, A.VIEW): S.ORGANISATION,
        (R.CLIENT, A.CREATE): S.ORGANISATION,
        (R.CLIENT, A.UPDATE): S.ORGANISATION,
        (R.CASE, A.VIEW): S.ORGANISATION,
        (R.CASE, A.CREATE): S.ORGANISATION,
        (R.CASE, A.UPDATE): S.ORGANISATION,
        (R.CASE, A.CHANGE_STATUS): S.ORGANISATION,
        (R.CASE, A.TRANSFER): S.ORGANISATION,
        (R.CONSENT, A.VIEW): S.ORGANISATION,
        (R.CONSENT, A.RECORD): S.ORGANISATION,
        (R.CONSENT, A.WITHDRAW): S.ORGANISATION,
        (R.ORGANISATION, A.VIEW): S.ORGANISATION,
        (R.JOB_OFFER, A.VIEW): S.ALL,
        (R.JOB_PROFILE, A.VIEW): S.ORGANISATION,
        (R.JOB_PROFILE, A.UPDATE): S.ORGANISATION,
        (R.APPLICATION, A.VIEW): S.ORGANISATION,
        (R.HANDOVER, A.VIEW): S.ORGANISATION,
        (R.HANDOVER, A.CREATE): S.ORGANISATION,
        (R.HANDOVER, A.UPDATE): S.ORGANISATION,
        (R.HANDOVER, A.CHANGE_STATUS): S.ORGANISATION,
        (R.COURSE, A.VIEW): S.ALL,
        (R.ENROLMENT, A.VIEW): S.ORGANISATION,
        (R.ENROLMENT, A.CREATE): S.ORGANISATION,
        (R.ENROLMENT, A.CHANGE_STATUS): S.ORGANISATION,
        (R.REFERRAL, A.VIEW): S.ORGANISATION,
        (R.REFERRAL, A.CREATE): S.ORGANISATION,
        (R.REFERRAL, A.CHANGE_STATUS): S.ORGANISATION,
    },
    Role.SCOUT: {
        (R.CLIENT, A.VIEW): S.ORGANISATION,
        (R.CASE, A.VIEW): S.ORGANISATION,
        (R.CONSENT, A.VIEW): S.ORGANISATION,
        (R.ORGANISATION, A.VIEW): S.ORGANISATION,
        (R.JOB_OFFER, A.VIEW): S.ALL,
        (R.JOB_PROFILE, A.VIEW): S.ORGANISATION,
        (R.HANDOVER, A.VIEW): S.ORGANISATION,
        (R.HANDOVER, A.CREATE): S.ORGANISATION,
        (R.HANDOVER, A.UPDATE): S.ORGANISATION,
        (R.HANDOVER, A.CHANGE_STATUS): S.ORGANISATION,
        (R.COURSE, A.VIEW): S.ALL,
        (R.ENROLMENT, A.VIEW): S.ORGANISATION,
        (R.ENROLMENT, A.CREATE): S.ORGANISATION,
        (R.ENROLMENT, A.CHANGE_STATUS): S.ORGANISATION,
    },
    Role.PARTNER_STAFF: {
        (R.ORGANISATION, A.VIEW): S.ORGANISATION,
        # Training providers: their own courses and the enrolments on them.
        (R.COURSE, A.VIEW): S.ALL,
        (R.COURSE, A.CREATE): S.ORGANISATION,
        (R.COURSE, A.UPDATE): S.ORGANISATION,
        (R.ENROLMENT, A.VIEW): S.ORGANISATION,
        (R.ENROLMENT, A.RECORD): S.ORGANISATION,
        # Civil-society partners: referrals to them, only while consent and referral stand.
        (R.REFERRAL, A.VIEW): S.ORGANISATION,
        (R.REFERRAL, A.RECORD): S.ORGANISATION,
    },
    Role.EMPLOYER: {
        (R.ORGANISATION, A.VIEW): S.ORGANISATION,
        (R.JOB_OFFER, A.VIEW): S.ORGANISATION,
        (R.JOB_OFFER, A.CREATE): S.ORGANISATION,
        (R.JOB_OFFER, A.UPDATE): S.ORGANISATION,
        (R.JOB_OFFER, A.CHANGE_STATUS): S.ORGANISATION,
        # Only applications of clients whose job-matching consent is in force (selector).
        (R.APPLICATION, A.VIEW): S.ORGANISATION,
        (R.APPLICATION, A.CHANGE_STATUS): S.ORGANISATION,
    },
    Role.PROGRAMME_MANAGER: {
        (R.REPORT, A.VIEW): S.ALL,
        (R.ORGANISATION, A.VIEW): S.ALL,
        (R.JOB_OFFER, A.VIEW): S.ALL,
    },
    Role.ADMIN: {
        (R.ORGANISATION, A.VIEW): S.ALL,
        (R.AUDIT, A.VIEW): S.ALL,
        (R.JOB_OFFER, A.VIEW): S.ALL,
    },
}

# Roles whose people work on person records (staff of counselling organisations).
CASEWORK_ROLES = frozenset({Role.COUNSELLOR, Role.CENTRE_LEAD, Role.RETURN_COUNSELLOR, Role.SCOUT})


def scope_for(role: Role, resource: Resource, action: Action) -> Scope | None:
    return MATRIX.get(role, {}).get((resource, action))


def render_markdown() -> str:
    """The matrix as the Markdown table kept in docs/permissions.md."""
    roles = list(Role)
    lines = [
        "| resource | action | " + " | ".join(r.value for r in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for resource in Resource:
        for action in Action:
            cells = [scope_for(role, resource, action) for role in roles]
            if not any(cells):
                continue
            lines.append(
                f"| {resource.value} | {action.value} | "
                + " | ".join(c.value if c else "-" for c in cells)
                + " |"
            )
    return "\n".join(lines) + "\n"
