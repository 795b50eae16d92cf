"""Writes to a user's own account: profile and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspektive.accounts.models import ApiToken, User
from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.core.authz import CASEWORK_ROLES
from perspektive.core.errors import Forbidden, NotFound
from perspektive.organisations.scoping import principal_for

MAX_TOKENS = 5


@transaction.atomic
def profile_update(*, actor: User, name: str, preferred_language: str) -> User:
    actor.name = name.strip()
    actor.preferred_language = preferred_language
    actor.full_clean(exclude=["password"])
    actor.save(update_fields=["name", "preferred_language"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=actor, fields=["name", "preferred_language"]
    )
    return actor


@transaction.atomic
def preferred_language_set(*, actor: User, language: str) -> User:
    """Remember the language a logged-in user picked in the page header."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    if actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=actor, fields=["preferred_language"]
        )
    return actor


def may_use_api(user: User) -> bool:
    return bool(principal_for(user).roles & CASEWORK_ROLES)


@transaction.atomic
def api_token_create(*, actor: User, label: str) -> tuple[ApiToken, str]:
    """A new token for the actor's own use; the raw token is returned once, never stored."""
    if not may_use_api(actor):
        raise Forbidden
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("Give the token a name, e.g. the tool that uses it.")})
    active = ApiToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True)
    if active.count() >= MAX_TOKENS:
        raise ValidationError({"label": _("Revoke an old token first (at most 5 at a time).")})
    raw = ApiToken.new_raw()
    token = ApiToken(user=actor, label=label[:100], digest=ApiToken.digest_of(raw), prefix=raw[:8])
    token.full_clean()
    token.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=actor, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=token, fields=["revoked_at"])
    return token
