from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from perspektive.audit.models import AuditEvent
from perspektive.organisations.tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


@pytest.mark.django_db
def test_login_keeps_the_page_language_when_the_user_has_no_preference() -> None:
    user = UserFactory(preferred_language="")
    web = HttpClient()
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = web.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # the Arabic choice stays
    page = web.get(reverse("core:dashboard"))
    assert 'lang="ar" dir="rtl"' in page.content.decode()


@pytest.mark.django_db
def test_login_applies_a_stored_preference() -> None:
    user = UserFactory(preferred_language="fa")
    response = HttpClient().post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fa"


@pytest.mark.django_db
def test_switching_language_in_the_header_is_remembered_and_audited(counsellor_a: Any) -> None:
    web = HttpClient()
    web.force_login(counsellor_a)
    response = web.post(reverse("core:set_language"), {"language": "ps", "next": "/"})
    assert response.status_code == 302
    counsellor_a.refresh_from_db()
    assert counsellor_a.preferred_language == "ps"
    assert AuditEvent.objects.filter(object_id=str(counsellor_a.pk), action="update").exists()


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(counsellor_a: Any) -> None:
    web = HttpClient()
    web.force_login(counsellor_a)
    before = counsellor_a.preferred_language
    web.post(reverse("core:set_language"), {"language": "xx", "next": "/"})
    counsellor_a.refresh_from_db()
    assert counsellor_a.preferred_language == before
