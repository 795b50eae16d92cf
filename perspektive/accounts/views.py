from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from perspektive.accounts import services
from perspektive.accounts.forms import ProfileForm, TokenForm
from perspektive.accounts.models import ApiToken
from perspektive.core.forms import apply_error


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        # Continue in the language the user chose in their profile.
        return _language_cookie(super().form_valid(form), form.get_user().preferred_language)


class LogoutView(auth_views.LogoutView):
    pass


def _language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    if language and translation.check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 24 * 3600
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"name": user.name, "preferred_language": user.preferred_language},
    )
    token_form = TokenForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _language_cookie(redirect("accounts:profile"), user.preferred_language)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": token_form,
            "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-id"),
            "may_use_api": services.may_use_api(user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TokenForm(request.POST)
    raw = None
    if form.is_valid():
        try:
            _token, raw = services.api_token_create(actor=user, label=form.cleaned_data["label"])
        except ValidationError as exc:
            apply_error(form, exc)
    profile_form = ProfileForm(
        initial={"name": user.name, "preferred_language": user.preferred_language}
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": profile_form,
            "token_form": TokenForm() if raw else form,
            "new_token": raw,
            "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-id"),
            "may_use_api": True,
        },
        status=200 if raw else 400,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(actor=request.user, token_id=token_id)  # type: ignore[arg-type]
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")
