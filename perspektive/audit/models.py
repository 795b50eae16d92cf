from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    STATUS = "status", _("status changed")
    SHARE = "share", _("shared")
    EXPORT = "export", _("exported")
    CONSENT_OVERRIDE = "consent_override", _("consent overridden")
    LOGIN = "login", _("logged in")


class AuditEvent(models.Model):
    """One read or write of person data. Append-only; written in the same transaction."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    # Kept as plain ids (no foreign keys): the trail must survive erasure of the object.
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
