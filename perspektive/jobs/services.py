"""Every write to job offers, profiles and applications: atomic, validated, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.cases.models import Case, CaseStatus
from perspektive.cases.services import measure_record_for_case
from perspektive.clients.policy import access_client
from perspektive.consent.models import Purpose
from perspektive.consent.services import consent_require
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import DomainError, Forbidden
from perspektive.jobs.models import (
    OFFER_FIELDS,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Experience,
    JobOffer,
    JobSeekerProfile,
    OfferStatus,
    Qualification,
    Skill,
)
from perspektive.jobs.places import locate
from perspektive.jobs.policy import access_application, access_offer
from perspektive.organisations.models import Organisation, OrganisationKind
from perspektive.organisations.scoping import allows, principal_for

OFFER_TRANSITIONS: dict[str, set[str]] = {
    OfferStatus.DRAFT: {OfferStatus.PUBLISHED, OfferStatus.CLOSED},
    OfferStatus.PUBLISHED: {OfferStatus.PAUSED, OfferStatus.CLOSED},
    OfferStatus.PAUSED: {OfferStatus.PUBLISHED, OfferStatus.CLOSED},
    OfferStatus.CLOSED: set(),
}
S = ApplicationStatus
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    S.PROPOSED: {S.APPLIED, S.REJECTED, S.WITHDRAWN},
    S.APPLIED: {S.INTERVIEW, S.OFFER, S.REJECTED, S.WITHDRAWN},
    S.INTERVIEW: {S.OFFER, S.REJECTED, S.WITHDRAWN},
    S.OFFER: {S.HIRED, S.REJECTED, S.WITHDRAWN},
    S.HIRED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
RETENTION_AFTER = dt.timedelta(days=182)


def _place(obj: Any) -> None:
    point = locate(obj.country_id, obj.city)
    obj.latitude, obj.longitude = point if point else (None, None)


def _skills(uris_or_ids: Iterable[Any]) -> list[Skill]:
    return list(Skill.objects.filter(pk__in=list(uris_or_ids)))


def _check_languages(languages: dict[str, int]) -> dict[str, int]:
    clean: dict[str, int] = {}
    for code, level in (languages or {}).items():
        if not isinstance(level, int) or not 1 <= level <= 4 or not code or len(code) > 8:
            raise ValidationError({"languages": _("Each language needs a level from 1 to 4.")})
        clean[code] = level
    return clean


def _check_offer(offer: JobOffer) -> None:
    """The offer's constraints as messages on their fields (the database would only name
    the constraint)."""
    errors: dict[str, str] = {}
    if offer.positions is not None and offer.positions < 1:
        errors["positions"] = _("At least one position.")
    low, high = offer.wage_min, offer.wage_max
    if low is not None and high is not None and high < low:
        errors["wage_max"] = _("The upper wage cannot be below the lower one.")
    if errors:
        raise ValidationError(errors)


# Offers -----------------------------------------------------------------------------------


@transaction.atomic
def offer_create(
    *,
    actor: Any,
    employer: Organisation,
    registered_by: Organisation | None = None,
    required_skills: Iterable[Any] = (),
    optional_skills: Iterable[Any] = (),
    **data: Any,
) -> JobOffer:
    """A new offer (a draft) of ``employer``. Centres may register offers for employers."""
    if employer.kind != OrganisationKind.EMPLOYER:
        raise ValidationError({"employer": _("Choose an employer.")})
    if registered_by is not None and registered_by.kind == OrganisationKind.EMPLOYER:
        raise ValidationError(
            {"registered_by": _("Only a centre can register an offer for an employer.")}
        )
    # The right comes from the organisation that enters the offer: the registering centre,
    # or else the employer itself (so nobody posts for a company by naming another holder).
    holder = registered_by or employer
    if not allows(
        principal_for(actor), Resource.JOB_OFFER, Action.CREATE, organisation_ids={holder.pk}
    ):
        raise Forbidden
    unknown = set(data) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown offer fields: {sorted(unknown)}")
    data["languages"] = _check_languages(data.get("languages") or {})
    offer = JobOffer(employer=employer, registered_by=registered_by, created_by=actor, **data)
    _place(offer)
    _check_offer(offer)
    offer.full_clean()
    offer.save()
    offer.required_skills.set(_skills(required_skills))
    offer.optional_skills.set(_skills(optional_skills))
    audit_record(actor=actor, action=AuditAction.CREATE, obj=offer, organisation_id=employer.pk)
    return offer


@transaction.atomic
def offer_update(
    *,
    actor: Any,
    offer_id: int,
    required_skills: Iterable[Any] | None = None,
    optional_skills: Iterable[Any] | None = None,
    **data: Any,
) -> JobOffer:
    offer = access_offer(actor, offer_id, need=Action.UPDATE)
    unknown = set(data) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown offer fields: {sorted(unknown)}")
    if offer.status == OfferStatus.CLOSED:
        raise DomainError(_("A closed offer cannot be changed."))
    if "languages" in data:
        data["languages"] = _check_languages(data["languages"])
    changed = [f for f, v in data.items() if getattr(offer, f) != v]
    for field in changed:
        setattr(offer, field, data[field])
    if "city" in changed or "country" in changed:
        _place(offer)
    _check_offer(offer)
    offer.full_clean()
    offer.save()
    if required_skills is not None:
        offer.required_skills.set(_skills(required_skills))
        changed.append("required_skills")
    if optional_skills is not None:
        offer.optional_skills.set(_skills(optional_skills))
        changed.append("optional_skills")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=offer,
        organisation_id=offer.employer_id,
        fields=sorted(set(changed)),
    )
    return offer


@transaction.atomic
def offer_set_status(*, actor: Any, offer_id: int, status: str) -> JobOffer:
    offer = access_offer(actor, offer_id, need=Action.CHANGE_STATUS)
    if status not in OFFER_TRANSITIONS.get(offer.status, set()):
        raise DomainError(
            _("This offer cannot go from %(a)s to %(b)s.")
            % {
                "a": OfferStatus(offer.status).label,
                "b": OfferStatus(status).label if status in OfferStatus.values else status,
            }
        )
    if status == OfferStatus.PUBLISHED and offer.deadline and offer.deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline has passed: change it first.")})
    previous = offer.status
    offer.status = status
    if status == OfferStatus.PUBLISHED and offer.published_at is None:
        offer.published_at = timezone.now()
    offer.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.STATUS,
        obj=offer,
        organisation_id=offer.employer_id,
        from_status=previous,
        to_status=status,
    )
    return offer


# Profiles ---------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "languages",
    "country",
    "city",
    "willing_to_move",
    "max_distance_km",
    "available_from",
    "summary",
)


def _profile_for_update(actor: Any, client_id: int) -> JobSeekerProfile:
    client = access_client(actor, client_id, need=Action.UPDATE, resource=Resource.JOB_PROFILE)
    profile = JobSeekerProfile.objects.filter(client=client).first()
    if profile is None:
        raise DomainError(_("Create the job-seeker profile first."))
    return profile


@transaction.atomic
def profile_save(
    *,
    actor: Any,
    client_id: int,
    occupations_wanted: Iterable[Any] | None = None,
    skills: Iterable[Any] | None = None,
    **data: Any,
) -> JobSeekerProfile:
    client = access_client(actor, client_id, need=Action.UPDATE, resource=Resource.JOB_PROFILE)
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    if "languages" in data:
        data["languages"] = _check_languages(data["languages"])
    profile = JobSeekerProfile.objects.filter(client=client).first()
    created = profile is None
    if profile is None:
        profile = JobSeekerProfile(client=client)
    for field, value in data.items():
        setattr(profile, field, value)
    _place(profile)
    profile.full_clean()
    profile.save()
    if occupations_wanted is not None:
        profile.occupations_wanted.set(list(occupations_wanted))
    if skills is not None:
        profile.skills.set(_skills(skills))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=profile,
        client_id=client.pk,
        organisation_id=client.organisation_id,
        fields=sorted(data),
    )
    return profile


@transaction.atomic
def experience_add(*, actor: Any, client_id: int, **data: Any) -> Experience:
    profile = _profile_for_update(actor, client_id)
    experience = Experience(profile=profile, **data)
    start, end = experience.start_date, experience.end_date
    if start and end and end < start:  # the constraint's own message would only name it
        raise ValidationError({"end_date": _("The end cannot be before the start.")})
    experience.full_clean()
    experience.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=experience, client_id=client_id)
    return experience


@transaction.atomic
def experience_remove(*, actor: Any, client_id: int, experience_id: int) -> None:
    profile = _profile_for_update(actor, client_id)
    deleted, _rows = Experience.objects.filter(pk=experience_id, profile=profile).delete()
    if not deleted:
        raise DomainError(_("This entry does not exist any more."))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=profile,
        client_id=client_id,
        fields=["experiences"],
    )


@transaction.atomic
def qualification_add(*, actor: Any, client_id: int, **data: Any) -> Qualification:
    profile = _profile_for_update(actor, client_id)
    qualification = Qualification(profile=profile, **data)
    qualification.full_clean()
    qualification.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=qualification, client_id=client_id)
    return qualification


# Proposals and applications -----------------------------------------------------------------


def _score(offer: JobOffer, client: Any) -> int | None:
    """The match score at the time of the proposal, computed here (never taken from input)."""
    from perspektive.jobs import matching
    from perspektive.jobs.selectors import offer_facts, profile_facts

    profile = JobSeekerProfile.objects.filter(client=client).first()
    if profile is None:
        return None
    return matching.score(offer_facts(offer), profile_facts(profile)).score


@transaction.atomic
def offer_propose(
    *,
    actor: Any,
    offer_id: int,
    client_id: int,
    override_reason: str = "",
) -> Application:
    """Propose an offer to a client: the programme's "job offer made". The employer will see
    the client's profile, so the client's job-matching consent must be in force."""
    client = access_client(actor, client_id, need=Action.CREATE, resource=Resource.APPLICATION)
    offer = access_offer(actor, offer_id)
    if offer.status != OfferStatus.PUBLISHED:
        raise DomainError(_("Only published offers can be proposed."))
    consent_require(
        actor=actor, client=client, purpose=Purpose.JOB_MATCHING, override_reason=override_reason
    )
    principal = principal_for(actor)
    own = [
        o
        for o in principal.organisation_ids
        if o == client.organisation_id or client.cases.filter(organisation_id=o).exists()
    ]
    if not own:
        raise Forbidden
    application = Application(
        offer=offer,
        client=client,
        proposed_at=timezone.now(),
        proposed_by=actor,
        proposed_by_organisation_id=min(own),
        score=_score(offer, client),
    )
    # "Once per offer" is left to the database (a parallel proposal would pass a check here);
    # its IntegrityError becomes the domain message below.
    application.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise DomainError(_("This offer has already been proposed to this client.")) from exc
    ApplicationEvent.objects.create(application=application, to_status=application.status, by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.SHARE,
        obj=application,
        client_id=client.pk,
        organisation_id=offer.employer_id,
        offer_id=offer.pk,
    )
    return application


@transaction.atomic
def application_set_status(
    *, actor: Any, application_id: int, status: str, note: str = ""
) -> Application:
    application = access_application(actor, application_id, need=Action.CHANGE_STATUS)
    application = (
        Application.objects.select_for_update()
        .select_related("offer", "client")
        .get(pk=application.pk)
    )
    previous = application.status
    if status not in APPLICATION_TRANSITIONS.get(previous, set()):
        raise DomainError(
            _("This application cannot go from %(a)s to %(b)s.")
            % {
                "a": ApplicationStatus(previous).label,
                "b": ApplicationStatus(status).label
                if status in ApplicationStatus.values
                else status,
            }
        )
    application.status = status
    if status == ApplicationStatus.HIRED:
        application.hired_at = timezone.now()
        application.retention_due = timezone.localdate() + RETENTION_AFTER
        _record_placement(actor, application)
        from perspektive.jobs.tasks import schedule_retention_reminder

        schedule_retention_reminder(application)
    application.save()
    ApplicationEvent.objects.create(
        application=application,
        from_status=previous,
        to_status=status,
        note=note.strip()[:500],
        by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.STATUS,
        obj=application,
        client_id=application.client_id,
        organisation_id=application.offer.employer_id,
        from_status=previous,
        to_status=status,
    )
    return application


def _record_placement(actor: Any, application: Application) -> None:
    """Hired: a direct-employment measure in the client's open case at the proposing centre."""
    case = (
        Case.objects.filter(
            client_id=application.client_id, organisation_id=application.proposed_by_organisation_id
        )
        .exclude(status=CaseStatus.CLOSED)
        .order_by("-id")
        .first()
    )
    if case is None:
        return
    measure_record_for_case(
        actor=actor,
        case=case,
        type_code="job_placement",
        description=application.offer.title,
        start_date=timezone.localdate(),
    )


