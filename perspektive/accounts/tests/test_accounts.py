"""Users, logging in, and API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from perspektive.accounts.models import ApiToken, User
from perspektive.accounts.tests.factories import api_token_for
from perspektive.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password


def test_only_the_digest_of_an_api_token_is_stored(counsellor_a: Any) -> None:
    raw = api_token_for(counsellor_a)
    token = ApiToken.objects.get(user=counsellor_a)
    assert raw not in {token.digest, token.prefix, token.label, str(token)}
    assert token.digest == ApiToken.digest_of(raw)
    assert len(token.digest) == 64
    assert raw.startswith(token.prefix)
    assert not ApiToken.objects.filter(digest=raw).exists()


def test_new_api_tokens_are_long_random_and_distinct() -> None:
    tokens = {ApiToken.new_raw() for _ in range(50)}
    assert len(tokens) == 50
    assert all(t.startswith("pk_") and len(t) >= 40 for t in tokens)


def test_create_user_normalises_the_email_and_needs_one() -> None:
    user = User.objects.create_user("Dilan@Example.ORG", "a-long-password", name="Dilan")
    assert user.email == "dilan@example.org"
    assert user.check_password("a-long-password")
    with pytest.raises(ValueError):
        User.objects.create_user("", "x", name="Nobody")
    with pytest.raises(ValidationError):
        User.objects.create_user("not-an-email", "x", name="Nobody")
    assert User.objects.count() == 1


def test_login_continues_in_the_users_preferred_language() -> None:
    user = UserFactory(email="leyla@example.org", preferred_language="ar")
    web = HttpClient()
    response = web.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert web.get(reverse("core:dashboard")).status_code == 200


def test_login_with_a_wrong_password_is_refused() -> None:
    user = UserFactory(email="karim@example.org")
    web = HttpClient()
    response = web.post(reverse("accounts:login"), {"username": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert web.get(reverse("core:dashboard")).status_code == 302


def test_a_deactivated_user_cannot_log_in() -> None:
    user = UserFactory(email="gone@example.org", is_active=False)
    web = HttpClient()
    response = web.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in web.session
    assert web.get(reverse("core:dashboard")).status_code == 302
