"""Domain errors. Views and the API map them to HTTP status codes in one place each."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404


class NotFound(Http404):
    """The object does not exist, or it is outside the acting user's scope (404, no hint)."""


class Forbidden(PermissionDenied):
    """The object is in the user's scope, but the user lacks the right for this action (403)."""


class DomainError(Exception):
    """A business rule refused the operation (409 unless a subclass says otherwise)."""

    status_code = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidTransition(DomainError):
    """A status change the state machine does not allow."""


class ConsentRequired(DomainError):
    """A sharing path needs the client's consent for a purpose, and none is in force."""
