"""Writing the audit trail. Callers are services already inside ``transaction.atomic``."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from perspektive.audit.models import AuditAction, AuditEvent


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model,
    client_id: int | None = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append one audit row. Must run inside the caller's transaction, so that a failed
    audit write rolls the change back (and the change never lands without its row)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=str(action),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        client_id=client_id,
        organisation_id=organisation_id,
        detail=detail,
    )
