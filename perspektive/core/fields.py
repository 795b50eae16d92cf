"""Encrypted model fields for special-category data (health, psychosocial, migration status).

We use django-fernet-encrypted-fields for the field mechanics, but take the keys straight
from ``FIELD_ENCRYPTION_KEYS`` instead of deriving them from ``SECRET_KEY``: rotating the
signing key must never make client records unreadable. The first key encrypts, every key
decrypts (MultiFernet), so keys can be rotated.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.functional import cached_property
from encrypted_fields.fields import EncryptedTextField


class SecretTextField(EncryptedTextField):
    @cached_property
    def keys(self) -> list[bytes]:
        return [key.encode() for key in settings.FIELD_ENCRYPTION_KEYS]

    @cached_property
    def f(self) -> Fernet | MultiFernet:
        return MultiFernet([Fernet(key) for key in self.keys])
