from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.utils import translation


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # Continue in the language the user chose in their profile.
        language = form.get_user().preferred_language
        if language and translation.check_for_language(language):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 24 * 3600
            )
        return response


class LogoutView(auth_views.LogoutView):
    pass
