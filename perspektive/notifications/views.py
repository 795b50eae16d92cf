"""Delivery-status callbacks from text gateways (server to server, token-protected)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from perspektive.notifications import services


@csrf_exempt  # a gateway posts here; it authenticates with the shared token instead
@require_POST
def delivery_status(request: HttpRequest, channel: str) -> JsonResponse:
    expected = settings.NOTIFICATIONS_CALLBACK_TOKEN
    given = request.headers.get("X-Callback-Token", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"detail": "unknown caller"}, status=403)
    backend = settings.NOTIFICATIONS_BACKENDS.get(channel)
    if backend is None:
        return JsonResponse({"detail": "unknown channel"}, status=404)
    try:
        delivery = services.delivery_status(
            backend=backend,
            external_id=request.POST.get("id", ""),
            status=request.POST.get("status", ""),
            error=request.POST.get("error", ""),
        )
    except ValueError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    return JsonResponse({"status": delivery.status})