@transaction.atomic
def retention_record(*, actor: Any, application_id: int, retained: bool) -> Application:
    """The check six months after hiring: is the person still employed?"""
    application = access_application(actor, application_id, need=Action.CHANGE_STATUS)
    if application.status != ApplicationStatus.HIRED:
        raise DomainError(_("Only a hire can be checked for retention."))
    application.retained = retained
    application.save(update_fields=["retained", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=application,
        client_id=application.client_id,
        fields=["retained"],
    )
    return application


@transaction.atomic
def profile_wanted_add(*, actor: Any, client_id: int, occupation: Any) -> JobSeekerProfile:
    profile = _profile_for_update(actor, client_id)
    if profile.occupations_wanted.count() >= 5:
        raise ValidationError({"occupation": _("At most five occupations wanted: remove one.")})
    profile.occupations_wanted.add(occupation)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=profile,
        client_id=client_id,
        fields=["occupations_wanted"],
    )
    return profile


@transaction.atomic
def profile_wanted_remove(*, actor: Any, client_id: int, occupation_id: int) -> JobSeekerProfile:
    profile = _profile_for_update(actor, client_id)
    profile.occupations_wanted.remove(occupation_id)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=profile,
        client_id=client_id,
        fields=["occupations_wanted"],
    )
    return profile
