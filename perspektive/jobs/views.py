from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perspektive.clients.policy import access_client, client_allows
from perspektive.consent.models import Purpose
from perspektive.consent.services import consent_in_force
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import DomainError, Forbidden
from perspektive.core.forms import apply_error
from perspektive.core.models import Country
from perspektive.jobs import selectors, services
from perspektive.jobs.forms import (
    ExperienceForm,
    OfferForm,
    ProfileForm,
    ProposeForm,
    QualificationForm,
    WantedOccupationForm,
    employer_choices,
    language_initial,
)
from perspektive.jobs.models import (
    ApplicationStatus,
    JobSeekerProfile,
    OfferStatus,
)
from perspektive.jobs.policy import (
    access_application,
    access_offer,
    application_allows,
    holding_orgs,
    offer_allows,
    registering_centre,
)
from perspektive.jobs.reasons import reason_text
from perspektive.jobs.services import APPLICATION_TRANSITIONS, OFFER_TRANSITIONS
from perspektive.organisations.scoping import may, principal_for


def _page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


PAGE = 20  # ranked lists grow by this many ("show more")


def _shown(request: HttpRequest) -> int:
    try:
        return min(200, max(PAGE, int(request.GET.get("shown", PAGE))))
    except ValueError:
        return PAGE


def _with_reasons(match: Any) -> list[tuple[bool, str]]:
    return [(r.positive, reason_text(r)) for r in match.reasons]


# Offers -----------------------------------------------------------------------------------


@login_required
@require_GET
def offer_list(request: HttpRequest) -> HttpResponse:
    if not may(principal_for(request.user), Resource.JOB_OFFER, Action.VIEW):
        raise Forbidden
    q = request.GET.get("q", "")[:200]
    country = request.GET.get("country", "")[:2]
    status = request.GET.get("status", "")
    mine = request.GET.get("mine") == "1"
    page = selectors.offer_list(
        user=request.user, query=q, country=country, status=status, mine=mine, page=_page(request)
    )
    return render(
        request,
        "jobs/offer_list.html",
        {
            "page": page,
            "q": q,
            "country": country,
            "status": status,
            "mine": mine,
            "countries": Country.objects.all(),
            "statuses": OfferStatus.choices,
            "can_create": may(principal_for(request.user), Resource.JOB_OFFER, Action.CREATE),
        },
    )


