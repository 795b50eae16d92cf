"""The public job board: published offers per country, no personal data, no login.

Light pages for slow connections: no images, one small stylesheet, 20 offers a page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from perspektive.core.models import Country
from perspektive.jobs.models import JobOffer, OfferStatus


def public_offers() -> QuerySet[JobOffer]:
    today = timezone.localdate()
    return JobOffer.objects.filter(status=OfferStatus.PUBLISHED).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=today)
    )


@require_GET
def board_index(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count

    counts = dict(public_offers().values_list("country_id").annotate(n=Count("id")).order_by())
    countries = [(c, counts.get(c.code, 0)) for c in Country.objects.filter(is_partner=True)]
    return render(request, "jobs/board_index.html", {"countries": countries})


@require_GET
def board_country(request: HttpRequest, country: str) -> HttpResponse:
    place = get_object_or_404(Country, code=country.upper())
    qs = public_offers().filter(country=place).select_related("employer", "occupation")
    q = request.GET.get("q", "")[:100]
    for word in q.lower().split():
        qs = qs.filter(Q(title__icontains=word) | Q(occupation__search_text__contains=word))
    city = request.GET.get("city", "")[:100]
    if city:
        qs = qs.filter(city__iexact=city)
    page = Paginator(qs.order_by("-published_at", "-id"), 20).get_page(request.GET.get("page"))
    cities = sorted(set(public_offers().filter(country=place).values_list("city", flat=True)))
    return render(
        request,
        "jobs/board_country.html",
        {"country": place, "page": page, "q": q, "city": city, "cities": cities},
    )


@require_GET
def board_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = get_object_or_404(
        public_offers().select_related("employer", "occupation", "country"), pk=offer_id
    )
    return render(request, "jobs/board_offer.html", {"offer": offer})
