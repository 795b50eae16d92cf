"""System checks that reject bad configuration at start-up."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def check_field_encryption_keys(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", [])
    if not keys:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS is empty.",
                id="perspektive.E001",
                hint="Generate one with: python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())'",
            )
        )
    for key in keys:
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                Error(
                    "A FIELD_ENCRYPTION_KEYS entry is not a valid Fernet key.",
                    id="perspektive.E002",
                )
            )
    return errors