def _offer_employers(user: Any) -> Any:
    """Employers the user may post for: their own company, or (centres) any employer."""
    principal = principal_for(user)
    own = holding_orgs(user, Resource.JOB_OFFER, Action.CREATE)
    employers = employer_choices()
    if not own:
        return employers.none()
    own_employers = employers.filter(pk__in=own)
    if own_employers.exists():
        return own_employers
    return employers if principal.grants(Resource.JOB_OFFER, Action.CREATE) else employers.none()


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    employers = _offer_employers(request.user)
    if not employers.exists():
        raise Forbidden
    form = OfferForm(request.POST or None, employers=employers)
    if request.method == "POST" and form.is_valid():
        employer = form.cleaned_data["employer"]
        registered_by = (
            None
            if employer.memberships.filter(user=request.user).exists()
            else registering_centre(request.user)
        )
        try:
            offer = services.offer_create(
                actor=request.user,
                employer=employer,
                registered_by=registered_by,
                **form.service_data(),
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, _("The offer was saved as a draft. Publish it when it is ready.")
            )
            return redirect("jobs:offer_detail", offer_id=offer.pk)
    return render(
        request,
        "jobs/offer_form.html",
        {"form": form, "creating": True},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_offer(request.user, offer_id, need=Action.UPDATE)
    employers = employer_choices().filter(pk=offer.employer_id)
    form = OfferForm(
        request.POST or None, employers=employers, initial=OfferForm.initial_from(offer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(actor=request.user, offer_id=offer.pk, **form.service_data())
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("jobs:offer_detail", offer_id=offer.pk)
    return render(
        request,
        "jobs/offer_form.html",
        {"form": form, "offer": offer},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_offer(request.user, offer_id)
    shown = _shown(request)
    more = False
    user = request.user
    principal = principal_for(user)
    can_propose = may(principal, Resource.APPLICATION, Action.CREATE)
    candidates = []
    if can_propose and offer.status == OfferStatus.PUBLISHED:
        candidates = [
            (c, _with_reasons(c.match))
            for c in selectors.candidates_for_offer(user=user, offer=offer, limit=shown + 1)
        ]
        more = len(candidates) > shown
        candidates = candidates[:shown]
    return render(
        request,
        "jobs/offer_detail.html",
        {
            "offer": offer,
            "can_edit": offer_allows(user, offer, Action.UPDATE),
            "can_change_status": offer_allows(user, offer, Action.CHANGE_STATUS),
            "next_statuses": [
                (s, OfferStatus(s).label)
                for s in sorted(OFFER_TRANSITIONS.get(offer.status, set()))
            ],
            "applications": selectors.applications_for_offer(user=user, offer=offer),
            "candidates": candidates,
            "more": shown + PAGE if more else None,
            "can_propose": can_propose,
        },
    )


@login_required
@require_POST
def offer_status(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_offer(request.user, offer_id, need=Action.CHANGE_STATUS)
    try:
        services.offer_set_status(
            actor=request.user, offer_id=offer.pk, status=request.POST.get("status", "")
        )
    except (ValidationError, DomainError) as exc:
        text = exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)
        messages.error(request, text)
    else:
        messages.success(request, _("The offer's status was changed."))
    return redirect("jobs:offer_detail", offer_id=offer.pk)


@login_required
@require_GET
def occupation_suggest(request: HttpRequest) -> HttpResponse:
    field = request.GET.get("field", "occupation")
    if field not in {"occupation"}:
        field = "occupation"
    query = request.GET.get(f"{field}_query", "")[:200]
    return render(
        request,
        "jobs/_occupation_choices.html",
        {"suggestions": selectors.occupation_suggest(query), "field": field, "query": query},
    )


# Profiles ---------------------------------------------------------------------------------


def _profile_context(request: HttpRequest, client: Any, **forms: Any) -> dict[str, Any]:
    user = request.user
    profile = (
        JobSeekerProfile.objects.filter(client=client)
        .prefetch_related(
            "occupations_wanted__isco", "skills", "experiences__occupation", "qualifications"
        )
        .first()
    )
    initial: dict[str, Any] = {"country": client.organisation.country_id}
    if profile:
        initial = {
            "country": profile.country,
            "city": profile.city,
            "willing_to_move": profile.willing_to_move,
            "max_distance_km": profile.max_distance_km,
            "available_from": profile.available_from,
            "skills": list(profile.skills.all()),
            "summary": profile.summary,
            **language_initial(profile.languages or {}),
        }
    context = {
        "client": client,
        "profile": profile,
        "can_edit": client_allows(user, client, Action.UPDATE, Resource.JOB_PROFILE),
        "form": ProfileForm(initial=initial),
        "wanted_form": WantedOccupationForm(),
        "experience_form": ExperienceForm(initial={"country": "DE"}),
        "qualification_form": QualificationForm(),
        "applications": selectors.applications_for_client(user=user, client=client),
    }
    context.update(forms)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def profile_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_client(request.user, client_id, resource=Resource.JOB_PROFILE)
    if request.method == "POST":
        access_client(request.user, client_id, need=Action.UPDATE, resource=Resource.JOB_PROFILE)
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_save(
                    actor=request.user, client_id=client.pk, **form.service_data()
                )
            except (ValidationError, DomainError) as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The job-seeker profile was saved."))
                return redirect("jobs:profile", client_id=client.pk)
        return render(
            request, "jobs/profile.html", _profile_context(request, client, form=form), status=400
        )
    return render(request, "jobs/profile.html", _profile_context(request, client))


def _profile_part(
    request: HttpRequest, client_id: int, form_class: Any, form_name: str, run: Any, success: str
) -> HttpResponse:
    client = access_client(
        request.user, client_id, need=Action.UPDATE, resource=Resource.JOB_PROFILE
    )
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(client, form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("jobs:profile", client_id=client.pk)
    return render(
        request,
        "jobs/profile.html",
        _profile_context(request, client, **{form_name: form}),
        status=400,
    )


@login_required
@require_POST
def wanted_add(request: HttpRequest, client_id: int) -> HttpResponse:
    return _profile_part(
        request,
        client_id,
        WantedOccupationForm,
        "wanted_form",
        lambda client, d: services.profile_wanted_add(
            actor=request.user, client_id=client.pk, occupation=d["occupation"]
        ),
        _("The occupation was added."),
    )


@login_required
@require_POST
def wanted_remove(request: HttpRequest, client_id: int, occupation_id: int) -> HttpResponse:
    client = access_client(
        request.user, client_id, need=Action.UPDATE, resource=Resource.JOB_PROFILE
    )
    services.profile_wanted_remove(
        actor=request.user, client_id=client.pk, occupation_id=occupation_id
    )
    return redirect("jobs:profile", client_id=client.pk)


@login_required
@require_POST
def experience_add(request: HttpRequest, client_id: int) -> HttpResponse:
    def run(client: Any, d: dict[str, Any]) -> None:
        services.experience_add(
            actor=request.user,
            client_id=client.pk,
            occupation=d["occupation"],
            employer_name=d["employer_name"],
            country=d["country"].pk,
            start_date=d["start_date"],
            end_date=d["end_date"],
            description=d["description"],
        )

    return _profile_part(
        request, client_id, ExperienceForm, "experience_form", run, _("The experience was added.")
    )


@login_required
@require_POST
def experience_remove(request: HttpRequest, client_id: int, experience_id: int) -> HttpResponse:
    client = access_client(
        request.user, client_id, need=Action.UPDATE, resource=Resource.JOB_PROFILE
    )
    try:
        services.experience_remove(
            actor=request.user, client_id=client.pk, experience_id=experience_id
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("jobs:profile", client_id=client.pk)


@login_required
@require_POST
def qualification_add(request: HttpRequest, client_id: int) -> HttpResponse:
    def run(client: Any, d: dict[str, Any]) -> None:
        services.qualification_add(
            actor=request.user, client_id=client.pk, **{**d, "awarded_in": d["awarded_in"].pk}
        )

    return _profile_part(
        request,
        client_id,
        QualificationForm,
        "qualification_form",
        run,
        _("The qualification was added."),
    )


@login_required
@require_GET
def client_matches(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_client(request.user, client_id, resource=Resource.JOB_PROFILE)
    country = request.GET.get("country", "")[:2]
    shown = _shown(request)
    profile, matches = selectors.offers_for_client(
        user=request.user, client_id=client.pk, country=country, limit=shown + 1
    )
    more = len(matches) > shown
    matches = matches[:shown]
    return render(
        request,
        "jobs/matches.html",
        {
            "client": client,
            "profile": profile,
            "country": country,
            "countries": Country.objects.all(),
            "matches": [(m, _with_reasons(m.match)) for m in matches],
            "can_propose": client_allows(request.user, client, Action.CREATE, Resource.APPLICATION),
            "has_consent": consent_in_force(client, Purpose.JOB_MATCHING) is not None,
            "may_override": client_allows(request.user, client, Action.OVERRIDE, Resource.CONSENT),
            "propose_form": ProposeForm(),
            "more": shown + PAGE if more else None,
        },
    )


@login_required
@require_POST
def propose(request: HttpRequest, client_id: int, offer_id: int) -> HttpResponse:
    client = access_client(
        request.user, client_id, need=Action.CREATE, resource=Resource.APPLICATION
    )
    form = ProposeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        services.offer_propose(
            actor=request.user,
            offer_id=offer_id,
            client_id=client.pk,
            override_reason=form.cleaned_data["override_reason"],
        )
    except (ValidationError, DomainError) as exc:
        text = exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)
        messages.error(request, text)
    else:
        messages.success(request, _("The offer was proposed. It counts as a job offer made."))
    return redirect("jobs:matches", client_id=client.pk)


# Applications -----------------------------------------------------------------------------


@login_required
@require_GET
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(request.user, application_id)
    profile = (
        JobSeekerProfile.objects.filter(client=application.client)
        .prefetch_related(
            "occupations_wanted", "skills", "experiences__occupation", "qualifications"
        )
        .first()
    )
    return render(
        request,
        "jobs/application_detail.html",
        {
            "application": application,
            "profile": profile,
            "events": application.events.select_related("by"),
            "can_change": application_allows(request.user, application, Action.CHANGE_STATUS),
            "next_statuses": [
                (s, ApplicationStatus(s).label)
                for s in sorted(APPLICATION_TRANSITIONS.get(application.status, set()))
            ],
        },
    )


@login_required
@require_POST
def application_status(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(request.user, application_id, need=Action.CHANGE_STATUS)
    try:
        services.application_set_status(
            actor=request.user,
            application_id=application.pk,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", "")[:500],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The application was updated."))
    return redirect("jobs:application_detail", application_id=application.pk)


@login_required
@require_POST
def application_retention(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(request.user, application_id, need=Action.CHANGE_STATUS)
    value = request.POST.get("retained")
    if value not in {"yes", "no"}:
        messages.error(request, _("Say whether the person is still employed."))
    else:
        try:
            services.retention_record(
                actor=request.user, application_id=application.pk, retained=value == "yes"
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The retention check was recorded."))
    return redirect("jobs:application_detail", application_id=application.pk)
